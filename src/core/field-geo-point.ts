import type { ColumnKind } from "../db/dialect.ts";
import type { SqlValue } from "../db/sql.ts";
import { toFloat } from "../tools/types/cast.ts";
import { errRequired, type Rule, ValidationError } from "../tools/validation/validation.ts";
import { Field, type FieldJSON, FieldJSONReader, type RecordValidateContext } from "./field.ts";

export interface GeoPoint {
  lon: number;
  lat: number;
}

/** toGeoPoint reads `{lon, lat}` from an object or its JSON text; anything else is (0, 0). */
export function toGeoPoint(raw: unknown): GeoPoint {
  let v = raw;
  if (typeof v === "string" || v instanceof Uint8Array) {
    const text = typeof v === "string" ? v : new TextDecoder().decode(v);
    try {
      v = JSON.parse(text);
    } catch {
      v = null;
    }
  }
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return { lon: toFloat(o.lon), lat: toFloat(o.lat) };
  }
  return { lon: 0, lat: 0 };
}

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

  options(): Record<string, unknown> {
    return { required: this.required };
  }

  async validateValue({ record }: RecordValidateContext): Promise<ValidationError | null> {
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
