import { isEmail } from "../tools/validation/formats.ts";
import { errRequired, ValidationError } from "../tools/validation/validation.ts";
import type { RecordValidateContext } from "./field.ts";
import { DomainListField } from "./field-domains.ts";
import { unsupportedValueType } from "./field-text.ts";
import type { FieldValueSchema } from "./field-value-schema.ts";

/** isEmail is the email format check (govalidator's IsEmail, as PocketBase's is.EmailFormat). */
export { isEmail };

export function invalidEmailError(): ValidationError {
  return new ValidationError("validation_is_email", "must be a valid email address");
}

/** EmailField holds an email address, optionally limited to (or excluding) some domains. */
export class EmailField extends DomainListField {
  readonly type = "email";

  valueSchema(): FieldValueSchema {
    return this.textValueSchema("email");
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = record.getRaw(this.name);
    if (typeof v !== "string") return unsupportedValueType();
    if (v === "") return this.required ? errRequired() : null;
    if (!isEmail(v)) return invalidEmailError();
    if (!this.domainAllowed(v.slice(v.lastIndexOf("@") + 1))) {
      return new ValidationError("validation_email_domain_not_allowed", "Email domain is not allowed");
    }
    return null;
  }
}
