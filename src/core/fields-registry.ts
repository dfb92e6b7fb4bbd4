import { type Field, type FieldCommonJSON, FieldDecodeError, type FieldJSON, FieldJSONReader } from "./field.ts";
import { BoolField, type BoolFieldOptions } from "./field-bool.ts";
import { AutodateField, type AutodateFieldOptions, DateField, type DateFieldOptions } from "./field-date.ts";
import type { DomainListFieldOptions } from "./field-domains.ts";
import { EditorField, type EditorFieldOptions } from "./field-editor.ts";
import { EmailField } from "./field-email.ts";
import { FileField, type FileFieldOptions } from "./field-file.ts";
import { GeoPointField, type GeoPointFieldOptions } from "./field-geo-point.ts";
import { JSONField, type JSONFieldOptions } from "./field-json.ts";
import { NumberField, type NumberFieldOptions } from "./field-number.ts";
import { PasswordField, type PasswordFieldOptions } from "./field-password.ts";
import { RelationField, type RelationFieldOptions } from "./field-relation.ts";
import { SelectField, type SelectFieldOptions } from "./field-select.ts";
import { TextField, type TextFieldOptions } from "./field-text.ts";
import { URLField } from "./field-url.ts";

type FieldFactory = (json: Partial<FieldJSON>) => Field;

/** The options each field type adds to the common keys of its JSON, by the type's name. */
export interface FieldOptionsByType {
  text: TextFieldOptions;
  number: NumberFieldOptions;
  bool: BoolFieldOptions;
  email: DomainListFieldOptions;
  url: DomainListFieldOptions;
  editor: EditorFieldOptions;
  date: DateFieldOptions;
  autodate: AutodateFieldOptions;
  select: SelectFieldOptions;
  file: FileFieldOptions;
  relation: RelationFieldOptions;
  json: JSONFieldOptions;
  geoPoint: GeoPointFieldOptions;
  password: PasswordFieldOptions;
}

/** The name of a field type. */
export type FieldType = keyof FieldOptionsByType;

/** A field's JSON as the API sends and takes it: the common keys and its type's options. */
export type FieldModel = { [T in FieldType]: FieldCommonJSON & { type: T } & FieldOptionsByType[T] }[FieldType];

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
} satisfies Record<FieldType, FieldFactory>;

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
