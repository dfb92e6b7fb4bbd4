import { schemaRef } from "../core/field-value-schema.ts";
import { type CollectionRecordSchema, recordTypeName, type SchemaAudience } from "../core/record-schema.ts";
import { type JsonSchema, objectSchema } from "../tools/jsonschema/schema.ts";
import {
  addOperation,
  anybody,
  authenticated,
  errors,
  jsonBody,
  jsonResponse,
  type Operation,
  type Paths,
  parameterRefs,
  pathParameter,
  type ResponseObject,
  responseRef,
  superusersOnly,
} from "./openapi-common.ts";
import { ruleAccess } from "./openapi-records.ts";

/** The auth flows' own schemas (the auth methods of a collection). */
export const authSchemas: Record<string, JsonSchema> = {
  AuthMethods: objectSchema(
    {
      password: objectSchema(
        { enabled: { type: "boolean" }, identityFields: { type: "array", items: { type: "string" } } },
        ["enabled", "identityFields"],
      ),
      oauth2: objectSchema(
        { enabled: { type: "boolean" }, providers: { type: "array", items: schemaRef("OAuth2ProviderInfo") } },
        ["enabled", "providers"],
      ),
      mfa: objectSchema({ enabled: { type: "boolean" }, duration: { type: "integer" } }, ["enabled", "duration"]),
      otp: objectSchema({ enabled: { type: "boolean" }, duration: { type: "integer" } }, ["enabled", "duration"]),
    },
    ["password", "oauth2", "mfa", "otp"],
    {
      description:
        "The ways to sign in to an auth collection (older SDKs also read `authProviders`, `usernamePassword`, `emailPassword`).",
    },
  ),
  OAuth2ProviderInfo: objectSchema(
    {
      name: { type: "string" },
      displayName: { type: "string" },
      state: { type: "string" },
      authURL: {
        type: "string",
        description: "The provider's sign-in address, to which the redirect URL is appended.",
      },
      codeVerifier: { type: "string" },
      codeChallenge: { type: "string" },
      codeChallengeMethod: { type: "string" },
    },
    ["name", "displayName", "state", "authURL", "codeVerifier", "codeChallenge", "codeChallengeMethod"],
  ),
  MfaChallenge: objectSchema({ mfaId: { type: "string" } }, ["mfaId"], {
    description: "The first of two factors passed: send `mfaId` with a sign-in of another method.",
  }),
};

const string = { type: "string" } as const;

function authResponse(s: CollectionRecordSchema, withMeta: boolean): ResponseObject {
  const properties: Record<string, JsonSchema> = {
    token: { type: "string", description: "The auth token, for the Authorization header." },
    record: schemaRef(recordTypeName(s.typeName, "Response")),
  };
  if (withMeta) properties.meta = { type: "object", description: "What the OAuth2 provider told about the user." };
  return jsonResponse(objectSchema(properties, ["token", "record"]), "Signed in.");
}

const mfaRequired: ResponseObject = {
  description: "A second factor is needed (MFA), or the request is not signed in.",
  content: { "application/json": { schema: { anyOf: [schemaRef("MfaChallenge"), schemaRef("ApiError")] } } },
};

