import type { ColumnKind } from "../db/dialect.ts";
import { goTimeString, nowDateTime, parseDateTime, rfc3339Nano } from "../tools/types/datetime.ts";
import { errRequired, type Rule, ValidationError } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import {
  Field,
  type FieldJSON,
  FieldJSONReader,
  type FieldSetter,
  type InterceptAction,
  type RecordValidateContext,
} from "./field.ts";
import { unsupportedValueType } from "./field-text.ts";
import { type FieldValueSchema, schemaRef } from "./field-value-schema.ts";
import type { RecordModel } from "./record-model.ts";

/** The options of a date field: bounds as datetime strings ("" for none). */
export type DateFieldOptions = { min: string; max: string; required: boolean };

/** DateField holds a UTC datetime (`2006-01-02 15:04:05.000Z`, "" when unset) within an optional range. */
export class DateField extends Field {
  readonly type = "date";
  min: string;
  max: string;
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.min = dateOption(o, "min");
    this.max = dateOption(o, "max");
    this.required = o.bool("required");
  }

  columnKind(): ColumnKind {
    return "text";
  }

  prepareValue(raw: unknown): string {
    return parseDateTime(raw);
  }

  options(): DateFieldOptions {
    return { max: this.max, min: this.min, required: this.required };
  }

  valueSchema(): FieldValueSchema {
    const input = {
      type: "string",
      description: 'A datetime: `2006-01-02 15:04:05.000Z`, RFC 3339 and other common layouts are read; "" clears it.',
    } as const;
    return {
      response: schemaRef("IsoDateString"),
      create: input,
      update: input,
      requiredOnCreate: this.required,
      modifiers: [],
    };
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const v = record.getRaw(this.name);
    if (typeof v !== "string") return unsupportedValueType();
    if (v === "") return this.required ? errRequired() : null;
    // the threshold is a Go time: printed with time.String in the message, as RFC 3339 in the params
    if (this.min !== "" && v < this.min) {
      return new ValidationError(
        "validation_min_greater_equal_than_required",
        `must be no less than ${goTimeString(this.min)}`,
        { threshold: rfc3339Nano(this.min) },
      );
    }
    if (this.max !== "" && v > this.max) {
      return new ValidationError(
        "validation_max_less_equal_than_required",
        `must be no greater than ${goTimeString(this.max)}`,
        { threshold: rfc3339Nano(this.max) },
      );
    }
    return null;
  }

  // PocketBase accepts a max before the min (its range check is a no-op), so there is nothing to check
  protected optionRules(): Record<string, Rule[]> {
    return {};
  }
}

/**
 * The time of a record's save, taken by the first of its autodate fields to stamp it: every autodate field of
 * one save holds the same time (`updated` equals `touched`), even when the clock's millisecond turns between
 * them. The fields' interceptors wrap each other, the collection's last field outermost (runInterceptors), so
 * that field runs first in every save and takes the time anew; the others read it.
 */
const saveTimes = new WeakMap<RecordModel, string>();
const firstStamper = new WeakMap<Collection, Map<InterceptAction, AutodateField>>();

function saveTime(field: AutodateField, record: RecordModel, action: InterceptAction): string {
  let firsts = firstStamper.get(record.collection);
  if (!firsts) {
    firsts = new Map();
    for (const f of record.collection.fields) {
      if (!(f instanceof AutodateField)) continue;
      if (f.interceptsAction("createExecute")) firsts.set("createExecute", f);
      if (f.interceptsAction("updateExecute")) firsts.set("updateExecute", f);
    }
    firstStamper.set(record.collection, firsts);
  }
  if (firsts.get(action) !== field) return saveTimes.get(record) ?? nowDateTime();
  const now = nowDateTime();
  saveTimes.set(record, now);
  return now;
}

/** The options of an autodate field: set on create, on update, or both. */
export type AutodateFieldOptions = { onCreate: boolean; onUpdate: boolean };

/**
 * AutodateField is set by the server to the current time on create and/or update; clients can't set it.
 * Code may still assign a value before saving, which is kept.
 */
export class AutodateField extends Field {
  readonly type = "autodate";
  onCreate: boolean;
  onUpdate: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    const o = FieldJSONReader.of(json);
    this.onCreate = o.bool("onCreate");
    this.onUpdate = o.bool("onUpdate");
  }

  columnKind(): ColumnKind {
    return "text";
  }

  prepareValue(raw: unknown): string {
    return parseDateTime(raw);
  }

  options(): AutodateFieldOptions {
    return { onCreate: this.onCreate, onUpdate: this.onUpdate };
  }

  protected override hasHelp(): boolean {
    return false;
  }

  override findSetter(key: string): FieldSetter | undefined {
    return key === this.name ? () => {} : undefined;
  }

  /** setValue assigns a value from code (the request setter ignores client input). */
  setValue(record: RecordModel, value: unknown): void {
    record.setRaw(this.name, parseDateTime(value));
  }

  override interceptsAction(action: InterceptAction): boolean {
    return (action === "createExecute" && this.onCreate) || (action === "updateExecute" && this.onUpdate);
  }

  // not async: it only sets a value before the rest of the stage, whose own promise it returns
  override intercept(
    _app: App,
    record: RecordModel,
    action: InterceptAction,
    next: () => Promise<void>,
  ): Promise<void> {
    if (this.interceptsAction(action)) {
      const now = saveTime(this, record, action);
      const current = record.getRaw(this.name);
      // a value that differs from the stored one was set explicitly by code: keep it
      const unchanged = record.isNew() ? current === "" : !record.hasChanged(this.name);
      if (unchanged) record.setRaw(this.name, now);
    }
    return next();
  }

  /** Clients can't set it: the server stamps it. */
  valueSchema(): FieldValueSchema {
    return { response: schemaRef("IsoDateString"), create: null, update: null, requiredOnCreate: false, modifiers: [] };
  }

  validateValue(): ValidationError | null {
    return null;
  }

  protected optionRules(ctx: { originalField: Field | null }): Record<string, Rule[]> {
    const old = ctx.originalField instanceof AutodateField ? ctx.originalField : null;
    const bothOff = (v: unknown) =>
      !v && !this.onCreate && !this.onUpdate
        ? new ValidationError("validation_required", "either onCreate or onUpdate must be enabled")
        : null;
    const unchangedIfSystem = (before: boolean | undefined) => (v: unknown) =>
      this.system && old && before !== v
        ? new ValidationError("validation_values_mismatch", "Values don't match.")
        : null;
    return {
      onCreate: [unchangedIfSystem(old?.onCreate), bothOff],
      onUpdate: [unchangedIfSystem(old?.onUpdate), bothOff],
    };
  }
}

/** dateOption reads a date option: a string (unparseable text is the zero date), or null. */
function dateOption(o: FieldJSONReader, key: string): string {
  const v = o.raw(key);
  if (v === null) return "";
  if (typeof v !== "string") throw o.mismatch(key, v, "string");
  return parseDateTime(v);
}
