import type { ColumnKind } from "../db/dialect.ts";
import type { SqlValue } from "../db/sql.ts";
import { isPlainObject } from "../tools/types/merge.ts";
import { errRequired, type Rule, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";
import { type FieldValueSchema, sameInput, schemaRef } from "./field-value-schema.ts";

export interface GeoPoint {
  lon: number;
  lat: number;
}

/**
 * toGeoPoint reads `{lon, lat}` the way Go decodes JSON into PocketBase's GeoPoint: from an object or its
 * JSON text, keys matched case-insensitively (the last one wins), only numbers taken; any other value, a
 * key of another type or text that isn't JSON leaves that coordinate (or the whole point) at 0.
 */
export function toGeoPoint(raw: unknown): GeoPoint {
  const point = { lon: 0, lat: 0 };
  let v = raw;
  let entries: [string, unknown][];
  if (typeof v === "string" || v instanceof Uint8Array) {
    const text = typeof v === "string" ? v : new TextDecoder().decode(v);
    try {
      v = text === "" ? null : JSON.parse(text);
    } catch {
      return point;
    }
    if (!isPlainObject(v)) return point;
    entries = Object.entries(v);
  } else {
    if (!isPlainObject(v)) return point;
    // an object reaches Go as a map, which it encodes with sorted keys before decoding it into the point
    entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  for (const [key, value] of entries) {
    const name = key.toLowerCase();
    if ((name === "lon" || name === "lat") && typeof value === "number" && Number.isFinite(value)) point[name] = value;
  }
  return point;
}

/** The options of a geoPoint field. */
export type GeoPointFieldOptions = { required: boolean };

/** GeoPointField holds a longitude/latitude pair. */
export class GeoPointField extends Field {
  readonly type = "geoPoint";
  required: boolean;

  constructor(json: Partial<FieldJSON> = {}) {
    super(json);
    this.required = FieldJSONReader.of(json).bool("required");
  }

  columnKind(): ColumnKind {
    return "geoPoint";
  }

  prepareValue(raw: unknown): GeoPoint {
    return toGeoPoint(raw);
  }

  override driverValue(value: unknown): SqlValue {
    const p = toGeoPoint(value);
    return JSON.stringify({ lon: p.lon, lat: p.lat });
  }

  options(): GeoPointFieldOptions {
    return { required: this.required };
  }

  valueSchema(): FieldValueSchema {
    return sameInput(schemaRef("GeoPoint"), this.required);
  }

  validateValue({ record }: RecordValidateContext): ValidationError | null {
    const p = toGeoPoint(record.getRaw(this.name));
    if (p.lat === 0 && p.lon === 0) return this.required ? errRequired() : null;
    if (!(p.lat >= -90 && p.lat <= 90)) {
      return new ValidationError("validation_invalid_latitude", "Latitude must be between -90 and 90 degrees.");
    }
    if (!(p.lon >= -180 && p.lon <= 180)) {
      return new ValidationError("validation_invalid_longitude", "Longitude must be between -180 and 180 degrees.");
    }
    return null;
  }

  protected optionRules(): Record<string, Rule[]> {
    return {};
  }
}
