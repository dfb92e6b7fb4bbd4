import type { ColumnKind } from "../db/dialect.ts";
import { castString } from "../tools/types/cast.ts";
import { errRequired, type Rule, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";
import { domainListRules } from "./field-email.ts";
import { unsupportedValueType } from "./field-text.ts";

/** parseUrl accepts absolute http(s)/ftp-style URLs with a host, as govalidator's IsURL does for user input. */
function parseUrl(s: string): URL | null {
  if (s.length > 2083 || /\s/.test(s) || s.startsWith(".")) return null;
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(s) ? s : `http://${s}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return null;
  }
  if (
    u.hostname === "" ||
    !/^([a-zA-Z0-9\u00a1-\uffff_-]+\.)*[a-zA-Z0-9\u00a1-\uffff_-]+\.?$|^\[[0-9a-fA-F:.]+\]$|^\d{1,3}(\.\d{1,3}){3}$/.test(
      u.hostname,
    )
  ) {
    return null;
  }
  if (!u.hostname.includes(".") && u.hostname !== "localhost" && !u.hostname.startsWith("[")) return null;
  return u;
}

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
    const u = parseUrl(v);
    if (!u) return new ValidationError("validation_invalid_url", "Must be a valid url");
    const host = u.host;
    if ((this.onlyDomains?.length && !this.onlyDomains.includes(host)) || this.exceptDomains?.includes(host)) {
      return new ValidationError("validation_url_domain_not_allowed", "Url domain is not allowed");
    }
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    return domainListRules(this.exceptDomains, this.onlyDomains);
  }
}
