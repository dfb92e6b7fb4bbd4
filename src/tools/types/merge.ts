export type JsonObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * mergeJson lays a patch over a base the way decoding JSON into an existing Go struct does: objects merge
 * key by key (recursively), while arrays, scalars and null replace. Neither input is modified.
 */
export function mergeJson<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(out[k]) && isPlainObject(v) ? mergeJson(out[k], v) : v;
  }
  return out as T;
}
