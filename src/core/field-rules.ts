import { each, type Rule, ValidationError } from "../tools/validation/validation.ts";

/** The largest integer a JSON number holds exactly. */
export const maxSafeInt = Number.MAX_SAFE_INTEGER;

/** isRegex accepts "" or a pattern JavaScript can compile. */
export const isRegex: Rule = (v) => {
  if (typeof v !== "string" || v === "") return null;
  try {
    new RegExp(v, "u");
    return null;
  } catch (err) {
    return new ValidationError("validation_invalid_regex", err instanceof Error ? err.message : "invalid regex");
  }
};

const domainPattern = /^(?=.{1,253}$)(?:(?!-)[a-zA-Z0-9-]{1,63}(?<!-)\.)+[a-zA-Z]{2,63}$/;

/** eachDomain checks that every item of a list is a domain name. */
export const eachDomain: Rule = each((d) =>
  typeof d === "string" && domainPattern.test(d)
    ? null
    : new ValidationError("validation_is_domain", "must be a valid domain"),
);
