import type { ColumnKind } from "../db/dialect.ts";
import type { SqlValue } from "../db/sql.ts";
import { subtract, toUniqueStringList } from "../tools/types/cast.ts";
import { errRequired, max, min, type Rule, required, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type FieldSetter, type RecordValidateContext } from "./field.ts";
import { type FieldValueSchema, listModifiers, listValue } from "./field-value-schema.ts";

/**
 * ListValueField is the shared behaviour of select and relation fields: a single string or (maxSelect > 1)
 * a list of unique strings stored as a JSON array, with the `+name`, `name+` and `name-` modifiers.
 */
export abstract class ListValueField extends Field {
  maxSelect: number;
  required: boolean;

  constructor(json: Partial<FieldJSON>) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.maxSelect = o.int("maxSelect");
    this.required = o.bool("required");
  }

  override isMultiple(): boolean {
    return this.maxSelect > 1;
  }

  columnKind(): ColumnKind {
    return this.isMultiple() ? "jsonArray" : "text";
  }

  /** normalize: the list for multiple fields, else the last given value (or ""). */
  prepareValue(raw: unknown): string | string[] {
    // the usual single value read back from the database: a plain string is its own normalized form
    if (typeof raw === "string" && !this.isMultiple() && !raw.includes("[")) return raw;
    const list = toUniqueStringList(raw);
    if (this.isMultiple()) return list;
    return list[list.length - 1] ?? "";
  }

  override driverValue(value: unknown): SqlValue {
    const v = this.prepareValue(value);
    return Array.isArray(v) ? JSON.stringify(v) : v;
  }

  override findSetter(key: string): FieldSetter | undefined {
    if (key === this.name) return (r, raw) => r.setRaw(this.name, this.prepareValue(raw));
    const current = (r: Parameters<FieldSetter>[0]) => toUniqueStringList(r.getRaw(this.name));
    if (key === `+${this.name}`)
      return (r, raw) => r.setRaw(this.name, this.prepareValue([...toUniqueStringList(raw), ...current(r)]));
    if (key === `${this.name}+`)
      return (r, raw) => r.setRaw(this.name, this.prepareValue([...current(r), ...toUniqueStringList(raw)]));
    if (key === `${this.name}-`)
      return (r, raw) => r.setRaw(this.name, this.prepareValue(subtract(current(r), toUniqueStringList(raw))));
    return undefined;
  }

  protected tooManyValues(count: number): ValidationError | null {
    const maxSelect = Math.max(this.maxSelect, 1);
    return count > maxSelect
      ? new ValidationError("validation_too_many_values", "Select no more than {{.maxSelect}}", { maxSelect })
      : null;
  }
}

/** The options of a select field: its values, and how many of them a record may hold. */
export type SelectFieldOptions = { maxSelect: number; required: boolean; values: string[] };

/** SelectField holds one or several values from a fixed list. */
export class SelectField extends ListValueField {
  readonly type = "select";
  values: string[];

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    this.values = FieldJSONReader.of(json).strList("values") ?? [];
  }

  options(): SelectFieldOptions {
    return { maxSelect: this.maxSelect, required: this.required, values: this.values };
  }

  /** A union of the values; a single select that isn't required may also be "" (unset). */
  valueSchema(): FieldValueSchema {
    const multiple = this.isMultiple();
    const item = { enum: [...new Set(this.values)] };
    const single = { enum: [...new Set(this.required ? this.values : ["", ...this.values])] };
    const value = multiple ? listValue(item, true, this.maxSelect) : single;
    return {
      response: value,
      create: value,
      update: value,
      requiredOnCreate: this.required,
      modifiers: listModifiers(this.name, item, item, multiple),
    };
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const list = toUniqueStringList(record.getRaw(this.name));
    if (list.length === 0) return this.required ? errRequired() : null;
    const tooMany = this.tooManyValues(list.length);
    if (tooMany) return tooMany;
    const invalid = list.find((v) => !this.values.includes(v));
    return invalid === undefined
      ? null
      : new ValidationError("validation_invalid_value", "Invalid value {{.value}}", { value: invalid });
  }

  protected optionRules(): Record<string, Rule[]> {
    return { values: [required], maxSelect: [min(0), max(Math.max(this.values.length, 1))] };
  }
}
