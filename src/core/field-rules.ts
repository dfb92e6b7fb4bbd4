import { GoRegexp } from "../tools/regexp/regexp.ts";
import { RegexpSyntaxError } from "../tools/regexp/syntax.ts";
import { isDomain } from "../tools/validation/formats.ts";
import { each, type Rule, ValidationError } from "../tools/validation/validation.ts";

/** The largest integer a JSON number holds exactly. */
export const maxSafeInt = Number.MAX_SAFE_INTEGER;

/** isRegex accepts "" or a pattern Go's regexp package compiles, reporting Go's parse error otherwise. */
export const isRegex: Rule = (v) => {
  if (typeof v !== "string" || v === "") return null;
  try {
    GoRegexp.compile(v);
    return null;
  } catch (err) {
    if (err instanceof RegexpSyntaxError) return new ValidationError("validation_invalid_regex", err.message);
    throw err;
  }
};

const compiled = new Map<string, GoRegexp | null>();

/**
 * matchesPattern tests a value against a field's pattern with Go's regexp semantics (a pattern that doesn't
 * compile matches nothing). Compiled patterns are cached, as fields are rebuilt with every collection change.
 */
export function matchesPattern(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = GoRegexp.compile(pattern);
    } catch {
      re = null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re?.test(value) ?? false;
}

/** eachDomain checks that every item of a list is a domain name (ozzo-validation's is.Domain). */
export const eachDomain: Rule = each((d) =>
  typeof d === "string" && isDomain(d) ? null : new ValidationError("validation_is_domain", "must be a valid domain"),
);
