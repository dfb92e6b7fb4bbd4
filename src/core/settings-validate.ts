import { cronExpressionError } from "../tools/cron/schedule.ts";
import { isEmail, isURL } from "../tools/validation/formats.ts";
import {
  each,
  inList,
  length,
  match,
  min,
  type Rule,
  required,
  ValidationError,
  ValidationErrors,
  validate,
  validateObject,
  when,
} from "../tools/validation/validation.ts";
import { isIpOrSubnet, isPlainIp } from "./settings-ip.ts";
import type { RateLimitRule, S3Config, Settings } from "./settings-model.ts";

/** A rule on non-empty strings (empty ones pass, as ozzo-validation's string rules do). */
function stringRule(ok: (s: string) => boolean, code: string, message: string): Rule {
  return (v) => (typeof v === "string" && v !== "" && !ok(v) ? new ValidationError(code, message) : null);
}

const isEmailFormat = stringRule(isEmail, "validation_is_email", "must be a valid email address");
const isUrl = stringRule(isURL, "validation_is_url", "must be a valid URL");
const isHexColor = stringRule(
  (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  "validation_is_hex_color",
  "must be a valid hexadecimal color code",
);
const dnsName = /^([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$/;
const isHost = stringRule(
  (s) => isPlainIp(s) || (s.replaceAll(".", "").length <= 255 && dnsName.test(s)),
  "validation_is_host",
  "must be a valid IP address or DNS name",
);
// "invlaid" is PocketBase's spelling of the code
const ipOrSubnet = stringRule(isIpOrSubnet, "validation_invlaid_ip_or_subnet", "invalid IP or CIDR subnet");
const cronExpression: Rule = (v) => {
  const err = typeof v === "string" && v !== "" ? cronExpressionError(v) : null;
  return err ? new ValidationError("validation_invalid_cron", err) : null;
};

const rateLimitLabel = /^(\w+ \/[\w/-]*|\/[\w/-]*|^\w+:\w+|\*:\w+|\w+)$/;

/** Two rules conflict when one's `label@@audience` starts with the other's. */
const uniqueRuleLabels: Rule = (v) => {
  const seen: string[] = [];
  for (const [i, rule] of (v as RateLimitRule[]).entries()) {
    const key = `${rule.label}@@${rule.audience}`;
    if (seen.some((k) => k.startsWith(key) || key.startsWith(k))) {
      const err = new ValidationError(
        "validation_conflicting_rate_limit_rule",
        "Rate limit rule configuration with label {{.label}} already exists or conflicts with another rule.",
        { label: rule.label },
      );
      return new ValidationErrors({ [String(i)]: new ValidationErrors({ label: err }) });
    }
    seen.push(key);
  }
  return null;
};

function validateRateLimitRule(rule: RateLimitRule): ValidationErrors {
  return validateObject(
    { ...rule },
    {
      label: [required, match(rateLimitLabel)],
      maxRequests: [required, min(1)],
      duration: [required, min(1)],
      audience: [inList("", "@guest", "@auth")],
    },
  );
}

function validateS3(c: S3Config): ValidationErrors {
  return validateObject(
    { ...c },
    {
      endpoint: [isUrl, when(c.enabled, required)],
      bucket: [when(c.enabled, required)],
      region: [when(c.enabled, required)],
      accessKey: [when(c.enabled, required)],
      secret: [when(c.enabled, required)],
    },
  );
}

/**
 * validateSettings checks settings with PocketBase's rules and returns the failures, nested by block
 * (`{"smtp": {"host": ...}, "rateLimits": {"rules": {"0": {"label": ...}}}}`).
 */
export function validateSettings(s: Settings): ValidationErrors {
  const errs = new ValidationErrors();
  errs.set("superuserIPs", validate(s.superuserIPs, each(required, ipOrSubnet)));
  errs.set(
    "meta",
    validateObject(
      { ...s.meta },
      {
        accentColor: [length(7, 7), isHexColor],
        appName: [required, length(1, 255)],
        appURL: [required, isUrl],
        senderName: [required, length(1, 255)],
        senderAddress: [isEmailFormat, required],
      },
    ),
  );
  errs.set("logs", validateObject({ ...s.logs }, { maxDays: [min(0)] }));
  errs.set(
    "smtp",
    validateObject(
      { ...s.smtp },
      {
        host: [when(s.smtp.enabled, required), isHost],
        port: [when(s.smtp.enabled, required), min(0)],
        authMethod: [inList("LOGIN", "PLAIN")],
        localName: [isHost],
      },
    ),
  );
  errs.set("s3", validateS3(s.s3));
  const backups = validateObject(
    { ...s.backups },
    {
      cron: [cronExpression],
      cronMaxKeep: [when(s.backups.cron !== "", required), min(1)],
    },
  );
  backups.set("s3", validateS3(s.backups.s3));
  errs.set("backups", backups);
  errs.set(
    "batch",
    validateObject(
      { ...s.batch },
      {
        maxRequests: [when(s.batch.enabled, required), min(0)],
        timeout: [when(s.batch.enabled, required), min(0)],
        maxBodySize: [min(0)],
      },
    ),
  );
  const rateLimits = validateObject(
    { ...s.rateLimits },
    {
      rules: [when(s.rateLimits.enabled, required), uniqueRuleLabels],
      excludedIPs: [each(required, ipOrSubnet)],
    },
  );
  if (!rateLimits.errors.rules) {
    const ruleErrs = new ValidationErrors();
    for (const [i, rule] of s.rateLimits.rules.entries()) ruleErrs.set(String(i), validateRateLimitRule(rule));
    rateLimits.set("rules", ruleErrs);
  }
  errs.set("rateLimits", rateLimits);
  return errs;
}
