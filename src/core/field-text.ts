import type { ColumnKind } from "../db/dialect.ts";
import type { JsonSchema } from "../tools/jsonschema/schema.ts";
import { RegexpSyntaxError } from "../tools/regexp/syntax.ts";
import { RegexpGenerateError, randomStringByRegex } from "../tools/security/random-by-regex.ts";
import { castString } from "../tools/types/cast.ts";
import {
  empty,
  errRequired,
  max,
  min,
  type Rule,
  required,
  ValidationError,
  when,
} from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import {
  Field,
  type FieldJSON,
  FieldJSONReader,
  type FieldSettingsContext,
  type InterceptAction,
  type RecordValidateContext,
} from "./field.ts";
import { isRegex, matchesPattern, maxSafeInt } from "./field-rules.ts";
import { type FieldModifier, type FieldValueSchema, schemaRef } from "./field-value-schema.ts";
import type { RecordModel } from "./record-model.ts";

export const defaultIdPattern = "^[a-z0-9]+$";
const defaultMaxLength = 5000;
const autogenerateModifier = ":autogenerate";
const forbiddenPkChars = [
  ".",
  "/",
  "\\",
  "|",
  '"',
  "'",
  "`",
  "<",
  ">",
  ":",
  "?",
  "*",
  "%",
  "$",
  "\0",
  "\t",
  "\n",
  "\r",
  " ",
];
const reservedPks = [
  "CON",
  "PRN",
  "AUX",
  "NUL",
  "COM1",
  "COM2",
  "COM3",
  "COM4",
  "COM5",
  "COM6",
  "COM7",
  "COM8",
  "COM9",
  "LPT1",
  "LPT2",
  "LPT3",
  "LPT4",
  "LPT5",
  "LPT6",
  "LPT7",
  "LPT8",
  "LPT9",
];

/** The options of a text field (lengths of 0 for the defaults; patterns in Go's regexp syntax). */
export type TextFieldOptions = {
  autogeneratePattern: string;
  max: number;
  min: number;
  pattern: string;
  primaryKey: boolean;
  required: boolean;
};

