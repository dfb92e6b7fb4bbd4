import { randomString } from "../tools/security/random.ts";
import { isPlainObject } from "../tools/types/merge.ts";
import {
  defaultAuthAlertTemplate,
  defaultConfirmEmailChangeTemplate,
  defaultOtpTemplate,
  defaultResetPasswordTemplate,
  defaultVerificationTemplate,
  type EmailTemplate,
} from "./collection-auth-templates.ts";

export interface TokenConfig {
  /** Never serialized to clients; kept when an update omits it. */
  secret: string;
  /** Seconds. */
  duration: number;
}

export interface OAuth2ProviderConfig {
  name: string;
  clientId: string;
  /** Never serialized to clients; kept when an update omits it. */
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  displayName: string;
  pkce: boolean | null;
  extra: Record<string, unknown> | null;
}

/** The options of auth collections, stored in `_collections.options`. */
export interface AuthOptions {
  authRule: string | null;
  manageRule: string | null;
  authAlert: { enabled: boolean; emailTemplate: EmailTemplate };
  oauth2: {
    providers: OAuth2ProviderConfig[];
    mappedFields: { id: string; name: string; username: string; avatarURL: string };
    enabled: boolean;
  };
  passwordAuth: { enabled: boolean; identityFields: string[] };
  mfa: { enabled: boolean; duration: number; rule: string };
  otp: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate };
  authToken: TokenConfig;
  passwordResetToken: TokenConfig;
  emailChangeToken: TokenConfig;
  verificationToken: TokenConfig;
  fileToken: TokenConfig;
  verificationTemplate: EmailTemplate;
  resetPasswordTemplate: EmailTemplate;
  confirmEmailChangeTemplate: EmailTemplate;
}

export const tokenTypes = [
  "authToken",
  "passwordResetToken",
  "emailChangeToken",
  "verificationToken",
  "fileToken",
] as const;
export type TokenOption = (typeof tokenTypes)[number];

const token = (duration: number): TokenConfig => ({ secret: randomString(50), duration });

/** defaultAuthOptions are a new auth collection's options, with fresh random token secrets. */
export function defaultAuthOptions(): AuthOptions {
  return {
    authRule: "",
    manageRule: null,
    authAlert: { enabled: true, emailTemplate: { ...defaultAuthAlertTemplate } },
    oauth2: { providers: [], mappedFields: { id: "", name: "", username: "", avatarURL: "" }, enabled: false },
    passwordAuth: { enabled: true, identityFields: ["email"] },
    mfa: { enabled: false, duration: 600, rule: "" },
    otp: { enabled: false, duration: 180, length: 8, emailTemplate: { ...defaultOtpTemplate } },
    authToken: token(432000),
    passwordResetToken: token(1800),
    emailChangeToken: token(1800),
    verificationToken: token(86400),
    fileToken: token(180),
    verificationTemplate: { ...defaultVerificationTemplate },
    resetPasswordTemplate: { ...defaultResetPasswordTemplate },
    confirmEmailChangeTemplate: { ...defaultConfirmEmailChangeTemplate },
  };
}

/** defaultOAuth2Provider is a provider config with every key at its zero value. */
export function defaultOAuth2Provider(): OAuth2ProviderConfig {
  return {
    pkce: null,
    name: "",
    clientId: "",
    clientSecret: "",
    authURL: "",
    tokenURL: "",
    userInfoURL: "",
    displayName: "",
    extra: null,
  };
}

/** normalizeAuthOptions gives every provider config all of its keys (stored configs may lack some). */
export function normalizeAuthOptions(o: AuthOptions): AuthOptions {
  const providers: unknown[] = Array.isArray(o.oauth2.providers) ? o.oauth2.providers : [];
  o.oauth2.providers = providers.map((p) => ({ ...defaultOAuth2Provider(), ...(isPlainObject(p) ? p : {}) }));
  return o;
}

/**
 * An OAuth2 provider's config as the API shows it: without its client secret. A body may carry one, which
 * replaces the stored secret (left out, the stored one stays).
 */
export type OAuth2ProviderModel = Omit<OAuth2ProviderConfig, "clientSecret"> & { clientSecret?: string };

/**
 * The auth options as the API shows them: token secrets and provider client secrets left out. A body may
 * carry a token's `secret`, which replaces it (a new secret invalidates every token issued before).
 */
export type AuthOptionsModel = Omit<AuthOptions, TokenOption | "oauth2"> & {
  [T in TokenOption]: { duration: number; secret?: string };
} & {
  oauth2: Omit<AuthOptions["oauth2"], "providers"> & { providers: OAuth2ProviderModel[] };
};

/** publicAuthOptions is the options JSON for clients: token secrets and provider client secrets left out. */
export function publicAuthOptions(o: AuthOptions): AuthOptionsModel {
  const out = structuredClone(o) as AuthOptionsModel;
  for (const t of tokenTypes) out[t] = { duration: o[t].duration };
  out.oauth2 = {
    ...o.oauth2,
    providers: o.oauth2.providers.map(({ clientSecret: _, ...rest }) => rest),
  };
  return out;
}
