import type { ColumnKind } from "../db/dialect.ts";
import type { SqlValue } from "../db/sql.ts";
import { toBool } from "../tools/types/cast.ts";
import { errRequired, type Rule, type ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";
import { unsupportedValueType } from "./field-text.ts";
import { type FieldValueSchema, sameInput } from "./field-value-schema.ts";

/** The options of a bool field, as its JSON carries them. */
export type BoolFieldOptions = { required: boolean };

/** BoolField holds true/false; `required` means it must be true. */
export class BoolField extends Field {
  readonly type = "bool";
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    this.required = FieldJSONReader.of(json).bool("required");
  }

  columnKind(): ColumnKind {
    return "bool";
  }

  prepareValue(raw: unknown): boolean {
    return toBool(raw);
  }

  /** A boolean: each driver stores it its engine's way (1 and 0 on SQLite, which has no booleans). */
  override driverValue(value: unknown): SqlValue {
    return Boolean(value);
  }

  options(): BoolFieldOptions {
    return { required: this.required };
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = record.getRaw(this.name);
    if (typeof v !== "boolean") return unsupportedValueType();
    return this.required && !v ? errRequired() : null;
  }

  /** A required bool must be sent, and true. */
  valueSchema(): FieldValueSchema {
    return sameInput({ type: "boolean" }, this.required);
  }

  protected optionRules(): Record<string, Rule[]> {
    return {};
  }
}
