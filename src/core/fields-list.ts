import type { Field } from "./field.ts";

/** crc32 of a string as the unsigned decimal text PocketBase puts in generated ids. */
export function crc32Checksum(s: string): string {
  return String(Bun.hash.crc32(s) >>> 0);
}

/** FieldsList is a collection's ordered fields, with lookups by name and id. */
export class FieldsList extends Array<Field> {
  static override get [Symbol.species]() {
    return Array;
  }

  static fromFields(fields: Iterable<Field>): FieldsList {
    const list = new FieldsList();
    for (const f of fields) list.add(f);
    return list;
  }

  byName(name: string): Field | undefined {
    for (const f of this) if (f.name === name) return f;
    return undefined;
  }

  byId(id: string): Field | undefined {
    for (const f of this) if (f.id === id) return f;
    return undefined;
  }

  names(): string[] {
    return this.map((f) => f.name);
  }

  /**
   * add appends a field, or replaces the one with the same id. A field without id gets
   * `type + crc32(name)` (made unique) and replaces a field with the same name.
   */
  add(field: Field): void {
    if (field.id === "") {
      const base = field.type + crc32Checksum(field.name);
      let id = base;
      for (let i = 2; i < 1000 && this.byId(id); i++) id = base + i;
      field.id = id;
      const sameName = field.name === "" ? -1 : this.findIndex((f) => f.name === field.name);
      if (sameName >= 0) {
        field.id = (this[sameName] as Field).id;
        this[sameName] = field;
        return;
      }
    } else {
      const sameId = this.findIndex((f) => f.id === field.id);
      if (sameId >= 0) {
        this[sameId] = field;
        return;
      }
    }
    this.push(field);
  }

  /** removeById removes the field with the given id (nothing when there is none). */
  removeById(id: string): void {
    const i = this.findIndex((f) => f.id === id);
    if (i >= 0) this.splice(i, 1);
  }

  /**
   * addAt puts a field at a position (clamped to the list): a field with the same id moves there and is
   * replaced; a field without id gets one as in add.
   */
  addAt(index: number, field: Field): void {
    if (field.id === "") this.add(field);
    else this.removeById(field.id);
    const at = this.indexOf(field);
    if (at >= 0) this.splice(at, 1);
    this.splice(Math.max(0, Math.min(index, this.length)), 0, field);
  }
}
