import type { ColumnKind } from "../db/dialect.ts";
import { castString } from "../tools/types/cast.ts";
import { isURL } from "../tools/validation/formats.ts";
import { parseURL } from "../tools/validation/url.ts";
import { errRequired, type Rule, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";
import { domainListRules } from "./field-email.ts";
import { unsupportedValueType } from "./field-text.ts";

/** URLField holds a URL, optionally limited to (or excluding) some hosts. */
export class URLField extends Field {
  readonly type = "url";
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
    if (!isURL(v)) return new ValidationError("validation_invalid_url", "Must be a valid url");
    // the host as Go's url.Parse reads the value itself: "" without a scheme, so such values never pass
    // onlyDomains; PocketBase fails with a 500 when that parse errors ("1a.com:80"), here it is just no host
    const host = parseURL(v)?.host ?? "";
    if ((this.onlyDomains?.length && !this.onlyDomains.includes(host)) || this.exceptDomains?.includes(host)) {
      return new ValidationError("validation_url_domain_not_allowed", "Url domain is not allowed");
    }
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    return domainListRules(this.exceptDomains, this.onlyDomains);
  }
}
