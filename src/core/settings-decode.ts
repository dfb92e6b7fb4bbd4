import type { Settings } from "./settings-model.ts";

/**
 * The Go type of a settings value, as encoding/json decodes into it and encodes it (struct keys in Go's field
 * order; `omitEmpty` is a string tagged `omitempty`, left out of the JSON when empty).
 */
export type GoType =
  | "string"
  | "int"
  | "bool"
  | { omitEmpty: "string" }
  | { list: GoType }
  | { struct: Record<string, GoType> };

const s3: GoType = {
  struct: {
    enabled: "bool",
    bucket: "string",
    region: "string",
    endpoint: "string",
    accessKey: "string",
    secret: { omitEmpty: "string" },
    forcePathStyle: "bool",
  },
};

/** settingsType is PocketBase's settings struct. */
export const settingsType: GoType = {
  struct: {
    superuserIPs: { list: "string" },
    smtp: {
      struct: {
        enabled: "bool",
        port: "int",
        host: "string",
        username: "string",
        password: "string",
        authMethod: "string",
        tls: "bool",
        localName: "string",
      },
    },
    backups: { struct: { cron: "string", cronMaxKeep: "int", s3 } },
    s3,
    meta: {
      struct: {
        accentColor: "string",
        appName: "string",
        appURL: "string",
        senderName: "string",
        senderAddress: "string",
        hideControls: "bool",
      },
    },
    rateLimits: {
      struct: {
        rules: { list: { struct: { label: "string", audience: "string", duration: "int", maxRequests: "int" } } },
        excludedIPs: { list: "string" },
        enabled: "bool",
      },
    },
    trustedProxy: { struct: { headers: { list: "string" }, useLeftmostIP: "bool" } },
    batch: { struct: { enabled: "bool", maxRequests: "int", timeout: "int", maxBodySize: "int" } },
    logs: { struct: { maxDays: "int", minLevel: "int", logIP: "bool", logAuthId: "bool" } },
  },
};

/** SettingsDecodeError is a patch value of the wrong JSON type for its settings key. */
export class SettingsDecodeError extends Error {}

/**
 * decodeSettingsPatch lays a JSON patch over settings the way Go's encoding/json decodes into an existing
 * struct: keys match case-insensitively, unknown keys are ignored, `null` leaves a value as it is (and
 * empties a list), and list items are decoded over the items already at their index. A value of the wrong
 * type throws SettingsDecodeError.
 */
export function decodeSettingsPatch(current: Settings, patch: unknown): Settings {
  return decode(settingsType, current, patch, "") as Settings;
}

function decode(type: GoType, current: unknown, input: unknown, path: string): unknown {
  if (typeof type === "object" && "omitEmpty" in type) return decode(type.omitEmpty, current, input, path);
  if (input === null || input === undefined) return typeof type === "object" && "list" in type ? [] : current;
  if (type === "string" || type === "bool") {
    if (typeof input !== (type === "string" ? "string" : "boolean")) throw mismatch(input, path, type);
    return input;
  }
  if (type === "int") {
    if (typeof input !== "number" || !Number.isInteger(input)) throw mismatch(input, path, type);
    return input;
  }
  if ("list" in type) {
    if (!Array.isArray(input)) throw mismatch(input, path, "list");
    const existing = Array.isArray(current) ? current : [];
    return input.map((item, i) => decode(type.list, existing[i] ?? zero(type.list), item, `${path}[${i}]`));
  }
  if (typeof input !== "object" || Array.isArray(input)) throw mismatch(input, path, "object");
  const out: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  const names = Object.keys(type.struct);
  for (const [key, value] of Object.entries(input)) {
    const name = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    const fieldType = name === undefined ? undefined : type.struct[name];
    if (name === undefined || fieldType === undefined) continue;
    out[name] = decode(fieldType, out[name], value, path === "" ? name : `${path}.${name}`);
  }
  return out;
}

function zero(type: GoType): unknown {
  if (type === "string") return "";
  if (type === "int") return 0;
  if (type === "bool") return false;
  if ("omitEmpty" in type) return zero(type.omitEmpty);
  if ("list" in type) return [];
  return Object.fromEntries(Object.entries(type.struct).map(([k, t]) => [k, zero(t)]));
}

function mismatch(input: unknown, path: string, want: string): SettingsDecodeError {
  const got = Array.isArray(input) ? "array" : typeof input;
  return new SettingsDecodeError(`cannot decode ${got} into settings field ${path || "(root)"} of type ${want}`);
}
