import type { ColumnKind } from "../db/dialect.ts";
import type { SqlValue } from "../db/sql.ts";
import { goQuote, isValidJson, JsonRaw } from "../tools/types/json-raw.ts";
import { errRequired, max, min, type Rule, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";
import { maxSafeInt } from "./field-rules.ts";
import { unsupportedValueType } from "./field-text.ts";
import { type FieldValueSchema, sameInput } from "./field-value-schema.ts";

export const defaultJsonMaxSize = 1 << 20;
const emptyJsonTexts = new Set(["null", '""', "[]", "{}", ""]);

/**
 * toJsonRaw: JSON text stays as it is, any other string is quoted (as Go's strconv.Quote does, so a
 * string with control characters becomes invalid JSON, as in PocketBase), values are encoded as Go does.
 */
export function toJsonRaw(raw: unknown): JsonRaw {
  if (raw instanceof JsonRaw) return raw;
  if (raw === undefined || raw === null) return new JsonRaw("null");
  if (raw instanceof Uint8Array) return new JsonRaw(new TextDecoder().decode(raw));
  if (typeof raw === "string") {
    if (raw === "") return new JsonRaw('""');
    if (raw === "null" || raw === "true" || raw === "false") return new JsonRaw(raw);
    const c = raw[0] as string;
    const looksJson = (c >= "0" && c <= "9") || c === "-" || c === '"' || c === "[" || c === "{";
    return new JsonRaw(looksJson && isValidJson(raw) ? raw : goQuote(raw));
  }
  return JsonRaw.from(raw);
}

/** The options of a json field (maxSize in bytes, 0 for the default). */
export type JSONFieldOptions = { maxSize: number; required: boolean };

/** JSONField holds any JSON value, stored as its text, up to maxSize bytes. */
export class JSONField extends Field {
  readonly type = "json";
  maxSize: number;
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.maxSize = o.int("maxSize", "int64");
    this.required = o.bool("required");
  }

  columnKind(): ColumnKind {
    return "json";
  }

  /** Stored text is taken as JSON as is; request values go through toJsonRaw. */
  prepareValue(raw: unknown): JsonRaw {
    return toJsonRaw(raw);
  }

  override driverValue(value: unknown): SqlValue {
    const text = toJsonRaw(value).text;
    return text === "null" ? null : text;
  }

  options(): JSONFieldOptions {
    return { maxSize: this.maxSize, required: this.required };
  }

  maxBodySize(): number {
    return this.maxSize > 0 ? this.maxSize : defaultJsonMaxSize;
  }

  /** Any JSON value (null when unset). */
  valueSchema(): FieldValueSchema {
    return sameInput({}, this.required);
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = record.getRaw(this.name);
    if (!(v instanceof JsonRaw)) return unsupportedValueType();
    const maxSize = this.maxBodySize();
    if (Buffer.byteLength(v.text) > maxSize) {
      return new ValidationError("validation_json_size_limit", "The maximum allowed JSON size is {{.maxSize}} bytes", {
        maxSize,
      });
    }
    if (!isValidJson(v.text)) return new ValidationError("validation_invalid_json", "Must be a valid json value");
    if (this.required && emptyJsonTexts.has(v.text.trim())) return errRequired();
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    return { maxSize: [min(0), max(maxSafeInt)] };
  }
}
