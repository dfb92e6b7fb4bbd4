import { marshalGoJson } from "../tools/types/json-raw.ts";
import { type GoType, settingsType } from "./settings-decode.ts";
import type { Settings } from "./settings-model.ts";

/**
 * encodeSettings is the JSON PocketBase stores for its settings (Go's json.Marshal of the settings struct):
 * keys in Go's field order, an empty S3 secret left out, the SMTP password kept, lists never null, strings
 * with Go's HTML escapes. Keys our type doesn't know are dropped, as PocketBase drops them.
 */
export function encodeSettings(settings: Settings): string {
  return encode(settingsType, settings);
}

function encode(type: GoType, value: unknown): string {
  if (type === "string") return marshalGoJson(typeof value === "string" ? value : "");
  if (type === "int") return String(typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : 0);
  if (type === "bool") return value === true ? "true" : "false";
  if ("omitEmpty" in type) return encode(type.omitEmpty, value);
  if ("list" in type) {
    const items = Array.isArray(value) ? value : [];
    return `[${items.map((item) => encode(type.list, item)).join(",")}]`;
  }
  const object = (value ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  for (const [name, fieldType] of Object.entries(type.struct)) {
    const v = object[name];
    if (typeof fieldType === "object" && "omitEmpty" in fieldType && (v === "" || v === undefined)) continue;
    parts.push(`${marshalGoJson(name)}:${encode(fieldType, v)}`);
  }
  return `{${parts.join(",")}}`;
}
