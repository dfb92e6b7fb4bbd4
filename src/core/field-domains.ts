import type { ColumnKind } from "../db/dialect.ts";
import type { JsonSchema } from "../tools/jsonschema/schema.ts";
import { castString } from "../tools/types/cast.ts";
import { empty, type Rule, when } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader } from "./field.ts";
import { eachDomain } from "./field-rules.ts";
import type { FieldValueSchema } from "./field-value-schema.ts";

/** The options of the email and url fields (null lists are the same as empty ones). */
export type DomainListFieldOptions = {
  exceptDomains: string[] | null;
  onlyDomains: string[] | null;
  required: boolean;
};

/**
 * DomainListField is the shared shape of the email and url fields: a text value, `required`, and
 * `onlyDomains`/`exceptDomains` lists (exclusive of each other) checked against the value's domain.
 */
export abstract class DomainListField extends Field {
  exceptDomains: string[] | null;
  onlyDomains: string[] | null;
  required: boolean;

  constructor(json: Partial<FieldJSON>) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.exceptDomains = o.strList("exceptDomains");
    this.onlyDomains = o.strList("onlyDomains");
    this.required = o.bool("required");
  }

  columnKind(): ColumnKind {
    return "text";
  }

  prepareValue(raw: unknown): string {
    return castString(raw);
  }

  options(): DomainListFieldOptions {
    return { exceptDomains: this.exceptDomains, onlyDomains: this.onlyDomains, required: this.required };
  }

  /** textValueSchema is a string of a format ("" is accepted unless the field is required). */
  protected textValueSchema(format: string): FieldValueSchema {
    const formatted: JsonSchema = { type: "string", format };
    const input = this.required ? formatted : { anyOf: [formatted, { const: "" }] };
    return {
      response: { type: "string" },
      create: input,
      update: input,
      requiredOnCreate: this.required,
      modifiers: [],
    };
  }

  /** domainAllowed applies onlyDomains and exceptDomains to a value's domain. */
  protected domainAllowed(domain: string): boolean {
    if (this.onlyDomains?.length && !this.onlyDomains.includes(domain)) return false;
    return !this.exceptDomains?.includes(domain);
  }

  protected optionRules(): Record<string, Rule[]> {
    const hasOnly = (this.onlyDomains?.length ?? 0) > 0;
    const hasExcept = (this.exceptDomains?.length ?? 0) > 0;
    return {
      exceptDomains: [hasOnly ? empty : eachDomain],
      onlyDomains: [when(hasExcept, empty), when(!hasExcept, eachDomain)],
    };
  }
}
