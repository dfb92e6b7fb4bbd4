import { type Field, FieldDecodeError, type FieldJSON, FieldJSONReader } from "./field.ts";
import { BoolField } from "./field-bool.ts";
import { AutodateField, DateField } from "./field-date.ts";
import { EditorField } from "./field-editor.ts";
import { EmailField } from "./field-email.ts";
import { FileField } from "./field-file.ts";
import { GeoPointField } from "./field-geo-point.ts";
import { JSONField } from "./field-json.ts";
import { NumberField } from "./field-number.ts";
import { PasswordField } from "./field-password.ts";
import { RelationField } from "./field-relation.ts";
import { SelectField } from "./field-select.ts";
import { TextField } from "./field-text.ts";
import { URLField } from "./field-url.ts";

type FieldFactory = (json: Partial<FieldJSON>) => Field;

/** Every field type PocketBase has, by its `type` name. */
export const fieldFactories: Readonly<Record<string, FieldFactory>> = {
  text: (j) => new TextField(j),
  number: (j) => new NumberField(j),
  bool: (j) => new BoolField(j),
  email: (j) => new EmailField(j),
  url: (j) => new URLField(j),
  editor: (j) => new EditorField(j),
  date: (j) => new DateField(j),
  autodate: (j) => new AutodateField(j),
  select: (j) => new SelectField(j),
  file: (j) => new FileField(j),
  relation: (j) => new RelationField(j),
  json: (j) => new JSONField(j),
  geoPoint: (j) => new GeoPointField(j),
  password: (j) => new PasswordField(j),
};

/** UnknownFieldTypeError is thrown for a field JSON whose type is not one of fieldFactories. */
export class UnknownFieldTypeError extends FieldDecodeError {
  constructor(readonly fieldType: string) {
    super(`unknown field type "${fieldType}"`);
  }
}

/**
 * fieldFromJSON builds a field of the type named in the JSON. An unknown type, or an option of the wrong
 * JSON type, throws a FieldDecodeError (a formatting error for the API).
 */
export function fieldFromJSON(json: Partial<FieldJSON>): Field {
  const type = FieldJSONReader.of(json).raw("type");
  const factory = typeof type === "string" && Object.hasOwn(fieldFactories, type) ? fieldFactories[type] : undefined;
  if (!factory) throw new UnknownFieldTypeError(String(type ?? ""));
  return factory(json);
}
