import {
  OAuth2Client,
  OAuth2RequestError,
  OAuth2Tokens,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from "arctic";

/**
 * AuthUser is what a provider tells about the person who logged in, in PocketBase's shape. `email` is set
 * only when the provider vouches for it (verified), since it is used to link accounts.
 */
export interface AuthUser {
  id: string;
  name: string;
  username: string;
  email: string;
  avatarURL: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (`YYYY-MM-DD HH:MM:SS.mmmZ`), "" when the provider didn't say. */
  expiry: string;
  rawUser: Record<string, unknown>;
}

/** The settings of a provider that a collection's config may override. */
export interface ProviderSettings {
  clientId: string;
  clientSecret: string;
  displayName: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  pkce: boolean;
  scopes: string[];
  extra: Record<string, unknown>;
}

/** ProviderSpec describes one kind of provider: its defaults and how it reads the user's profile. */
export interface ProviderSpec {
  displayName: string;
  /** An SVG image. */
  logo: string;
  /** Where the provider sorts in lists meant for people. */
  order: number;
  pkce: boolean;
  scopes: string[];
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  /** settingsChanged adjusts settings that depend on others (for example scopes added by an `extra` option). */
  settingsChanged?(settings: ProviderSettings): void;
  fetchAuthUser(provider: Provider, tokens: OAuth2Tokens): Promise<AuthUser>;
}

/** ProviderError is a provider step that failed (the token exchange, the profile request). */
export class ProviderError extends Error {}

/** requestTimeoutMs bounds each request to a provider, as PocketBase bounds the whole exchange. */
const requestTimeoutMs = 30_000;

/**
 * Provider is one configured OAuth2 provider: the spec's defaults with a collection's overrides, able to
 * build the authorization URL, exchange a code for tokens and fetch the user.
 */
export class Provider {
  readonly settings: ProviderSettings;
  /** The redirect URL sent with the code exchange ("" sends none). */
  redirectURL = "";

  constructor(
    readonly name: string,
    readonly spec: ProviderSpec,
  ) {
    this.settings = {
      clientId: "",
      clientSecret: "",
      displayName: spec.displayName,
      authURL: spec.authURL,
      tokenURL: spec.tokenURL,
      userInfoURL: spec.userInfoURL,
      pkce: spec.pkce,
      scopes: [...spec.scopes],
      extra: {},
    };
  }

  /** configure lays a collection's non-empty overrides over the defaults. */
  configure(overrides: Partial<ProviderSettings>): this {
    for (const [key, value] of Object.entries(overrides) as [keyof ProviderSettings, unknown][]) {
      if (value === "" || value === null || value === undefined) continue;
      (this.settings as unknown as Record<string, unknown>)[key] = value;
    }
    this.spec.settingsChanged?.(this.settings);
    return this;
  }

  get logo(): string {
    return this.spec.logo;
  }

  /**
   * buildAuthURL is the provider's authorization URL with the client, scopes, state and `params`, encoded
   * with sorted keys as Go's oauth2 package encodes them.
   */
  buildAuthURL(state: string, params: Record<string, string> = {}): string {
    const query: Record<string, string> = { ...params, client_id: this.settings.clientId, response_type: "code" };
    if (this.redirectURL !== "") query.redirect_uri = this.redirectURL;
    if (this.settings.scopes.length > 0) query.scope = this.settings.scopes.join(" ");
    query.state = state;
    const encoded = Object.keys(query)
      .sort()
      .map((k) => `${queryEscape(k)}=${queryEscape(query[k] ?? "")}`)
      .join("&");
    const base = this.settings.authURL;
    return `${base}${base.includes("?") ? "&" : "?"}${encoded}`;
  }

  /**
   * fetchToken exchanges an authorization code. The client credentials go in a Basic header first and, if
   * the provider refuses that, in the form body (Go's oauth2 package probes the same way).
   */
  async fetchToken(code: string, codeVerifier: string): Promise<OAuth2Tokens> {
    const verifier = this.settings.pkce ? codeVerifier : null;
    const redirect = this.redirectURL === "" ? null : this.redirectURL;
    let tokens: OAuth2Tokens;
    try {
      const client = new OAuth2Client(this.settings.clientId, this.settings.clientSecret, redirect);
      tokens = await withTimeout(client.validateAuthorizationCode(this.settings.tokenURL, code, verifier));
    } catch (err) {
      const refused =
        err instanceof OAuth2RequestError ||
        err instanceof UnexpectedErrorResponseBodyError ||
        err instanceof UnexpectedResponseError;
      if (!refused) throw err;
      tokens = await this.#fetchTokenWithCredentialsInBody(code, verifier, redirect);
    }
    if (typeof (tokens.data as { access_token?: unknown }).access_token !== "string")
      throw new ProviderError("the token response has no access_token");
    return tokens;
  }

  async #fetchTokenWithCredentialsInBody(code: string, verifier: string | null, redirect: string | null) {
    const body = new URLSearchParams({ grant_type: "authorization_code", code });
    if (redirect !== null) body.set("redirect_uri", redirect);
    if (verifier !== null) body.set("code_verifier", verifier);
    body.set("client_id", this.settings.clientId);
    body.set("client_secret", this.settings.clientSecret);
    const res = await withTimeout(
      fetch(this.settings.tokenURL, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
      }),
    );
    const data: unknown = await res.json().catch(() => null);
    if (res.status !== 200 || typeof data !== "object" || data === null) {
      throw new ProviderError(`the token request failed (${res.status})`);
    }
    return new OAuth2Tokens(data);
  }

  /**
   * fetchRawUserInfo sends an authorized request to the user info URL (GET unless `init` says otherwise)
   * and returns the body; an error status is a ProviderError.
   */
  async fetchRawUserInfo(tokens: OAuth2Tokens, init: RequestInit = {}, url = this.settings.userInfoURL) {
    const headers = new Headers(init.headers);
    headers.set("authorization", `${tokenType(tokens)} ${tokens.accessToken()}`);
    const res = await withTimeout(fetch(url, { ...init, headers }));
    const text = await res.text();
    if (res.status >= 400) throw new ProviderError(`failed to fetch the OAuth2 user profile (${res.status})`);
    return text;
  }

  /** fetchJson is fetchRawUserInfo parsed as a JSON object. */
  async fetchJson(tokens: OAuth2Tokens, init: RequestInit = {}, url?: string): Promise<Record<string, unknown>> {
    return parseObject(await this.fetchRawUserInfo(tokens, init, url));
  }

  /** fetchAuthUser reads the user behind the tokens. */
  fetchAuthUser(tokens: OAuth2Tokens): Promise<AuthUser> {
    return this.spec.fetchAuthUser(this, tokens);
  }
}

