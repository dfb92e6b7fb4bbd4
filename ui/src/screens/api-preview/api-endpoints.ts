import type { AuthMethodsResponse, CollectionModel, CollectionOf, FieldModel } from "../../api/wire.ts";
import {
  exampleBody,
  exampleDate,
  exampleFilterField,
  exampleRecord,
  exampleValue,
  fileFields,
  isMultiple,
  isPrimaryKey,
  isRequired,
  writableFields,
} from "./example-values.ts";

/** A query or body parameter of an endpoint. */
export interface ApiParam {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** An answer of an endpoint: its status and JSON body (null for an empty 204). */
export interface ApiResponse {
  status: number;
  body: unknown;
  /** When this answer comes. */
  note: string;
}

/** Who may call an endpoint: by the collection's rule for it (null: superusers only, "": anyone). */
export interface ApiAccess {
  ruleName: string;
  rule: string | null;
}

export interface ApiEndpoint {
  /** The address segment of the endpoint (`list`, `auth-with-password`). */
  id: string;
  label: string;
  group: "Records" | "Auth";
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  description: string;
  access: ApiAccess | null;
  js: string;
  dart: string;
  query: ApiParam[];
  body: ApiParam[];
  responses: ApiResponse[];
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const q = (s: string) => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/** The setup every snippet starts with. */
function jsSetup(baseUrl: string): string {
  return `import PocketBase from 'pocketbase';\n\nconst pb = new PocketBase(${q(baseUrl)});\n\n`;
}

function dartSetup(baseUrl: string): string {
  return `import 'package:pocketbase/pocketbase.dart';\n\nfinal pb = PocketBase(${q(baseUrl)});\n\n`;
}

/** indent shifts every line but the first (a JSON object inside code). */
const indent = (text: string, by: string) => text.replaceAll("\n", `\n${by}`);

const errorBody = (status: number, message: string, data: Record<string, unknown> = {}) => ({ status, message, data });
const notFound = errorBody(404, "The requested resource wasn't found.");
const superusersOnly = errorBody(403, "Only superusers can perform this action.");

function paramType(field: FieldModel): string {
  const many = isMultiple(field);
  switch (field.type) {
    case "text":
      return "String";
    case "number":
      return field.onlyInt ? "Number (integer)" : "Number";
    case "bool":
      return "Boolean";
    case "email":
      return "String (email)";
    case "url":
      return "String (URL)";
    case "editor":
      return "String (HTML)";
    case "date":
      return `String (date, ${exampleDate})`;
    case "select": {
      const values = field.values.join(", ");
      return `${many ? "Array<String>" : "String"} (one of: ${values})`;
    }
    case "json":
      return "JSON";
    case "file":
      return many ? "Array<File>" : "File";
    case "relation":
      return many ? "Array<String> (record ids)" : "String (record id)";
    case "geoPoint":
      return "{ lon: Number, lat: Number }";
    default:
      return field.type;
  }
}

/** The body parameters of a create (required as the fields say) or of an update (all optional). */
function bodyParams(collection: CollectionModel, forUpdate: boolean): ApiParam[] {
  const params: ApiParam[] = [];
  for (const field of writableFields(collection)) {
    if (isPrimaryKey(field)) {
      if (!forUpdate)
        params.push({
          name: field.name,
          type: "String",
          required: false,
          description: "A 15 characters id of your own; the server makes one when left out.",
        });
      continue;
    }
    if (field.type === "password") {
      if (forUpdate)
        params.push({
          name: "oldPassword",
          type: "String",
          required: false,
          description: "The current password: needed to change it, unless a superuser or the manage rule does.",
        });
      params.push(
        { name: "password", type: "String", required: !forUpdate, description: "The auth record's password." },
        { name: "passwordConfirm", type: "String", required: !forUpdate, description: "The password again." },
      );
      continue;
    }
    let description = "";
    if (field.name === "verified") description = "Settable by superusers and the manage rule only.";
    else if (field.name === "emailVisibility") description = "Whether other users see the email.";
    else if (field.type === "file") description = "Sent as multipart/form-data parts.";
    if (forUpdate && (field.type === "number" || isMultiple(field)))
      description += `${description ? " " : ""}${
        field.type === "number"
          ? `\`${field.name}+\` and \`${field.name}-\` add to and subtract from the stored number.`
          : `\`${field.name}+\` appends, \`+${field.name}\` prepends and \`${field.name}-\` removes values.`
      }`;
    params.push({
      name: field.name,
      type: paramType(field),
      required: !forUpdate && isRequired(field) && field.type !== "bool",
      description,
    });
  }
  return params;
}

/** A filter on one of the collection's fields: "contains" for text, "equals" for the others. */
function filterExample(collection: CollectionModel): string {
  const field = exampleFilterField(collection);
  if (!field) return "id != ''";
  const value = exampleValue(field);
  if (typeof value === "string" && ["text", "email", "url", "editor"].includes(field.type))
    return `${field.name} ~ ${JSON.stringify(value.split(/[\s@.]/)[0])}`;
  return `${field.name} = ${JSON.stringify(Array.isArray(value) ? value[0] : value)}`;
}

function listQuery(collection: CollectionModel): ApiParam[] {
  const filter = filterExample(collection);
  const hasCreated = collection.fields.some((f) => f.name === "created");
  return [
    { name: "page", type: "Number", required: false, description: "The page (1 by default)." },
    {
      name: "perPage",
      type: "Number",
      required: false,
      description: "Records per page (30 by default, 1000 at most).",
    },
    {
      name: "sort",
      type: "String",
      required: false,
      description: `Fields to sort by, \`-\` for descending, e.g. \`${hasCreated ? "-created" : "-id"},id\`; also \`@random\` and \`@rowid\`.`,
    },
    {
      name: "filter",
      type: "String",
      required: false,
      description: `A filter expression, e.g. \`(${filter})\`. Operators: = != > >= < <= ~ !~ and their any-of forms ?= ?!= ...`,
    },
    ...expandAndFields(collection),
    {
      name: "skipTotal",
      type: "Boolean",
      required: false,
      description: "Skips counting the total (totalItems and totalPages are then -1): faster on large collections.",
    },
  ];
}

