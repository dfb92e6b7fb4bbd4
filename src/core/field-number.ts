import type { ColumnKind } from "../db/dialect.ts";
import type { JsonSchema } from "../tools/jsonschema/schema.ts";
import { toFloat } from "../tools/types/cast.ts";
import { errRequired, type Rule, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type FieldSetter, type RecordValidateContext } from "./field.ts";
import { unsupportedValueType } from "./field-text.ts";
import type { FieldValueSchema } from "./field-value-schema.ts";

const onlyIntError = () => new ValidationError("validation_only_int_constraint", "Decimal numbers are not allowed");

/** The options of a number field (null bounds for none). */
export type NumberFieldOptions = { max: number | null; min: number | null; onlyInt: boolean; required: boolean };

/** NumberField holds a float64-like number: optional min/max, integers only; `n+`/`n-` add and subtract. */
export class NumberField extends Field {
  readonly type = "number";
  min: number | null;
  max: number | null;
  onlyInt: boolean;
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.min = o.nullableFloat("min");
    this.max = o.nullableFloat("max");
    this.onlyInt = o.bool("onlyInt");
    this.required = o.bool("required");
  }

  columnKind(): ColumnKind {
    return "number";
  }

  prepareValue(raw: unknown): number {
    return toFloat(raw);
  }

  options(): NumberFieldOptions {
    return { max: this.max, min: this.min, onlyInt: this.onlyInt, required: this.required };
  }

  override findSetter(key: string): FieldSetter | undefined {
    if (key === this.name) return (r, raw) => r.setRaw(this.name, toFloat(raw));
    if (key === `${this.name}+`) return (r, raw) => r.setRaw(this.name, toFloat(r.getRaw(this.name)) + toFloat(raw));
    if (key === `${this.name}-`) return (r, raw) => r.setRaw(this.name, toFloat(r.getRaw(this.name)) - toFloat(raw));
    return undefined;
  }

  valueSchema(): FieldValueSchema {
    const input: JsonSchema = { type: this.onlyInt ? "integer" : "number" };
    // 0 means unset and passes any range unless the field is required, so the range binds only then
    if (this.required && this.min !== null) input.minimum = this.min;
    if (this.required && this.max !== null) input.maximum = this.max;
    const change: JsonSchema = { type: "number" };
    return {
      response: { type: "number" },
      create: input,
      update: input,
      requiredOnCreate: this.required,
      modifiers: [
        { key: `${this.name}+`, schema: change, description: `Adds to \`${this.name}\`.`, relative: true },
        { key: `${this.name}-`, schema: change, description: `Subtracts from \`${this.name}\`.`, relative: true },
      ],
    };
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = record.getRaw(this.name);
    if (typeof v !== "number") return unsupportedValueType();
    if (!Number.isFinite(v))
      return new ValidationError("validation_not_a_number", "The submitted number is not properly formatted");
    if (v === 0) return this.required ? errRequired() : null;
    if (this.onlyInt && !Number.isInteger(v)) return onlyIntError();
    if (this.min !== null && v < this.min) return minError(this.min);
    if (this.max !== null && v > this.max) {
      return new ValidationError("validation_max_number_constraint", "Must be less or equal than {{.max}}", {
        max: this.max,
      });
    }
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    const checkOnlyInt: Rule = (v) =>
      typeof v === "number" && this.onlyInt && !Number.isInteger(v) ? onlyIntError() : null;
    const maxAboveMin: Rule = (v) =>
      typeof v === "number" && this.min !== null && v < this.min ? minError(this.min) : null;
    return { min: [checkOnlyInt], max: [checkOnlyInt, maxAboveMin] };
  }
}

function minError(min: number): ValidationError {
  return new ValidationError("validation_min_number_constraint", "Must be greater or equal than {{.min}}", { min });
}
