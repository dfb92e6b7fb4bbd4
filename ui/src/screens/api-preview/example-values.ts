import type { CollectionField, CollectionModel } from "pocketbase";

/** An id as the server makes them (15 characters of a-z0-9), for the examples. */
export const exampleId = "a1b2c3d4e5f6g7h";
export const exampleDate = "2022-01-01 10:00:00.123Z";

/** A field option as a number (the SDK types field options loosely). */
export function fieldNumber(field: CollectionField, key: string): number {
  const v: unknown = field[key];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** A field option as a list of strings. */
export function fieldStrings(field: CollectionField, key: string): string[] {
  const v: unknown = field[key];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

/** isMultiple: a select, file or relation field that holds several values. */
export function isMultiple(field: CollectionField): boolean {
  return fieldNumber(field, "maxSelect") > 1;
}

function exampleNumber(field: CollectionField): number {
  let n = field.onlyInt === true ? 123 : 123.456;
  const min = fieldNumber(field, "min");
  const max = fieldNumber(field, "max");
  if (field.min != null && n < min) n = min;
  if (field.max != null && max !== 0 && n > max) n = max;
  return n;
}

function exampleText(field: CollectionField): string {
  const min = fieldNumber(field, "min");
  const text = field.name === "name" ? "John Doe" : field.name === "username" ? "john_doe" : "example text";
  return text.length >= min ? text : text.padEnd(min, "x");
}

/**
 * exampleValue is a plausible value of a field, as the server writes it in a record's JSON: the first
 * allowed values of a select, the `maxSelect` shape of files and relations, numbers within their bounds.
 */
export function exampleValue(field: CollectionField): unknown {
  const many = isMultiple(field);
  switch (field.type) {
    case "text":
      return field.primaryKey === true ? exampleId : exampleText(field);
    case "number":
      return exampleNumber(field);
    case "bool":
      return true;
    case "email":
      return "test@example.com";
    case "url":
      return "https://example.com";
    case "editor":
      return "<p>example text</p>";
    case "date":
    case "autodate":
      return exampleDate;
    case "select": {
      const values = fieldStrings(field, "values");
      return many ? values.slice(0, 2) : (values[0] ?? "");
    }
    case "json":
      return { key: "value" };
    case "file":
      return many ? ["filename_a1b2c3.jpg", "filename_d4e5f6.jpg"] : "filename_a1b2c3.jpg";
    case "relation":
      return many ? ["RELATION_RECORD_ID1", "RELATION_RECORD_ID2"] : "RELATION_RECORD_ID";
    case "geoPoint":
      return { lon: 12.4924, lat: 41.8902 };
    default:
      return "";
  }
}

/**
 * exampleRecord is a record of the collection as the API answers a client: every field that isn't hidden
 * (passwords and tokenKey never are shown), in the collection's order, then its collection's id and name.
 */
export function exampleRecord(collection: CollectionModel): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const field of collection.fields) {
    if (field.hidden || field.type === "password") continue;
    record[field.name] = exampleValue(field);
  }
  record.collectionId = collection.id;
  record.collectionName = collection.name;
  return record;
}

/** The fields a create or an update may set: not the automatic dates, nor auth's internal token key. */
export function writableFields(collection: CollectionModel): CollectionField[] {
  return collection.fields.filter((f) => f.type !== "autodate" && !(f.system && f.name === "tokenKey"));
}

/**
 * exampleBody is a create or update body with a value for every settable field but the id (left to the
 * server), and files (sent as multipart parts, not JSON). Auth collections get the password pair.
 */
export function exampleBody(collection: CollectionModel, forUpdate: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of writableFields(collection)) {
    if (field.primaryKey === true || field.type === "file") continue;
    if (field.type === "password") {
      if (forUpdate) body.oldPassword = "12345678";
      body.password = "12345678";
      body.passwordConfirm = "12345678";
      continue;
    }
    body[field.name] = exampleValue(field);
  }
  return body;
}

/** The file fields, sent as multipart parts. */
export function fileFields(collection: CollectionModel): CollectionField[] {
  return collection.fields.filter((f) => f.type === "file");
}

/** A list of the field names a filter or a sort example can use, the most telling first. */
export function exampleFilterField(collection: CollectionModel): CollectionField | undefined {
  const prefer = ["text", "email", "number", "select", "bool", "date"];
  for (const type of prefer) {
    const f = collection.fields.find((x) => x.type === type && !x.hidden && x.primaryKey !== true);
    if (f) return f;
  }
  return undefined;
}
