import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

/** The claims of an account of the test provider (`sub` is its login). */
export interface OidcAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  picture?: string;
}

export interface OidcServerOptions {
  clientId?: string;
  clientSecret?: string;
  /** The redirect URIs the client may use (the provider refuses any other). */
  redirectUris: string[];
}

/** TestOidcServer is a real OpenID provider (`oidc-provider`) on a random loopback port. */
export interface TestOidcServer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  jwksURL: string;
  /** Adds or replaces an account that can log in. */
  addAccount(account: OidcAccount): void;
  /**
   * authorize does what a browser does with an authorization URL: it logs `login` in through the provider's
   * interaction pages, grants consent, and returns the redirect to the client (with `code` and `state`).
   */
  authorize(authURL: string, login: string): Promise<URL>;
  stop(): Promise<void>;
}

/** A cookie jar enough for one browser session against one host. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** startOidcServer starts the provider with one confidential client; stop it with `stop()`. */
export async function startOidcServer(options: OidcServerOptions): Promise<TestOidcServer> {
  const clientId = options.clientId ?? "satchel-test-client";
  const clientSecret = options.clientSecret ?? "satchel-test-secret-0123456789";
  const accounts = new Map<string, OidcAccount>();

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: "RS256", use: "sig", kid: "satchel-test" };
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username", "picture"],
    },
    // the id_token carries the profile claims too, so the userinfo-less OIDC flow can be tested
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["satchel-oidc-test-cookie-key"] },
    async findAccount(_ctx, sub: string) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account }) };
    },
  });
  handler = provider.callback();

  const authorize = async (authURL: string, login: string): Promise<URL> => {
    const jar = new CookieJar();
    let url = new URL(authURL);
    for (let step = 0; step < 10; step++) {
      const res = await fetch(url, { redirect: "manual", headers: { cookie: jar.header() } });
      jar.store(res);
      await res.body?.cancel();
      const location = res.headers.get("location");
      if (!location) throw new Error(`the provider answered ${res.status} at ${url.pathname}`);
      const next = new URL(location, url);
      if (next.origin !== issuer) return next;
      const interaction = next.pathname.match(/^\/interaction\/[^/]+$/);
      if (!interaction) {
        url = next;
        continue;
      }
      // the interaction page: log in first, then consent to what the client asked
      const details = await fetch(next, { headers: { cookie: jar.header() } });
      const page = await details.text();
      const prompt = page.includes('name="login"') ? "login" : "consent";
      const body = new URLSearchParams({ prompt });
      if (prompt === "login") {
        body.set("login", login);
        body.set("password", "any");
      }
      const submitted = await fetch(next, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      jar.store(submitted);
      await submitted.body?.cancel();
      const resume = submitted.headers.get("location");
      if (!resume) throw new Error(`the ${prompt} step answered ${submitted.status}`);
      url = new URL(resume, next);
    }
    throw new Error("too many redirects in the authorization flow");
  };

  return {
    issuer,
    clientId,
    clientSecret,
    authURL: `${issuer}/auth`,
    tokenURL: `${issuer}/token`,
    userInfoURL: `${issuer}/me`,
    jwksURL: `${issuer}/jwks`,
    addAccount(account) {
      accounts.set(account.sub, account);
    },
    authorize,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
