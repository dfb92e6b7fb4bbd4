import { toBool } from "../types/cast.ts";
import { excerpt } from "./excerpt.ts";

/** A value transformation applied to a picked field (`:excerpt(200,true)`). */
export type Modifier = (value: unknown) => unknown;

/** PickError is a malformed `fields` expression. */
export class PickError extends Error {}

/** splitTopLevel splits on commas outside of parentheses and quotes. */
function splitFields(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let cur = "";
  for (const ch of raw) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  if (depth !== 0 || quote) throw new PickError(`invalid fields expression ${JSON.stringify(raw)}`);
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

function parseModifier(raw: string): Modifier {
  const m = /^(\w+)\s*(?:\((.*)\))?$/s.exec(raw.trim());
  if (!m) throw new PickError(`invalid or empty modifier expression ${JSON.stringify(raw)}`);
  const name = m[1] ?? "";
  const args = (m[2] ?? "").split(/[\s,]+/).filter((a) => a !== "");
  if (name !== "excerpt") throw new PickError(`missing or invalid modifier ${JSON.stringify(name)}`);
  if (args.length === 0) throw new PickError("max argument is required - expected (max, withEllipsis?)");
  if (args.length > 2) throw new PickError("too many arguments - expected (max, withEllipsis?)");
  const max = Math.trunc(Number(args[0]));
  if (!(max > 0)) throw new PickError("max argument must be > 0");
  const withEllipsis = args.length > 1 && toBool(args[1]);
  return (value) => (typeof value === "string" ? excerpt(value, max, withEllipsis) : value);
}

/** parseFields reads `a,b.c,*,d:excerpt(100,true)` into paths with their modifiers. */
export function parseFields(raw: string): Map<string, Modifier | null> {
  const result = new Map<string, Modifier | null>();
  for (const f of splitFields(raw)) {
    const i = f.indexOf(":");
    if (i >= 0) result.set(f.slice(0, i), parseModifier(f.slice(i + 1)));
    else result.set(f, null);
  }
  return result;
}

/**
 * pick keeps only the requested keys of JSON data (objects, or each object of an array), recursively for
 * dotted paths; `*` keeps every key of a level. For a list result pass `items` as the data.
 */
export function pick(data: unknown, fields: Map<string, Modifier | null>): void {
  if (Array.isArray(data)) {
    if (data.length === 0 || !isObject(data[0])) return;
    for (const item of data) if (isObject(item)) pickObject(item, fields);
  } else if (isObject(data)) pickObject(data, fields);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pickObject(data: Record<string, unknown>, fields: Map<string, Modifier | null>): void {
  if (fields.size === 0) return;
  const own = new Map(fields);
  const star = own.get("*");
  if (own.has("*")) {
    for (const k of Object.keys(data)) {
      if (![...own.keys()].some((f) => `${f}.`.startsWith(`${k}.`))) own.set(k, star ?? null);
    }
  }
  for (const k of Object.keys(data)) {
    const matching = new Map<string, Modifier | null>();
    for (const [f, m] of own) if (`${f}.`.startsWith(`${k}.`)) matching.set(f, m);
    if (matching.size === 0) {
      delete data[k];
      continue;
    }
    let done = false;
    const nested = new Map<string, Modifier | null>();
    for (const [f, m] of matching) {
      const remains = `${f}.`.slice(k.length + 1).replace(/\.$/, "");
      if (remains === "") {
        if (m) data[k] = m(data[k]);
        done = true;
        break;
      }
      nested.set(remains, m);
    }
    if (!done) pick(data[k], nested);
  }
}