/** recordAuthPaths adds an auth collection's sign-in, token and account flows (the enabled ones). */
export function recordAuthPaths(paths: Paths, s: CollectionRecordSchema, audience: SchemaAudience): void {
  const c = s.collection;
  const base = `/api/collections/${c.name}`;
  const tags = [c.name];
  const isSuperusers = c.name === "_superusers";
  const add = (path: string, op: Omit<Operation, "tags" | "operationId"> & { id: string }) => {
    const { id, ...rest } = op;
    addOperation(paths, `${base}/${path}`, "post", { operationId: `${id}${s.typeName}`, tags, ...rest });
  };
  const signIn = (path: string, id: string, summary: string, body: JsonSchema, withMeta = false) =>
    add(path, {
      id,
      summary,
      description: `${ruleAccess(c.auth.authRule, "auth rule", audience).note} With MFA on, the first factor answers 401 with an \`mfaId\`.`,
      security: anybody,
      parameters: parameterRefs("expand", "fields"),
      requestBody: jsonBody(body),
      responses: { "200": authResponse(s, withMeta), "401": mfaRequired, ...errors(400, 403, 404) },
    });
  const mfaId = { type: "string", description: "The `mfaId` of a first factor, for the second." } as const;

  addOperation(paths, `${base}/auth-methods`, "get", {
    operationId: `listAuthMethods${s.typeName}`,
    summary: `Lists the ways to sign in to \`${c.name}\``,
    tags,
    security: anybody,
    parameters: parameterRefs("fields"),
    responses: { "200": jsonResponse(schemaRef("AuthMethods"), "The auth methods."), ...errors(400, 404) },
  });
  if (c.auth.passwordAuth.enabled) {
    const identity: JsonSchema = {
      type: "string",
      description: `The ${c.auth.passwordAuth.identityFields.join(" or ")}.`,
    };
    signIn(
      "auth-with-password",
      "authWithPassword",
      `Signs in to \`${c.name}\` with a password`,
      objectSchema(
        {
          identity,
          password: { type: "string", writeOnly: true },
          identityField: {
            enum: ["", ...c.auth.passwordAuth.identityFields],
            description: "Which identity field to match.",
          },
          mfaId,
        },
        ["identity", "password"],
      ),
    );
  }
  if (c.auth.otp.enabled) {
    add("request-otp", {
      id: "requestOtp",
      summary: `Sends a one-time password to a \`${c.name}\` record's email`,
      description: "Answers an id even for an unknown email (so that emails can't be probed).",
      security: anybody,
      requestBody: jsonBody(objectSchema({ email: { type: "string", format: "email" } }, ["email"])),
      responses: {
        "200": jsonResponse(objectSchema({ otpId: string }, ["otpId"]), "The OTP's id."),
        ...errors(400, 403, 404),
      },
    });
    signIn(
      "auth-with-otp",
      "authWithOtp",
      `Signs in to \`${c.name}\` with a one-time password`,
      objectSchema({ otpId: string, password: { type: "string", writeOnly: true }, mfaId }, ["otpId", "password"]),
    );
  }
  if (c.auth.oauth2.enabled && !isSuperusers) {
    signIn(
      "auth-with-oauth2",
      "authWithOAuth2",
      `Signs in to \`${c.name}\` with an OAuth2 provider`,
      objectSchema(
        {
          provider: string,
          code: string,
          codeVerifier: string,
          redirectURL: string,
          createData: { type: "object", description: "Fields of the record created on a first sign-in." },
          mfaId,
        },
        ["provider", "code", "redirectURL"],
      ),
      true,
    );
  }
  add("auth-refresh", {
    id: "authRefresh",
    summary: `Refreshes a \`${c.name}\` record's auth token`,
    description: "The requester must be a record of this collection; a new token when the current one is refreshable.",
    security: authenticated,
    parameters: parameterRefs("expand", "fields"),
    responses: { "200": authResponse(s, false), ...errors(400, 401, 403, 404) },
  });
  if (c.auth.passwordAuth.enabled) {
    add("request-password-reset", {
      id: "requestPasswordReset",
      summary: `Sends a password reset email to a \`${c.name}\` record`,
      description: "Answers 204 even for an unknown email.",
      security: anybody,
      requestBody: jsonBody(objectSchema({ email: { type: "string", format: "email" } }, ["email"])),
      responses: { "204": responseRef("NoContent"), ...errors(400, 404) },
    });
  }
  add("confirm-password-reset", {
    id: "confirmPasswordReset",
    summary: `Sets a \`${c.name}\` record's password with a reset token`,
    security: anybody,
    requestBody: jsonBody(
      objectSchema(
        {
          token: string,
          password: { type: "string", writeOnly: true },
          passwordConfirm: { type: "string", writeOnly: true },
        },
        ["token", "password", "passwordConfirm"],
      ),
    ),
    responses: { "204": responseRef("NoContent"), ...errors(400, 404) },
  });
  if (!isSuperusers) {
    add("request-verification", {
      id: "requestVerification",
      summary: `Sends a verification email to a \`${c.name}\` record`,
      description: "Answers 204 even for an unknown email.",
      security: anybody,
      requestBody: jsonBody(objectSchema({ email: { type: "string", format: "email" } }, ["email"])),
      responses: { "204": responseRef("NoContent"), ...errors(400, 404) },
    });
    add("confirm-verification", {
      id: "confirmVerification",
      summary: `Marks a \`${c.name}\` record verified with a verification token`,
      security: anybody,
      requestBody: jsonBody(objectSchema({ token: string }, ["token"])),
      responses: { "204": responseRef("NoContent"), ...errors(400, 404) },
    });
    add("request-email-change", {
      id: "requestEmailChange",
      summary: `Sends an email change confirmation to a \`${c.name}\` record's new address`,
      description: "The requester must be a record of this collection.",
      security: authenticated,
      requestBody: jsonBody(objectSchema({ newEmail: { type: "string", format: "email" } }, ["newEmail"])),
      responses: { "204": responseRef("NoContent"), ...errors(400, 401, 403, 404) },
    });
    add("confirm-email-change", {
      id: "confirmEmailChange",
      summary: `Changes a \`${c.name}\` record's email with an email change token`,
      security: anybody,
      requestBody: jsonBody(
        objectSchema({ token: string, password: { type: "string", writeOnly: true } }, ["token", "password"]),
      ),
      responses: { "204": responseRef("NoContent"), ...errors(400, 404) },
    });
  }
  if (audience === "superuser") {
    addOperation(paths, `${base}/impersonate/{id}`, "post", {
      operationId: `impersonate${s.typeName}`,
      summary: `Issues a token for a \`${c.name}\` record (superusers)`,
      description: "A non-refreshable token of the record, valid for `duration` seconds (0: the collection's).",
      tags,
      security: superusersOnly,
      parameters: [pathParameter("id", "The record id."), ...parameterRefs("expand", "fields")],
      requestBody: {
        content: { "application/json": { schema: objectSchema({ duration: { type: "integer", minimum: 0 } }) } },
      },
      responses: { "200": authResponse(s, false), ...errors(400, 401, 403, 404) },
    });
  }
}
