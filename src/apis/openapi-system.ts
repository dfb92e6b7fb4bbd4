import { arrayOf, objectSchema } from "../tools/jsonschema/schema.ts";
import {
  addOperation,
  anybody,
  authenticated,
  errors,
  jsonBody,
  jsonResponse,
  type Paths,
  query,
  responseRef,
} from "./openapi-common.ts";

const string = { type: "string" } as const;

const batchRequest = objectSchema(
  {
    method: {
      enum: ["POST", "PUT", "PATCH", "DELETE"],
      description: "PUT upserts: it updates `body.id` when it exists.",
    },
    url: {
      type: "string",
      description: "A records path, with its query: `/api/collections/posts/records?expand=author`.",
    },
    headers: { type: "object", additionalProperties: string },
    body: { type: "object", description: "The body of the sub-request." },
  },
  ["method", "url"],
);

/** systemPaths adds the APIs that are not about one collection: health, file tokens, realtime, batch, OAuth2. */
export function systemPaths(paths: Paths): void {
  addOperation(paths, "/api/health", "get", {
    operationId: "health",
    summary: "Tells whether the server is up",
    description: "Superusers also get `data.canBackup`, `data.realIP` and `data.possibleProxyHeader`.",
    tags: ["Health"],
    security: anybody,
    responses: {
      "200": jsonResponse(
        objectSchema({ code: { type: "integer" }, message: string, data: { type: "object" } }, [
          "code",
          "message",
          "data",
        ]),
      ),
      ...errors(400),
    },
  });
  addOperation(paths, "/api/files/token", "post", {
    operationId: "fileToken",
    summary: "Issues a short-lived token for protected files",
    tags: ["Files"],
    security: authenticated,
    responses: {
      "200": jsonResponse(objectSchema({ token: string }, ["token"]), "The file token."),
      ...errors(400, 401),
    },
  });
  addOperation(paths, "/api/realtime", "get", {
    operationId: "realtimeConnect",
    summary: "Opens the realtime event stream (SSE)",
    description:
      "The first event, `PB_CONNECT`, carries `{clientId}`: set the client's subscriptions with `POST /api/realtime`. The stream stays open.",
    tags: ["Realtime"],
    security: anybody,
    responses: { "200": { description: "The event stream.", content: { "text/event-stream": { schema: string } } } },
  });
  addOperation(paths, "/api/realtime", "post", {
    operationId: "realtimeSetSubscriptions",
    summary: "Sets the subscriptions of a realtime client",
    description:
      "Topics: a collection name or id (`posts`), a record (`posts/RECORD_ID`), with options in a query (`posts?options={...}`); the token of the first request with one becomes the client's.",
    tags: ["Realtime"],
    security: anybody,
    requestBody: jsonBody(objectSchema({ clientId: string, subscriptions: arrayOf(string) }, ["clientId"])),
    responses: { "204": responseRef("NoContent"), ...errors(400, 403, 404) },
  });
  addOperation(paths, "/api/realtime/ws", "get", {
    operationId: "realtimeWebSocket",
    summary: "Opens a realtime WebSocket (a Satchel addition)",
    description:
      'The same events as the stream, over a WebSocket: send `{"type":"subscribe","topics":[...]}`, `unsubscribe`, `auth` or `ping` messages.',
    tags: ["Realtime"],
    security: anybody,
    responses: { "101": { description: "Switched to the WebSocket protocol." }, ...errors(400) },
  });
  addOperation(paths, "/api/batch", "post", {
    operationId: "batch",
    summary: "Runs record creates, updates, upserts and deletes in one transaction",
    description:
      "Off unless the settings enable it. Each sub-request checks its own collection's rules; the first that fails rolls all back. Files go in a multipart body as `requests.N.field`.",
    tags: ["Batch"],
    security: anybody,
    requestBody: {
      required: true,
      content: {
        "application/json": { schema: objectSchema({ requests: arrayOf(batchRequest) }, ["requests"]) },
        "multipart/form-data": {
          schema: objectSchema({ "@jsonPayload": { type: "string", contentMediaType: "application/json" } }),
        },
      },
    },
    responses: {
      "200": jsonResponse(
        arrayOf(objectSchema({ status: { type: "integer" }, body: {} }, ["status", "body"])),
        "The answer of each sub-request.",
      ),
      ...errors(400, 403),
    },
  });
  const redirect = (method: "get" | "post"): void =>
    addOperation(paths, "/api/oauth2-redirect", method, {
      operationId: method === "get" ? "oauth2Redirect" : "oauth2RedirectFormPost",
      summary: "Receives an OAuth2 provider's redirect (the SDK's all-in-one flow)",
      description: "Hands `code` to the realtime client named by `state`, then tells the browser window it may close.",
      tags: ["Realtime"],
      security: anybody,
      ...(method === "get"
        ? {
            parameters: [
              query("state", string, "The realtime client id."),
              query("code", string, "The provider's code."),
              query("error", string, "The provider's error."),
            ],
          }
        : {
            requestBody: {
              content: {
                "application/x-www-form-urlencoded": {
                  schema: objectSchema({ state: string, code: string, error: string, user: string }),
                },
              },
            },
          }),
      responses: {
        "200": {
          description: "A page telling how it went.",
          content: { "text/html": { schema: string }, "text/plain": { schema: string } },
        },
        ...errors(400),
      },
    });
  redirect("get");
  redirect("post");
}
