import { sentenize } from "../inflector/inflector.ts";

/** Params substituted into a validation message's `{{.name}}` placeholders and exposed as `params`. */
export type ValidationParams = Record<string, unknown>;

/** A validation error as the API sends it in an error answer's `data`, under the field it concerns. */
export interface ValidationErrorJSON {
  code: string;
  message: string;
  params?: ValidationParams;
}

/** ValidationError is one failed check on one value, with PocketBase's code (e.g. `validation_required`). */
export class ValidationError extends Error {
  readonly code: string;
  readonly params: ValidationParams | undefined;

  constructor(code: string, message: string, params?: ValidationParams) {
    super(renderMessage(message, params));
    this.code = code;
    this.params = params && Object.keys(params).length > 0 ? params : undefined;
  }

  toJSON(): ValidationErrorJSON {
    const out: ValidationErrorJSON = {
      code: this.code,
      message: sentenize(this.message),
    };
    if (this.params) out.params = this.params;
    return out;
  }
}

/** ValidationErrors maps field (or option) names to an error or to nested errors. */
export class ValidationErrors extends Error {
  readonly errors: Record<string, ValidationError | ValidationErrors>;

  constructor(errors: Record<string, ValidationError | ValidationErrors> = {}) {
    super(Object.keys(errors).sort().join("; ") || "validation failed");
    this.errors = errors;
  }

  get isEmpty(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  set(key: string, err: ValidationError | ValidationErrors | null | undefined): void {
    if (err && !(err instanceof ValidationErrors && err.isEmpty)) this.errors[key] = err;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.errors)) out[k] = v.toJSON();
    return out;
  }

  /** throwIfAny throws this when it holds at least one error. */
  throwIfAny(): void {
    if (!this.isEmpty) throw this;
  }
}

/** A Rule checks one value and returns its error (nested errors for lists and objects), or null. */
export type Rule = (value: unknown) => ValidationError | ValidationErrors | null;

function renderMessage(message: string, params?: ValidationParams): string {
  if (!params) return message;
  return message.replace(/\{\{\.(\w+)\}\}/g, (_, key: string) => formatParam(params[key]));
}

function formatParam(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(formatParam).join(" ")}]`;
  return String(v);
}

/** validate runs rules in order and returns the first failure. */
export function validate(value: unknown, ...rules: Rule[]): ValidationError | ValidationErrors | null {
  for (const rule of rules) {
    const err = rule(value);
    if (err) return err;
  }
  return null;
}

/** isEmptyValue follows ozzo-validation: "", 0, false, null, empty arrays and objects are empty. */
export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map || v instanceof Set) return v.size === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  return false;
}

export const errRequired = () => new ValidationError("validation_required", "cannot be blank");

export const required: Rule = (v) => (isEmptyValue(v) ? errRequired() : null);

/** nilOrNotEmpty rejects empty values that are set (not null/undefined). */
export const nilOrNotEmpty: Rule = (v) =>
  v !== null && v !== undefined && isEmptyValue(v)
    ? new ValidationError("validation_nil_or_not_empty_required", "cannot be blank")
    : null;

/** length checks the rune length of strings (or the size of arrays); empty values pass, as in ozzo. */
export function length(min: number, max: number): Rule {
  return (v) => {
    if (isEmptyValue(v)) return null;
    const n = typeof v === "string" ? [...v].length : Array.isArray(v) ? v.length : 0;
    if ((min > 0 && n < min) || (max > 0 && n > max)) {
      if (min === max)
        return new ValidationError("validation_length_invalid", "the length must be exactly {{.min}}", { max, min });
      if (min > 0 && max > 0)
        return new ValidationError(
          "validation_length_out_of_range",
          "the length must be between {{.min}} and {{.max}}",
          {
            max,
            min,
          },
        );
      if (min > 0)
        return new ValidationError("validation_length_too_short", "the length must be no less than {{.min}}", {
          max,
          min,
        });
      // ozzo-validation always reports both bounds
      return new ValidationError("validation_length_too_long", "the length must be no more than {{.max}}", {
        max,
        min,
      });
    }
    return null;
  };
}

export function match(re: RegExp): Rule {
  return (v) =>
    typeof v === "string" && v !== "" && !re.test(v)
      ? new ValidationError("validation_match_invalid", "must be in a valid format")
      : null;
}

export function notIn(...values: unknown[]): Rule {
  return (v) =>
    !isEmptyValue(v) && values.includes(v)
      ? new ValidationError("validation_not_in_invalid", "must not be in list")
      : null;
}

export function inList(...values: unknown[]): Rule {
  return (v) =>
    !isEmptyValue(v) && !values.includes(v)
      ? new ValidationError("validation_in_invalid", "must be a valid value")
      : null;
}

export function min(threshold: number): Rule {
  return (v) =>
    typeof v === "number" && v !== 0 && v < threshold
      ? new ValidationError("validation_min_greater_equal_than_required", "must be no less than {{.threshold}}", {
          threshold,
        })
      : null;
}

export function max(threshold: number): Rule {
  return (v) =>
    typeof v === "number" && v > threshold
      ? new ValidationError("validation_max_less_equal_than_required", "must be no greater than {{.threshold}}", {
          threshold,
        })
      : null;
}

/** empty requires the value to be empty (used for options that conflict with others). */
export const empty: Rule = (v) => (isEmptyValue(v) ? null : new ValidationError("validation_empty", "must be blank"));

/** by wraps a custom check. */
/** when applies the rules only if the condition holds. */
export function when(cond: boolean, ...rules: Rule[]): Rule {
  return (v) => (cond ? validate(v, ...rules) : null);
}

/** each applies the rules to every item of a list, reporting failures by index. */
export function each(...rules: Rule[]): Rule {
  return (v) => {
    if (!Array.isArray(v)) return null;
    const errs = new ValidationErrors();
    for (const [i, item] of v.entries()) errs.set(String(i), validate(item, ...rules));
    return errs.isEmpty ? null : errs;
  };
}

/** validateObject runs a rule list per key and collects the failures into ValidationErrors. */
export function validateObject(obj: Record<string, unknown>, rules: Record<string, Rule[]>): ValidationErrors {
  const errs = new ValidationErrors();
  for (const [key, list] of Object.entries(rules)) errs.set(key, validate(obj[key], ...list));
  return errs;
}
