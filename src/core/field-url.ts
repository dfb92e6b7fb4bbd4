import { isURL } from "../tools/validation/formats.ts";
import { parseURL } from "../tools/validation/url.ts";
import { errRequired, ValidationError } from "../tools/validation/validation.ts";
import type { RecordValidateContext } from "./field.ts";
import { DomainListField } from "./field-domains.ts";
import { unsupportedValueType } from "./field-text.ts";
import type { FieldValueSchema } from "./field-value-schema.ts";

/** URLField holds a URL, optionally limited to (or excluding) some hosts. */
export class URLField extends DomainListField {
  readonly type = "url";

  valueSchema(): FieldValueSchema {
    return this.textValueSchema("uri");
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = record.getRaw(this.name);
    if (typeof v !== "string") return unsupportedValueType();
    if (v === "") return this.required ? errRequired() : null;
    if (!isURL(v)) return new ValidationError("validation_invalid_url", "Must be a valid url");
    // the host as Go's url.Parse reads the value itself: "" without a scheme, so such values never pass
    // onlyDomains; PocketBase fails with a 500 when that parse errors ("1a.com:80"), here it is just no host
    const host = parseURL(v)?.host ?? "";
    if (!this.domainAllowed(host)) {
      return new ValidationError("validation_url_domain_not_allowed", "Url domain is not allowed");
    }
    return null;
  }
}
