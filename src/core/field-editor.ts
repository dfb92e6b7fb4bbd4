import type { ColumnKind } from "../db/dialect.ts";
import { castString } from "../tools/types/cast.ts";
import { errRequired, max, min, type Rule, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";
import { maxSafeInt } from "./field-rules.ts";
import { unsupportedValueType } from "./field-text.ts";
import { type FieldValueSchema, sameInput, schemaRef } from "./field-value-schema.ts";

export const defaultEditorMaxSize = 5 << 20;

/** The options of an editor field (maxSize in bytes, 0 for the default). */
export type EditorFieldOptions = { convertURLs: boolean; maxSize: number; required: boolean };

/** EditorField holds rich text (HTML) up to maxSize bytes. */
export class EditorField extends Field {
  readonly type = "editor";
  maxSize: number;
  convertURLs: boolean;
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.maxSize = o.int("maxSize", "int64");
    this.convertURLs = o.bool("convertURLs");
    this.required = o.bool("required");
  }

  columnKind(): ColumnKind {
    return "text";
  }

  prepareValue(raw: unknown): string {
    return castString(raw);
  }

  options(): EditorFieldOptions {
    return { convertURLs: this.convertURLs, maxSize: this.maxSize, required: this.required };
  }

  /** maxBodySize is the largest value the field accepts, counted into the request body limit. */
  maxBodySize(): number {
    return this.maxSize > 0 ? this.maxSize : defaultEditorMaxSize;
  }

  valueSchema(): FieldValueSchema {
    return sameInput(schemaRef("HTMLString"), this.required);
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = record.getRaw(this.name);
    if (typeof v !== "string") return unsupportedValueType();
    if (this.required && v === "") return errRequired();
    const maxSize = this.maxBodySize();
    if (Buffer.byteLength(v) > maxSize) {
      return new ValidationError(
        "validation_content_size_limit",
        "The maximum allowed content size is {{.maxSize}} bytes",
        { maxSize },
      );
    }
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    return { maxSize: [min(0), max(maxSafeInt)] };
  }
}
