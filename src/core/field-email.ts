import type { ColumnKind } from "../db/dialect.ts";
import { castString } from "../tools/types/cast.ts";
import { isEmail } from "../tools/validation/formats.ts";
import { empty, errRequired, type Rule, ValidationError, when } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";
import { eachDomain } from "./field-rules.ts";
import { unsupportedValueType } from "./field-text.ts";

/** isEmail is the email format check (govalidator's IsEmail, as PocketBase's is.EmailFormat). */
export { isEmail };

export function invalidEmailError(): ValidationError {
  return new ValidationError("validation_is_email", "must be a valid email address");
}

/** EmailField holds an email address, optionally limited to (or excluding) some domains. */
export class EmailField extends Field {
  readonly type = "email";
  exceptDomains: string[] | null;
  onlyDomains: string[] | null;
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
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

  options(): Record<string, unknown> {
    return { exceptDomains: this.exceptDomains, onlyDomains: this.onlyDomains, required: this.required };
  }

  async validateValue({ record }: RecordValidateContext): Promise<ValidationError | null> {
    const v = record.getRaw(this.name);
    if (typeof v !== "string") return unsupportedValueType();
    if (v === "") return this.required ? errRequired() : null;
    if (!isEmail(v)) return invalidEmailError();
    const domain = v.slice(v.lastIndexOf("@") + 1);
    if ((this.onlyDomains?.length && !this.onlyDomains.includes(domain)) || this.exceptDomains?.includes(domain)) {
      return new ValidationError("validation_email_domain_not_allowed", "Email domain is not allowed");
    }
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    return domainListRules(this.exceptDomains, this.onlyDomains);
  }
}

/** domainListRules: exceptDomains and onlyDomains are exclusive, and each item must be a domain. */
export function domainListRules(except: string[] | null, only: string[] | null): Record<string, Rule[]> {
  const hasOnly = (only?.length ?? 0) > 0;
  const hasExcept = (except?.length ?? 0) > 0;
  return {
    exceptDomains: [hasOnly ? empty : eachDomain],
    onlyDomains: [when(hasExcept, empty), when(!hasExcept, eachDomain)],
  };
}
