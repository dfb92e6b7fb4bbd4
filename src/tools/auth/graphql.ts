/** graphqlQuery is the request init of a GraphQL query sent to a provider's user info URL. */
export function graphqlQuery(query: string): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) };
}
