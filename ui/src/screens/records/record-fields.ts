import type { CollectionModel, FieldModel, RecordJSON } from "../../api/wire.ts";

/** The collection of the dashboard's own users, whose records have no `verified` flag to show. */
export const superusersName = "_superusers";

/** Field names tried, in order, to name a record when its collection marks no field as presentable. */
const fallbackSummaryNames = ["title", "name", "slug", "email", "username", "nickname", "label", "subject", "heading"];

/** The fields an auth collection always has, edited by the auth section of the record panel. */
export const authFieldNames = ["email", "emailVisibility", "verified", "password", "tokenKey"];

export function isAuth(collection: CollectionModel): boolean {
  return collection.type === "auth";
}

export function isSuperusers(collection: CollectionModel): boolean {
  return collection.name === superusersName;
}

/** tableFields are the fields that can be columns of the records table (secrets never are). */
export function tableFields(collection: CollectionModel): FieldModel[] {
  return collection.fields.filter((f) => {
    if (f.type === "password") return false;
    if (isAuth(collection) && f.name === "tokenKey") return false;
    if (isSuperusers(collection) && f.name === "verified") return false;
    return true;
  });
}

/** isMultiple tells a field that holds a list (select, relation and file fields with maxSelect > 1). */
export function isMultiple(field: FieldModel): boolean {
  return (field.type === "select" || field.type === "relation" || field.type === "file") && field.maxSelect > 1;
}

/** toList reads a field's value as a list of strings (one value, a list, or nothing). */
export function toList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v !== "");
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** summaryFields are the fields that name a record: the presentable ones, else the first usual name found. */
export function summaryFields(collection: CollectionModel): FieldModel[] {
  const presentable = collection.fields.filter((f) => f.presentable && f.type !== "password");
  if (presentable.length > 0) return presentable;
  for (const name of fallbackSummaryNames) {
    const field = collection.fields.find((f) => f.name === name);
    if (field) return [field];
  }
  return [];
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: " " };

/**
 * plainText is the text of an HTML fragment (rich text shown in a cell or a summary), without its markup. It
 * is only ever shown as text, so removing the tags and the usual entities is enough.
 */
export function plainText(html: string): string {
  if (!html.includes("<") && !html.includes("&")) return html;
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name: string) => entities[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
}

/** recordSummary names a record in a few words: its presentable values, else its id. */
export function recordSummary(collection: CollectionModel | undefined, record: RecordJSON): string {
  if (!collection) return record.id;
  const parts: string[] = [];
  for (const field of summaryFields(collection)) {
    const value: unknown = record[field.name];
    if (field.type === "relation") {
      const expanded: unknown = record.expand?.[field.name];
      const list = Array.isArray(expanded) ? expanded : expanded ? [expanded] : [];
      parts.push(...list.map((r: RecordJSON) => r.id));
      continue;
    }
    const text = Array.isArray(value) ? value.join(", ") : value == null ? "" : String(value);
    if (text !== "") parts.push(field.type === "editor" ? plainText(text) : text);
  }
  const summary = parts.join(", ").trim();
  return summary === "" ? record.id : summary.length > 80 ? `${summary.slice(0, 79)}…` : summary;
}

/**
 * searchFilter turns what was typed in the filter bar into a filter: an expression stays as it is, a plain
 * term looks for that text in any of the collection's visible fields (as PocketBase's dashboard does).
 */
export function searchFilter(input: string, collection: CollectionModel, quote: (term: string) => string): string {
  const term = input.trim();
  if (term === "" || /[=~<>]/.test(term)) return term;
  const names = collection.fields.filter((f) => !f.hidden && f.type !== "password").map((f) => f.name);
  if (names.length === 0) return term;
  const bare = term.replace(/^["'`]|["'`]$/g, "");
  return names.map((name) => `${name}?~${quote(bare)}`).join("||");
}

/**
 * serverSort is the sort to ask the server for: a relation column sorts by the related records' names (their
 * presentable fields), as PocketBase's dashboard does, rather than by their ids.
 */
export function serverSort(sort: string, collection: CollectionModel, all: readonly CollectionModel[]): string {
  const match = /^([-+]?)(\w+)$/.exec(sort);
  const field = match ? collection.fields.find((f) => f.name === match[2]) : undefined;
  if (!match || field?.type !== "relation") return sort;
  const related = all.find((c) => c.id === field.collectionId);
  const names = related ? summaryFields(related).filter((f) => f.type !== "file" && f.type !== "relation") : [];
  if (names.length === 0) return sort;
  return names.map((f) => `${match[1]}${field.name}.${f.name}`).join(",");
}
