import { buildFilter } from "../tools/search/filter-sql.ts";
import { type Rule, ValidationError } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { RecordFieldResolver } from "./record-field-resolver.ts";

/** checkRule compiles a rule against the collection (hidden fields allowed): a rule that can't run is refused. */
export function checkRule(app: App, c: Collection): Rule {
  return (v) => {
    if (typeof v !== "string" || v === "") return null;
    try {
      buildFilter(v, new RecordFieldResolver(app, c, null, { allowHiddenFields: true }));
      return null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return new ValidationError("validation_invalid_rule", `Invalid rule. Raw error: ${message}`);
    }
  };
}

/** systemRuleUnchanged refuses a changed rule of a stored system collection. */
export function systemRuleUnchanged(original: Collection, isNew: boolean, old: string | null): Rule {
  return (v) =>
    !isNew && original.system && v !== old
      ? new ValidationError("validation_collection_system_rule_change", "System collection API rule cannot be changed.")
      : null;
}
