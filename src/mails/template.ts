import type { App } from "../core/app.ts";
import type { EmailTemplate } from "../core/collection-auth-templates.ts";
import type { RecordModel } from "../core/record-model.ts";
import { castString } from "../tools/types/cast.ts";
import { JsonRaw } from "../tools/types/json-raw.ts";
import { mailLayout } from "./layout.ts";

export const placeholderAppName = "{APP_NAME}";
export const placeholderAppUrl = "{APP_URL}";
export const placeholderToken = "{TOKEN}";
export const placeholderOtp = "{OTP}";
export const placeholderOtpId = "{OTP_ID}";
export const placeholderAlertInfo = "{ALERT_INFO}";

// values of these field types can't hold markup, so they go into the mail as they are
const unescapedFieldTypes = new Set(["autodate", "date", "bool", "number"]);

const htmlEscapes: Record<string, string> = { "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;" };

/** escapeHtml escapes text as Go's html.EscapeString does. */
export function escapeHtml(s: string): string {
  return s.replace(/[&'<>"]/g, (c) => htmlEscapes[c] ?? c);
}

/**
 * resolveEmailTemplate fills a collection's email template: `{APP_NAME}`, `{APP_URL}`, the given
 * placeholders, and `{RECORD:field}` for every visible field of the record (HTML-escaped, except for
 * dates, numbers and booleans). The body is wrapped in the mail layout.
 */
export function resolveEmailTemplate(
  app: App,
  record: RecordModel,
  template: EmailTemplate,
  placeholders: Record<string, string> = {},
): { subject: string; html: string } {
  const values = new Map<string, string>(Object.entries(placeholders));
  const meta = app.settings().meta;
  if (!values.has(placeholderAppName)) values.set(placeholderAppName, meta.appName);
  if (!values.has(placeholderAppUrl)) values.set(placeholderAppUrl, meta.appURL);
  for (const field of record.collection.fields) {
    if (field.hidden) continue;
    const key = `{RECORD:${field.name}}`;
    if (values.has(key)) continue;
    const value = placeholderValue(record.get(field.name));
    values.set(key, unescapedFieldTypes.has(field.type) ? value : escapeHtml(value));
  }
  return {
    subject: replacePlaceholders(template.subject, values),
    html: mailLayout(replacePlaceholders(template.body, values)),
  };
}

/** A value as text, as Go's cast gives it: json values as their JSON text, lists and objects as "". */
function placeholderValue(v: unknown): string {
  return v instanceof JsonRaw ? v.text : castString(v);
}

/** replacePlaceholders swaps every placeholder in one pass, so a value holding a placeholder stays as it is. */
function replacePlaceholders(text: string, values: Map<string, string>): string {
  if (values.size === 0) return text;
  const keys = [...values.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return text.replace(pattern, (m) => values.get(m) ?? m);
}
