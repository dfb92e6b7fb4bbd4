import type { ColumnKind } from "../db/dialect.ts";
import type { SqlValue } from "../db/sql.ts";
import type { JsonSchema } from "../tools/jsonschema/schema.ts";
import { castString } from "../tools/types/cast.ts";
import { errRequired, max, min, type Rule, ValidationError } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import {
  Field,
  type FieldGetter,
  type FieldJSON,
  FieldJSONReader,
  type FieldSetter,
  type InterceptAction,
  type RecordValidateContext,
} from "./field.ts";
import { isRegex, matchesPattern } from "./field-rules.ts";
import type { FieldValueSchema } from "./field-value-schema.ts";
import type { RecordModel } from "./record-model.ts";

const defaultCost = 10;
const bcryptMaxLength = 71;
const bcryptMaxBytes = 72;

/** PasswordValue is a bcrypt hash and, between a set and the save, the plain text it came from. */
export class PasswordValue {
  constructor(
    public hash: string,
    public plain = "",
  ) {}

  /** validate compares a plain password with the hash in constant time. */
  async validate(plain: string): Promise<boolean> {
    if (this.hash === "" || plain === "") return false;
    try {
      return await Bun.password.verify(plain, this.hash, "bcrypt");
    } catch {
      return false;
    }
  }
}

function passwordValue(raw: unknown): PasswordValue {
  if (raw instanceof PasswordValue) return raw;
  const s = castString(raw);
  return new PasswordValue(s.startsWith("$2") ? s : "");
}

/** The options of a password field (cost is bcrypt's, 0 for the default). */
export type PasswordFieldOptions = { cost: number; max: number; min: number; pattern: string; required: boolean };

/**
 * PasswordField stores a bcrypt hash. Setting it takes the plain text, which is validated and hashed
 * (off the event loop) when the record is saved; the plain text is never stored or exported.
 */
export class PasswordField extends Field {
  readonly type = "password";
  pattern: string;
  min: number;
  max: number;
  cost: number;
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.pattern = o.str("pattern");
    this.min = o.int("min");
    this.max = o.int("max");
    this.cost = o.int("cost");
    this.required = o.bool("required");
  }

  columnKind(): ColumnKind {
    return "text";
  }

  prepareValue(raw: unknown): PasswordValue {
    return passwordValue(raw);
  }

  override driverValue(value: unknown): SqlValue {
    return passwordValue(value).hash;
  }

  /** The JSON value of a visible password field is its (usually empty) pending plain text, as in PocketBase. */
  override exportValue(value: unknown): unknown {
    return passwordValue(value).plain;
  }

  options(): PasswordFieldOptions {
    return { cost: this.cost, max: this.max, min: this.min, pattern: this.pattern, required: this.required };
  }

  /** The field's value reads as the pending plain text; `<name>:hash` reads the hash. */
  override findGetter(key: string): FieldGetter | undefined {
    if (key === this.name) return (record) => passwordValue(record.getRaw(this.name)).plain;
    if (key === `${this.name}:hash`) return (record) => passwordValue(record.getRaw(this.name)).hash;
    return undefined;
  }

  override findSetter(key: string): FieldSetter | undefined {
    if (key !== this.name) return undefined;
    return (record, raw) => this.setPassword(record, castString(raw));
  }

  /** setPassword replaces the value with a plain password to hash on save ("" clears it). */
  setPassword(record: RecordModel, plain: string): void {
    record.setRaw(this.name, new PasswordValue("", plain));
  }

  override async intercept(_app: App, record: RecordModel, action: InterceptAction, next: () => Promise<void>) {
    const v = passwordValue(record.getRaw(this.name));
    if ((action === "createExecute" || action === "updateExecute") && v.plain !== "" && v.hash === "") {
      v.hash = await Bun.password.hash(v.plain, { algorithm: "bcrypt", cost: this.cost > 0 ? this.cost : defaultCost });
    }
    await next();
    if (action === "afterCreate" || action === "afterUpdate") v.plain = "";
  }

  /** Set as plain text (hashed on save); a visible password field reads "" (the hash is never exported). */
  valueSchema(): FieldValueSchema {
    const input: JsonSchema = { type: "string", maxLength: this.max > 0 ? this.max : bcryptMaxLength, writeOnly: true };
    if (this.required) input.minLength = Math.max(this.min, 1);
    return {
      response: { type: "string" },
      create: input,
      update: input,
      requiredOnCreate: this.required,
      modifiers: [],
    };
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = passwordValue(record.getRaw(this.name));
    // bcrypt takes at most 72 bytes: PocketBase's hashing fails on more, before any other check
    if (Buffer.byteLength(v.plain) > bcryptMaxBytes)
      return new ValidationError("validation_invalid_value", "Invalid value.");
    if (this.required && v.hash === "" && v.plain === "") return errRequired();
    if (v.plain === "") return null;
    const length = [...v.plain].length;
    if (length < this.min) {
      return new ValidationError("validation_min_text_constraint", `Must be at least ${this.min} character(s)`);
    }
    const maxLength = this.max > 0 ? this.max : bcryptMaxLength;
    if (length > maxLength) {
      return new ValidationError("validation_max_text_constraint", `Must be less than ${maxLength} character(s)`);
    }
    if (this.pattern !== "" && !matchesPattern(this.pattern, v.plain)) {
      return new ValidationError("validation_invalid_format", "Invalid value format");
    }
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    return {
      min: [min(1), max(bcryptMaxLength)],
      max: [min(this.min), max(bcryptMaxLength)],
      cost: [min(4), max(31)],
      pattern: [isRegex],
    };
  }
}