function expandAndFields(collection: CollectionModel): ApiParam[] {
  const relations = collection.fields.filter((f) => f.type === "relation").map((f) => f.name);
  return [
    {
      name: "expand",
      type: "String",
      required: false,
      description: relations.length
        ? `Relations to expand (up to 6 levels), e.g. \`${relations.slice(0, 2).join(",")}\`.`
        : "Relations to expand (this collection has no relation field; back-relations work: `otherCollection_via_field`).",
    },
    {
      name: "fields",
      type: "String",
      required: false,
      description: "Comma-separated fields to return, e.g. `*,expand.author.name`; `:excerpt(200,true)` shortens text.",
    },
  ];
}

const authResponse = (collection: CollectionModel) => ({ token: "JWT_TOKEN", record: exampleRecord(collection) });

function recordEndpoints(c: CollectionModel, baseUrl: string): ApiEndpoint[] {
  const js = jsSetup(baseUrl);
  const dart = dartSetup(baseUrl);
  const name = q(c.name);
  const base = `/api/collections/${c.name}/records`;
  const record = exampleRecord(c);
  const filter = filterExample(c);
  const list: ApiEndpoint = {
    id: "list",
    label: "List/Search",
    group: "Records",
    method: "GET",
    path: base,
    description: "A page of the records the list rule lets the requester see, filtered and sorted.",
    access: { ruleName: "listRule", rule: c.listRule ?? null },
    js: `${js}// a page of records
const resultList = await pb.collection(${name}).getList(1, 50, {
  filter: ${q(filter)},
});

// all of them at once (requests page after page)
const records = await pb.collection(${name}).getFullList({ sort: '-id' });

// the first match
const first = await pb.collection(${name}).getFirstListItem(${q(filter)});`,
    dart: `${dart}// a page of records
final resultList = await pb.collection(${name}).getList(
  page: 1,
  perPage: 50,
  filter: ${q(filter)},
);

// all of them at once (requests page after page)
final records = await pb.collection(${name}).getFullList(sort: '-id');

// the first match
final first = await pb.collection(${name}).getFirstListItem(${q(filter)});`,
    query: listQuery(c),
    body: [],
    responses: [
      {
        status: 200,
        body: {
          page: 1,
          perPage: 30,
          totalItems: 2,
          totalPages: 1,
          items: [record, { ...record, id: "b2c3d4e5f6g7h8i" }],
        },
        note: "The page.",
      },
      {
        status: 400,
        body: errorBody(400, "Something went wrong while processing your request.", {}),
        note: "A filter or sort the server can't read.",
      },
      ...(c.listRule == null ? [{ status: 403, body: superusersOnly, note: "Not a superuser." }] : []),
    ],
  };
  const view: ApiEndpoint = {
    id: "view",
    label: "View",
    group: "Records",
    method: "GET",
    path: `${base}/:id`,
    description: "One record by its id, if the view rule lets the requester see it.",
    access: { ruleName: "viewRule", rule: c.viewRule ?? null },
    js: `${js}const record = await pb.collection(${name}).getOne('RECORD_ID', {
  expand: '',
});`,
    dart: `${dart}final record = await pb.collection(${name}).getOne('RECORD_ID', expand: '');`,
    query: expandAndFields(c),
    body: [],
    responses: [
      { status: 200, body: record, note: "The record." },
      ...(c.viewRule == null ? [{ status: 403, body: superusersOnly, note: "Not a superuser." }] : []),
      { status: 404, body: notFound, note: "No such record, or the view rule hides it." },
    ],
  };
  if (c.type === "view") return [list, view];

  const files = fileFields(c);
  const createBody = exampleBody(c, false);
  const updateBody = exampleBody(c, true);
  const fileNote = files.length
    ? `\n\n// files go as File or Blob values (the SDK then sends multipart/form-data)\n${files
        .map((f) => `// data.${f.name} = new File(['...'], 'file.txt');`)
        .join("\n")}`
    : "";
  const dartFiles = files.length
    ? `,\n  files: [\n${files.map((f) => `    http.MultipartFile.fromString(${q(f.name)}, 'example content', filename: 'file.txt'),`).join("\n")}\n  ]`
    : "";
  const validationError = (action: string) => {
    const field = writableFields(c).find((f) => isRequired(f) && !isPrimaryKey(f));
    return errorBody(
      400,
      `Failed to ${action} record.`,
      field ? { [field.name]: { code: "validation_required", message: "Cannot be blank." } } : {},
    );
  };
  const create: ApiEndpoint = {
    id: "create",
    label: "Create",
    group: "Records",
    method: "POST",
    path: base,
    description: "Creates a record, if the create rule allows it (the rule sees the new record's values).",
    access: { ruleName: "createRule", rule: c.createRule ?? null },
    js: `${js}const data = ${indent(json(createBody), "")};${fileNote}

