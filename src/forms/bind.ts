import { castString } from "../tools/types/cast.ts";

/** The Go type of a flat form field. */
export type FormFieldType = "string" | "int";

type Bound<S extends Record<string, FormFieldType>> = {
  [K in keyof S]: S[K] extends "int" ? number : string;
};

/** FormBindError is a body value that can't be read into its form field. */
export class FormBindError extends Error {}

/**
 * bindForm reads a parsed request body into a flat form as Go binds a request into a struct: names match
 * case-insensitively, unknown keys are ignored, missing or null values stay zero. A JSON body must give each
 * field its JSON type; a form body's values are text converted to the field's type.
 */
export function bindForm<S extends Record<string, FormFieldType>>(
  data: Record<string, unknown>,
  spec: S,
  fromJson: boolean,
): Bound<S> {
  const out: Record<string, string | number> = {};
  const names = Object.keys(spec);
  for (const name of names) out[name] = spec[name] === "int" ? 0 : "";
  for (const [key, value] of Object.entries(data)) {
    const name = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name === undefined || value === null || value === undefined) continue;
    out[name] = spec[name] === "int" ? toInt(name, value, fromJson) : toText(name, value, fromJson);
  }
  return out as Bound<S>;
}

function toText(name: string, value: unknown, fromJson: boolean): string {
  if (typeof value === "string") return value;
  if (!fromJson && (typeof value === "number" || typeof value === "boolean")) return castString(value);
  throw new FormBindError(`cannot read ${typeof value} into the ${name} string field`);
}

function toInt(name: string, value: unknown, fromJson: boolean): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (!fromJson && typeof value === "string" && /^[+-]?[0-9]+$/.test(value)) return Number(value);
  throw new FormBindError(`cannot read ${JSON.stringify(value)} into the ${name} integer field`);
}