/** parseObject parses a JSON object (anything else is a ProviderError). */
export function parseObject(text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProviderError("the provider answered with invalid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new ProviderError("the provider answered with an unexpected JSON value");
  return data as Record<string, unknown>;
}

/** newAuthUser starts an AuthUser from the tokens and the raw profile; the provider fills in the rest. */
export function newAuthUser(tokens: OAuth2Tokens, rawUser: Record<string, unknown>): AuthUser {
  const data = tokens.data as Record<string, unknown>;
  return {
    id: "",
    name: "",
    username: "",
    email: "",
    avatarURL: "",
    accessToken: typeof data.access_token === "string" ? data.access_token : "",
    refreshToken: typeof data.refresh_token === "string" ? data.refresh_token : "",
    expiry: tokenExpiry(data),
    rawUser,
  };
}

function tokenExpiry(data: Record<string, unknown>): string {
  const seconds = Number(data.expires_in);
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  return new Date(Date.now() + seconds * 1000).toISOString().replace("T", " ");
}

/** tokenType is the Authorization scheme of an access token, capitalized as Go's oauth2 package does. */
function tokenType(tokens: OAuth2Tokens): string {
  const raw = (tokens.data as { token_type?: unknown }).token_type;
  const type = typeof raw === "string" ? raw : "";
  const known: Record<string, string> = { bearer: "Bearer", mac: "MAC", basic: "Basic", "": "Bearer" };
  return known[type.toLowerCase()] ?? type;
}

/** queryEscape is Go's url.QueryEscape: only letters, digits and `-_.~` stay as they are; spaces become `+`. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderError("the provider did not answer in time")), requestTimeoutMs);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** str reads a string value of a profile ("" for anything else). */
export function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** idString reads an id that a profile gives as a number or a string. */
export function idString(v: unknown): string {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return str(v);
}

/** obj reads a nested object of a profile ({} for anything else). */
export function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** truthy reads a flag that providers send as a boolean or as text ("true", "1"), as Go's cast.ToBool does. */
export function truthy(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return ["1", "t", "true"].includes(v.toLowerCase());
  return false;
}