const record = await pb.collection(${name}).create(data);`,
    dart: `${dart}${files.length ? "import 'package:http/http.dart' as http;\n\n" : ""}final body = <String, dynamic>${json(createBody)};

final record = await pb.collection(${name}).create(body: body${dartFiles});`,
    query: expandAndFields(c),
    body: bodyParams(c, false),
    responses: [
      { status: 200, body: record, note: "The new record." },
      { status: 400, body: validationError("create"), note: "A value the fields refuse, or the create rule fails." },
      ...(c.createRule == null ? [{ status: 403, body: superusersOnly, note: "Not a superuser." }] : []),
    ],
  };
  const update: ApiEndpoint = {
    id: "update",
    label: "Update",
    group: "Records",
    method: "PATCH",
    path: `${base}/:id`,
    description: "Changes the fields sent, if the update rule allows it; the others keep their values.",
    access: { ruleName: "updateRule", rule: c.updateRule ?? null },
    js: `${js}const data = ${indent(json(updateBody), "")};${fileNote}

const record = await pb.collection(${name}).update('RECORD_ID', data);`,
    dart: `${dart}${files.length ? "import 'package:http/http.dart' as http;\n\n" : ""}final body = <String, dynamic>${json(updateBody)};

final record = await pb.collection(${name}).update('RECORD_ID', body: body${dartFiles});`,
    query: expandAndFields(c),
    body: bodyParams(c, true),
    responses: [
      { status: 200, body: record, note: "The updated record." },
      { status: 400, body: validationError("update"), note: "A value the fields refuse." },
      ...(c.updateRule == null ? [{ status: 403, body: superusersOnly, note: "Not a superuser." }] : []),
      { status: 404, body: notFound, note: "No such record, or the update rule hides it." },
    ],
  };
  const remove: ApiEndpoint = {
    id: "delete",
    label: "Delete",
    group: "Records",
    method: "DELETE",
    path: `${base}/:id`,
    description: "Deletes a record (and its files), if the delete rule allows it.",
    access: { ruleName: "deleteRule", rule: c.deleteRule ?? null },
    js: `${js}await pb.collection(${name}).delete('RECORD_ID');`,
    dart: `${dart}await pb.collection(${name}).delete('RECORD_ID');`,
    query: [],
    body: [],
    responses: [
      { status: 204, body: null, note: "Deleted." },
      {
        status: 400,
        body: errorBody(
          400,
          "Failed to delete record. Make sure that the record is not part of a required relation reference.",
        ),
        note: "Another record needs it.",
      },
      ...(c.deleteRule == null ? [{ status: 403, body: superusersOnly, note: "Not a superuser." }] : []),
      { status: 404, body: notFound, note: "No such record, or the delete rule hides it." },
    ],
  };
  const realtime: ApiEndpoint = {
    id: "realtime",
    label: "Realtime",
    group: "Records",
    method: "GET",
    path: "/api/realtime",
    description:
      "Server-sent events of the records' creates, updates and deletes: the list rule decides who gets the events of all records, the view rule those of one record.",
    access: { ruleName: "listRule / viewRule", rule: c.listRule ?? null },
    js: `${js}// every record of the collection
