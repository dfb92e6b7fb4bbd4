import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { hasProvider } from "../tools/auth/registry.ts";
import {
  each,
  isEmptyValue,
  length,
  nilOrNotEmpty,
  type Rule,
  required,
  ValidationError,
  ValidationErrors,
  validate,
  validateObject,
  when,
} from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import { tokenTypes } from "./collection-auth-options.ts";
import type { Collection } from "./collection-model.ts";
import { checkRule, systemRuleUnchanged } from "./collection-validate-rules.ts";

/**
 * validateAuthOptions checks an auth collection's options (rules, auth methods, tokens, templates) and
 * returns their errors keyed like the collection JSON.
 */
export function validateAuthOptions(app: App, c: Collection, original: Collection, isNew: boolean): ValidationErrors {
  const o = c.auth;
  const errs = new ValidationErrors();
  const ruleSyntax = checkRule(app, c);
  errs.set("authRule", validate(o.authRule, ruleSyntax, systemRuleUnchanged(original, isNew, original.auth.authRule)));
  errs.set(
    "manageRule",
    validate(o.manageRule, nilOrNotEmpty, ruleSyntax, systemRuleUnchanged(original, isNew, original.auth.manageRule)),
  );
  errs.set("authAlert", validateObject(o.authAlert, { emailTemplate: [templateRule] }));
  const pa = validateObject(o.passwordAuth, { identityFields: o.passwordAuth.enabled ? [required] : [] });
  errs.set("passwordAuth", pa);
  // providers are checked only while OAuth2 is enabled, as PocketBase does
  errs.set(
    "oauth2",
    validateObject(o.oauth2, { providers: o.oauth2.enabled ? [each(providerRule), uniqueProviders] : [] }),
  );
  errs.set(
    "otp",
    validateObject(o.otp, {
      duration: [when(o.otp.enabled, required, minMax(10, 86400))],
      length: [when(o.otp.enabled, required, minMax(4, Number.MAX_SAFE_INTEGER))],
      emailTemplate: [templateRule],
    }),
  );
  errs.set("mfa", validateObject(o.mfa, { duration: [when(o.mfa.enabled, required, minMax(10, 86400))] }));
  for (const t of tokenTypes) {
    errs.set(
      t,
      validateObject({ ...o[t] }, { secret: [required, length(30, 255)], duration: [required, minMax(10, 94670856)] }),
    );
  }
  for (const t of ["verificationTemplate", "resetPasswordTemplate", "confirmEmailChangeTemplate"] as const) {
    errs.set(t, validate(o[t], required, templateRule));
  }
  if (!errs.isEmpty) return errs;
  if (o.mfa.enabled && [o.passwordAuth.enabled, o.oauth2.enabled, o.otp.enabled].filter(Boolean).length < 2) {
    errs.set(
      "mfa",
      new ValidationErrors({
        enabled: new ValidationError(
          "validation_mfa_not_enough_auths",
          "MFA requires at least 2 auth methods to be enabled.",
        ),
      }),
    );
    return errs;
  }
  if (o.mfa.enabled && o.mfa.rule !== "") {
    const ruleErr = validate(o.mfa.rule, ruleSyntax, systemRuleUnchanged(original, isNew, original.auth.mfa.rule));
    if (ruleErr) {
      errs.set("mfa", new ValidationErrors({ rule: ruleErr }));
      return errs;
    }
  }
  if (o.passwordAuth.enabled) {
    for (const name of o.passwordAuth.identityFields) {
      let err: ValidationError | null = null;
      if (!c.fields.byName(name))
        err = new ValidationError("validation_missing_field", "Invalid or missing field {{.fieldName}}", {
          fieldName: name,
        });
      else if (!findSingleColumnUniqueIndex(c.indexes, name)) {
        err = new ValidationError(
          "validation_missing_unique_constraint",
          "The field {{.fieldName}} doesn't have a UNIQUE constraint.",
          { fieldName: name },
        );
      }
      if (err) {
        errs.set("passwordAuth", new ValidationErrors({ identityFields: err }));
        break;
      }
    }
  }
  return errs;
}

function minMax(lo: number, hi: number): Rule {
  return (v) => {
    if (isEmptyValue(v)) return null;
    const n = Number(v);
    if (n < lo)
      return new ValidationError("validation_min_greater_equal_than_required", "must be no less than {{.threshold}}", {
        threshold: lo,
      });
    if (n > hi)
      return new ValidationError("validation_max_less_equal_than_required", "must be no greater than {{.threshold}}", {
        threshold: hi,
      });
    return null;
  };
}

const templateRule: Rule = (v) => {
  const t = (v ?? {}) as { subject?: unknown; body?: unknown };
  const errs = validateObject({ subject: t.subject, body: t.body }, { subject: [required], body: [required] });
  return errs.isEmpty ? null : errs;
};

const knownProvider: Rule = (v) =>
  typeof v === "string" && v !== "" && !hasProvider(v)
    ? new ValidationError("validation_missing_provider", "Invalid or missing provider with name {{.name}}.", {
        name: v,
      })
    : null;

/** isUrl accepts what govalidator's IsURL does for provider endpoints: a host, with or without a scheme. */
const isUrl: Rule = (v) => {
  if (typeof v !== "string" || v === "") return null;
  const withScheme = v.includes("://") ? v : `http://${v}`;
  const ok = URL.canParse(withScheme) && new URL(withScheme).hostname !== "" && !/\s/.test(v);
  return ok ? null : new ValidationError("validation_is_url", "must be a valid URL");
};

const providerRule: Rule = (v) => {
  const p = (v ?? {}) as Record<string, unknown>;
  const errs = validateObject(p, {
    name: [required, knownProvider],
    clientId: [required],
    clientSecret: [required],
    authURL: [isUrl],
    tokenURL: [isUrl],
    userInfoURL: [isUrl],
  });
  return errs.isEmpty ? null : errs;
};

const uniqueProviders: Rule = (v) => {
  const seen = new Set<string>();
  for (const [i, p] of ((v as { name?: string }[]) ?? []).entries()) {
    const name = String(p?.name ?? "");
    if (seen.has(name)) {
      return new ValidationErrors({
        [i]: new ValidationErrors({
          name: new ValidationError("validation_duplicated_provider", "The provider {{.name}} is already registered.", {
            name,
          }),
        }),
      });
    }
    seen.add(name);
  }
  return null;
};
