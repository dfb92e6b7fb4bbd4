import type { CollectionModel, FieldModel, FieldOf } from "../../api/wire.ts";

/** An id as the server makes them (15 characters of a-z0-9), for the examples. */
export const exampleId = "a1b2c3d4e5f6g7h";
export const exampleDate = "2022-01-01 10:00:00.123Z";

/** isMultiple: a select, file or relation field that holds several values. */
export function isMultiple(field: FieldModel): boolean {
  return "maxSelect" in field && field.maxSelect > 1;
}

/** isPrimaryKey: the text field that is the record's id. */
export function isPrimaryKey(field: FieldModel): boolean {
  return field.type === "text" && field.primaryKey;
}

/** isRequired: a field whose type can be required, set so. */
export function isRequired(field: FieldModel): boolean {
  return "required" in field && field.required;
}

function exampleNumber(field: FieldOf<"number">): number {
  let n = field.onlyInt ? 123 : 123.456;
  if (field.min !== null && n < field.min) n = field.min;
  if (field.max !== null && field.max !== 0 && n > field.max) n = field.max;
  return n;
}

function exampleText(field: FieldOf<"text">): string {
  const text = field.name === "name" ? "John Doe" : field.name === "username" ? "john_doe" : "example text";
  return text.length >= field.min ? text : text.padEnd(field.min, "x");
}

/**
 * exampleValue is a plausible value of a field, as the server writes it in a record's JSON: the first
 * allowed values of a select, the `maxSelect` shape of files and relations, numbers within their bounds.
 */
export function exampleValue(field: FieldModel): unknown {
  const many = isMultiple(field);
  switch (field.type) {
    case "text":
      return field.primaryKey ? exampleId : exampleText(field);
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
    case "select":
      return many ? field.values.slice(0, 2) : (field.values[0] ?? "");
    case "json":
      return { key: "value" };
    case "file":
      return many ? ["filename_a1b2c3.jpg", "filename_d4e5f6.jpg"] : "filename_a1b2c3.jpg";
    case "relation":
      return many ? ["RELATION_RECORD_ID1", "RELATION_RECORD_ID2"] : "RELATION_RECORD_ID";
    case "geoPoint":
      return { lon: 12.4924, lat: 41.8902 };
    case "password":
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
export function writableFields(collection: CollectionModel): FieldModel[] {
  return collection.fields.filter((f) => f.type !== "autodate" && !(f.system && f.name === "tokenKey"));
}

/**
 * exampleBody is a create or update body with a value for every settable field but the id (left to the
 * server), and files (sent as multipart parts, not JSON). Auth collections get the password pair.
 */
export function exampleBody(collection: CollectionModel, forUpdate: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of writableFields(collection)) {
    if (isPrimaryKey(field) || field.type === "file") continue;
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
export function fileFields(collection: CollectionModel): FieldOf<"file">[] {
  return collection.fields.filter((f): f is FieldOf<"file"> => f.type === "file");
}

/** A list of the field names a filter or a sort example can use, the most telling first. */
export function exampleFilterField(collection: CollectionModel): FieldModel | undefined {
  const prefer = ["text", "email", "number", "select", "bool", "date"];
  for (const type of prefer) {
    const f = collection.fields.find((x) => x.type === type && !x.hidden && !isPrimaryKey(x));
    if (f) return f;
  }
  return undefined;
}