pb.collection(${name}).subscribe('*', (e) => {
  console.log(e.action); // create, update or delete
  console.log(e.record);
}, { /* other options like expand, custom headers, etc. */ });

// one record
pb.collection(${name}).subscribe('RECORD_ID', (e) => {
  console.log(e.action, e.record);
});

// stop
pb.collection(${name}).unsubscribe('RECORD_ID'); // one subscription
pb.collection(${name}).unsubscribe('*'); // the collection's
pb.collection(${name}).unsubscribe(); // all of the collection's`,
    dart: `${dart}// every record of the collection
pb.collection(${name}).subscribe('*', (e) {
  print(e.action); // create, update or delete
  print(e.record);
});

// one record
pb.collection(${name}).subscribe('RECORD_ID', (e) {
  print(e.record);
});

// stop
pb.collection(${name}).unsubscribe('RECORD_ID');
pb.collection(${name}).unsubscribe('*');
pb.collection(${name}).unsubscribe();`,
    query: [],
    body: [],
    responses: [{ status: 200, body: { action: "create", record }, note: "Each event's data." }],
  };
  const batch: ApiEndpoint = {
    id: "batch",
    label: "Batch",
    group: "Records",
    method: "POST",
    path: "/api/batch",
    description:
      "Several creates, updates, upserts and deletes in one transaction: all or none. The batch API must be enabled in the application settings.",
    access: null,
    js: `${js}const batch = pb.createBatch();

batch.collection(${name}).create(${indent(json(createBody), "")});
batch.collection(${name}).update('RECORD_ID', { /* ... */ });
batch.collection(${name}).upsert({ id: 'RECORD_ID', /* ... */ });
batch.collection(${name}).delete('RECORD_ID');

const result = await batch.send();`,
    dart: `${dart}final batch = pb.createBatch();

batch.collection(${name}).create(body: ${indent(json(createBody), "")});
batch.collection(${name}).update('RECORD_ID', body: {});
batch.collection(${name}).upsert(body: {'id': 'RECORD_ID'});
batch.collection(${name}).delete('RECORD_ID');

final result = await batch.send();`,
    query: [],
    body: [
      {
        name: "requests",
        type: "Array<{method, url, headers?, body?}>",
        required: true,
        description: "The sub-requests, run in order; each checks its own collection's rules.",
      },
    ],
    responses: [
      { status: 200, body: [{ status: 200, body: record }], note: "Each sub-request's answer." },
      {
        status: 400,
        body: errorBody(400, "Batch transaction failed.", {
          requests: {
            "0": {
              code: "batch_request_failed",
              message: "Batch request failed.",
              response: validationError("create"),
            },
          },
        }),
        note: "A sub-request failed: nothing was changed.",
      },
      { status: 403, body: errorBody(403, "Batch requests are not allowed."), note: "The batch API is off." },
    ],
  };
  return [list, view, create, update, remove, realtime, batch];
}