/** TextField holds a string: length limits, a pattern, autogeneration; also the `id` primary key. */
export class TextField extends Field {
  readonly type = "text";
  min: number;
  max: number;
  pattern: string;
  autogeneratePattern: string;
  required: boolean;
  primaryKey: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.min = o.int("min");
    this.max = o.int("max");
    this.pattern = o.str("pattern");
    this.autogeneratePattern = o.str("autogeneratePattern");
    this.required = o.bool("required");
    this.primaryKey = o.bool("primaryKey");
  }

  columnKind(): ColumnKind {
    return this.primaryKey ? "primaryKey" : "text";
  }

  prepareValue(raw: unknown): string {
    return castString(raw);
  }

  options(): TextFieldOptions {
    return {
      autogeneratePattern: this.autogeneratePattern,
      max: this.max,
      min: this.min,
      pattern: this.pattern,
      primaryKey: this.primaryKey,
      required: this.required,
    };
  }

  /** The primary key is set on create only (or generated); `name:autogenerate` appends a generated value. */
  valueSchema(): FieldValueSchema {
    const generated = this.autogeneratePattern !== "";
    if (this.primaryKey) {
      const id = schemaRef("RecordIdString");
      return { response: id, create: id, update: null, requiredOnCreate: !generated, modifiers: [] };
    }
    const input: JsonSchema = { type: "string", maxLength: this.max === 0 ? defaultMaxLength : this.max };
    if (this.required) input.minLength = Math.max(this.min, 1);
    const modifiers: FieldModifier[] = generated
      ? [
          {
            key: this.name + autogenerateModifier,
            schema: { type: "string" },
            description: `Sets \`${this.name}\` to this prefix followed by a generated value.`,
            relative: false,
          },
        ]
      : [];
    return {
      response: { type: "string" },
      create: input,
      update: input,
      requiredOnCreate: this.required && !generated,
      modifiers,
    };
  }

  override findSetter(key: string) {
    if (key === this.name) return (record: RecordModel, raw: unknown) => record.setRaw(this.name, castString(raw));
    if (key === this.name + autogenerateModifier) {
      return (record: RecordModel, raw: unknown) => {
        const generated = this.autogeneratePattern ? randomStringByRegex(this.autogeneratePattern) : "";
        record.setRaw(this.name, castString(raw) + generated);
      };
    }
    return undefined;
  }

  override interceptsAction(action: InterceptAction): boolean {
    return (action === "validate" || action === "create") && this.autogeneratePattern !== "";
  }

  // not async: it only sets a value before the rest of the stage, whose own promise it returns
  override intercept(
    _app: App,
    record: RecordModel,
    action: InterceptAction,
    next: () => Promise<void>,
  ): Promise<void> {
    if ((action === "validate" || action === "create") && this.autogeneratePattern && record.isNew()) {
      if (castString(record.getRaw(this.name)) === "")
        record.setRaw(this.name, randomStringByRegex(this.autogeneratePattern));
    }
    return next();
  }

  // synchronous but for a new record's id of a custom pattern, which is looked up in the table
  validateValue({ app, record }: RecordValidateContext): ValidationError | null | Promise<ValidationError | null> {
    const value = record.getRaw(this.name);
    if (typeof value !== "string") return unsupportedValueType();
    if (this.primaryKey) {
      if (!record.isNew()) {
        const old = record.lastSavedPk();
        if (old !== value)
          return new ValidationError("validation_pk_change", "The record primary key cannot be changed.");
        if (old !== "") return null;
      } else if (this.pattern !== defaultIdPattern && value !== "") {
        return app
          .recordIdExistsIgnoringCase(record.collection, value)
          .then((taken) =>
            taken
              ? new ValidationError("validation_pk_invalid", "The record primary key is invalid or already exists.")
              : this.validatePlainValue(value),
          );
      }
    }
    return this.validatePlainValue(value);
  }

  /** validatePlainValue checks a string against the field's required/length/pattern/pk constraints. */
  validatePlainValue(value: string): ValidationError | null {
    if ((this.required || this.primaryKey) && value === "") return errRequired();
    if (value === "") return null;
    const length = [...value].length;
    if (this.min > 0 && length < this.min) {
      return new ValidationError("validation_min_text_constraint", "Must be at least {{.min}} character(s).", {
        min: this.min,
      });
    }
    const maxLength = this.max === 0 ? defaultMaxLength : this.max;
    if (maxLength > 0 && length > maxLength) {
      return new ValidationError("validation_max_text_constraint", "Must be no more than {{.max}} character(s).", {
        max: maxLength,
      });
    }
    if (this.pattern !== "" && !matchesPattern(this.pattern, value)) {
      return new ValidationError("validation_invalid_format", "Invalid value format.");
    }
    if (this.primaryKey && this.pattern !== defaultIdPattern) {
      for (const ch of forbiddenPkChars) {
        if (value.includes(ch)) {
          return new ValidationError(
            "validation_forbidden_pk_character",
            "'{{.ch}}' is not a valid primary key character.",
            { ch },
          );
        }
      }
      const upper = value.toUpperCase();
      const reserved = reservedPks.find((r) => r === upper);
      if (reserved) {
        return new ValidationError(
          "validation_reserved_pk",
          "The primary key '{{.reserved}}' is reserved and cannot be used.",
          { reserved },
        );
      }
    }
    return null;
  }

  protected optionRules(ctx: FieldSettingsContext): Record<string, Rule[]> {
    return {
      name: [when(this.primaryKey, pkName)],
      primaryKey: [singlePrimaryKey(ctx)],
      min: [min(0), max(maxSafeInt)],
      max: [min(this.min), max(maxSafeInt)],
      pattern: [when(this.primaryKey, required), isRegex],
      hidden: [when(this.primaryKey, empty)],
      required: [when(this.primaryKey, required)],
      autogeneratePattern: [isRegex, (v) => this.#checkAutogeneratePattern(castString(v))],
    };
  }

  #checkAutogeneratePattern(pattern: string): ValidationError | null {
    if (pattern === "") return null;
    for (let i = 0; i < 10; i++) {
      let generated: string;
      try {
        generated = randomStringByRegex(pattern);
      } catch (err) {
        if (err instanceof RegexpSyntaxError || err instanceof RegexpGenerateError)
          return new ValidationError("validation_invalid_autogenerate_pattern", err.message);
        throw err;
      }
      if (this.validatePlainValue(generated)) {
        return new ValidationError(
          "validation_invalid_autogenerate_pattern_value",
          `The provided autogenerate pattern could produce invalid field values, ex.: ${JSON.stringify(generated)}`,
        );
      }
    }
    return null;
  }
}

const pkName: Rule = (v) =>
  v === "id" ? null : new ValidationError("validation_in_invalid", 'The primary key must be named "id".');

function singlePrimaryKey(ctx: FieldSettingsContext): Rule {
  return (v) => {
    if (!v) return null;
    const total = ctx.collection.fields.filter((f) => f instanceof TextField && f.primaryKey).length;
    return total > 1
      ? new ValidationError(
          "validation_unsupported_composite_pk",
          "Composite PKs are not supported and the collection must have only 1 PK.",
        )
      : null;
  };
}

export function unsupportedValueType(): ValidationError {
  return new ValidationError("validation_unsupported_value_type", "Invalid or unsupported value type.");
}