function authEndpoints(c: CollectionOf<"auth">, baseUrl: string): ApiEndpoint[] {
  const js = jsSetup(baseUrl);
  const dart = dartSetup(baseUrl);
  const name = q(c.name);
  const base = `/api/collections/${c.name}`;
  const isSuperusers = c.name === "_superusers";
  const identity = c.passwordAuth.identityFields.join(" or ") || "email";
  const identityFields = c.passwordAuth.enabled ? c.passwordAuth.identityFields : [];
  const providers = c.oauth2.enabled
    ? c.oauth2.providers.map((p) => {
        const authURL = `${p.authURL || "https://provider.example.com/auth"}?client_id=...&redirect_uri=`;
        return {
          name: p.name,
          displayName: p.displayName || p.name,
          logo: "<svg ...>",
          state: "STATE",
          authURL,
          authUrl: authURL,
          codeVerifier: "CODE_VERIFIER",
          codeChallenge: "CODE_CHALLENGE",
          codeChallengeMethod: "S256",
        };
      })
    : [];
  // the last three keys are the legacy ones the server still sends (the JavaScript SDK drops them)
  const methods: AuthMethodsResponse = {
    password: { identityFields, enabled: c.passwordAuth.enabled },
    oauth2: { providers, enabled: c.oauth2.enabled },
    mfa: { enabled: c.mfa.enabled, duration: c.mfa.enabled ? c.mfa.duration : 0 },
    otp: { enabled: c.otp.enabled, duration: c.otp.enabled ? c.otp.duration : 0 },
    authProviders: c.oauth2.enabled ? providers.map((p) => ({ ...p, logo: "" })) : null,
    usernamePassword: identityFields.includes("username"),
    emailPassword: identityFields.includes("email"),
  };
  const mfaNeeded = {
    status: 401,
    body: { mfaId: "MFA_ID" },
    note: "MFA is on and this was the first factor: authenticate again with another method and the mfaId.",
  };
  const noContent = (note: string): ApiResponse => ({ status: 204, body: null, note });
  const list: ApiEndpoint[] = [
    {
      id: "auth-methods",
      label: "List auth methods",
      group: "Auth",
      method: "GET",
      path: `${base}/auth-methods`,
      description: "The ways users of this collection can sign in (for a login form).",
      access: null,
      js: `${js}const result = await pb.collection(${name}).listAuthMethods();`,
      dart: `${dart}final result = await pb.collection(${name}).listAuthMethods();`,
      query: [],
      body: [],
      responses: [{ status: 200, body: methods, note: "The methods." }],
    },
  ];
  if (c.passwordAuth.enabled)
    list.push({
      id: "auth-with-password",
      label: "Auth with password",
      group: "Auth",
      method: "POST",
      path: `${base}/auth-with-password`,
      description: `Signs in with ${identity} and password; the SDK keeps the token in pb.authStore.`,
      access: null,
      js: `${js}const authData = await pb.collection(${name}).authWithPassword('YOUR_IDENTITY', 'YOUR_PASSWORD');

// the session, kept by the SDK
console.log(pb.authStore.isValid, pb.authStore.token, pb.authStore.record.id);

// sign out
pb.authStore.clear();`,
      dart: `${dart}final authData = await pb.collection(${name}).authWithPassword('YOUR_IDENTITY', 'YOUR_PASSWORD');

// the session, kept by the SDK
print(pb.authStore.isValid);
print(pb.authStore.token);
print(pb.authStore.record.id);

// sign out
pb.authStore.clear();`,
      query: expandAndFields(c),
      body: [
        { name: "identity", type: "String", required: true, description: `The record's ${identity}.` },
        { name: "password", type: "String", required: true, description: "The record's password." },
        {
          name: "identityField",
          type: "String",
          required: false,
          description: "Which identity field to match (all of them by default).",
        },
      ],
      responses: [
        { status: 200, body: authResponse(c), note: "Signed in." },
        ...(c.mfa.enabled ? [mfaNeeded] : []),
        { status: 400, body: errorBody(400, "Failed to authenticate."), note: "Wrong identity or password." },
      ],
    });
  if (c.oauth2.enabled && !isSuperusers)
    list.push({
      id: "auth-with-oauth2",
      label: "Auth with OAuth2",
      group: "Auth",
      method: "POST",
      path: `${base}/auth-with-oauth2`,
      description:
        "Signs in through a provider (creating the record on the first sign-in). The SDK's all-in-one call opens the provider's page in a popup and waits for the answer over realtime.",
      access: null,
      js: `${js}const authData = await pb.collection(${name}).authWithOAuth2({ provider: ${q(c.oauth2.providers[0]?.name ?? "google")} });`,
      dart: `${dart}import 'package:url_launcher/url_launcher.dart';

final authData = await pb.collection(${name}).authWithOAuth2(${q(c.oauth2.providers[0]?.name ?? "google")}, (url) async {
  await launchUrl(url);
});`,
      query: expandAndFields(c),
      body: [
        { name: "provider", type: "String", required: true, description: "The provider's name." },
        { name: "code", type: "String", required: true, description: "The code the provider redirected with." },
        { name: "codeVerifier", type: "String", required: true, description: "The PKCE verifier of the auth methods." },
        { name: "redirectURL", type: "String", required: true, description: "The redirect URL given to the provider." },
        {
          name: "createData",
          type: "Object",
          required: false,
          description: "Values for the record created on the first sign-in.",
        },
      ],
      responses: [
        {
          status: 200,
          body: {
            ...authResponse(c),
            meta: {
              id: "abc123",
              name: "John Doe",
              username: "john.doe",
              email: "test@example.com",
              isNew: false,
              avatarURL: "https://example.com/avatar.png",
              rawUser: {},
              accessToken: "...",
              refreshToken: "...",
              expiry: exampleDate,
            },
          },
          note: "Signed in; meta is what the provider said.",
        },
        ...(c.mfa.enabled ? [mfaNeeded] : []),
        { status: 400, body: errorBody(400, "Failed to authenticate."), note: "The provider refused the code." },
      ],
    });
  if (c.otp.enabled)
    list.push({
      id: "auth-with-otp",
      label: "Auth with OTP",
      group: "Auth",
      method: "POST",
      path: `${base}/auth-with-otp`,
      description: "Signs in with a one-time password emailed by request-otp.",
      access: null,
      js: `${js}// sends the one-time password by email
const result = await pb.collection(${name}).requestOTP('test@example.com');

// the password the user typed
const authData = await pb.collection(${name}).authWithOTP(result.otpId, 'YOUR_OTP');`,
      dart: `${dart}// sends the one-time password by email
final result = await pb.collection(${name}).requestOTP('test@example.com');

// the password the user typed
final authData = await pb.collection(${name}).authWithOTP(result.otpId, 'YOUR_OTP');`,
      query: expandAndFields(c),
      body: [
        { name: "otpId", type: "String", required: true, description: "The id request-otp answered." },
        { name: "password", type: "String", required: true, description: "The emailed one-time password." },
      ],
      responses: [
        { status: 200, body: authResponse(c), note: "Signed in." },
        ...(c.mfa.enabled ? [mfaNeeded] : []),
        {
          status: 400,
          body: errorBody(400, "Invalid or expired OTP", {}),
          note: "A wrong or expired password.",
        },
      ],
    });
  list.push({
    id: "auth-refresh",
    label: "Auth refresh",
    group: "Auth",
    method: "POST",
    path: `${base}/auth-refresh`,
    description:
      "A new token for the signed-in record (and its fresh data); the old token stays valid until it expires.",
    access: null,
    js: `${js}const authData = await pb.collection(${name}).authRefresh();`,
    dart: `${dart}final authData = await pb.collection(${name}).authRefresh();`,
    query: expandAndFields(c),
    body: [],
    responses: [
      { status: 200, body: authResponse(c), note: "A new token." },
      {
        status: 401,
        body: errorBody(401, "The request requires valid record authorization token."),
        note: "No valid token.",
      },
    ],
  });
  if (!isSuperusers)
    list.push({
      id: "verification",
      label: "Verification",
      group: "Auth",
      method: "POST",
      path: `${base}/request-verification`,
      description: "Emails a verification link; confirm-verification takes its token and marks the record verified.",
      access: null,
      js: `${js}await pb.collection(${name}).requestVerification('test@example.com');

// ... then, with the token of the emailed link
await pb.collection(${name}).confirmVerification('VERIFICATION_TOKEN');`,
      dart: `${dart}await pb.collection(${name}).requestVerification('test@example.com');

// ... then, with the token of the emailed link
await pb.collection(${name}).confirmVerification('VERIFICATION_TOKEN');`,
      query: [],
      body: [
        { name: "email", type: "String", required: true, description: "request-verification: the record's email." },
        { name: "token", type: "String", required: true, description: "confirm-verification: the link's token." },
      ],
      responses: [
        noContent("Sent (also when no record has that email, so addresses can't be probed) / verified."),
        {
          status: 400,
          body: errorBody(400, "An error occurred while validating the submitted data.", {
            email: { code: "validation_required", message: "Cannot be blank." },
          }),
          note: "A missing email or a bad token.",
        },
      ],
    });
  list.push({
    id: "password-reset",
    label: "Password reset",
    group: "Auth",
    method: "POST",
    path: `${base}/request-password-reset`,
    description: "Emails a reset link; confirm-password-reset takes its token and the new password.",
    access: null,
    js: `${js}await pb.collection(${name}).requestPasswordReset('test@example.com');

// ... then, with the token of the emailed link
await pb.collection(${name}).confirmPasswordReset('RESET_TOKEN', 'NEW_PASSWORD', 'NEW_PASSWORD_CONFIRM');`,
    dart: `${dart}await pb.collection(${name}).requestPasswordReset('test@example.com');

// ... then, with the token of the emailed link
await pb.collection(${name}).confirmPasswordReset('RESET_TOKEN', 'NEW_PASSWORD', 'NEW_PASSWORD_CONFIRM');`,
    query: [],
    body: [
      { name: "email", type: "String", required: true, description: "request-password-reset: the record's email." },
      { name: "token", type: "String", required: true, description: "confirm-password-reset: the link's token." },
      { name: "password", type: "String", required: true, description: "confirm-password-reset: the new password." },
      { name: "passwordConfirm", type: "String", required: true, description: "The new password again." },
    ],
    responses: [
      noContent("Sent (also when no record has that email) / changed."),
      {
        status: 400,
        body: errorBody(400, "An error occurred while validating the submitted data.", {
          token: { code: "validation_invalid_token", message: "Invalid or expired token." },
        }),
        note: "A bad token or password.",
      },
    ],
  });
  list.push({
    id: "email-change",
    label: "Email change",
    group: "Auth",
    method: "POST",
    path: `${base}/request-email-change`,
    description:
      "The signed-in record asks to change its email: a link goes to the new address; confirm-email-change takes its token and the password.",
    access: null,
    js: `${js}await pb.collection(${name}).authWithPassword('test@example.com', '1234567890');
await pb.collection(${name}).requestEmailChange('new@example.com');

// ... then, with the token of the emailed link
await pb.collection(${name}).confirmEmailChange('EMAIL_CHANGE_TOKEN', 'YOUR_PASSWORD');`,
    dart: `${dart}await pb.collection(${name}).authWithPassword('test@example.com', '1234567890');
await pb.collection(${name}).requestEmailChange('new@example.com');

// ... then, with the token of the emailed link
await pb.collection(${name}).confirmEmailChange('EMAIL_CHANGE_TOKEN', 'YOUR_PASSWORD');`,
    query: [],
    body: [
      { name: "newEmail", type: "String", required: true, description: "request-email-change: the new address." },
      { name: "token", type: "String", required: true, description: "confirm-email-change: the link's token." },
      { name: "password", type: "String", required: true, description: "confirm-email-change: the record's password." },
    ],
    responses: [
      noContent("Sent / changed."),
      {
        status: 401,
        body: errorBody(401, "The request requires valid record authorization token."),
        note: "request-email-change without a signed-in record.",
      },
    ],
  });
  return list;
}

/**
 * apiEndpoints documents a collection's API from its schema: the SDK calls (JavaScript and Dart) with its
 * real name and fields, its rules, and example answers built from its fields. Views only list and view.
 */
export function apiEndpoints(collection: CollectionModel, baseUrl: string): ApiEndpoint[] {
  const url = baseUrl.replace(/\/+$/, "");
  const records = recordEndpoints(collection, url);
  return collection.type === "auth" ? [...records, ...authEndpoints(collection, url)] : records;
}

/** accessText says who may call an endpoint guarded by a rule. */
export function accessText(access: ApiAccess): string {
  if (access.rule === null) return "Superusers only (the rule is locked).";
  if (access.rule === "") return "Anyone: the rule is empty.";
  return "Superusers, and requests that match the rule:";
}
