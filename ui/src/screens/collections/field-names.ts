import type { FieldModel } from "../../api/wire.ts";

/** isMultiple tells a select, file or relation field that holds a list (maxSelect over 1). */
export function isMultiple(field: FieldModel): boolean {
  return (field.type === "select" || field.type === "file" || field.type === "relation") && field.maxSelect > 1;
}

/**
 * uniqueFieldName is `base`, or `base2`, `base3`... whichever no field has yet (names are compared
 * case-insensitively, as the server does).
 */
export function uniqueFieldName(fields: readonly { name: string }[], base: string): string {
  const taken = new Set(fields.map((f) => f.name.toLowerCase()));
  const numbered = /^(.*?)(\d+)$/.exec(base);
  const stem = numbered ? (numbered[1] ?? base) : base;
  let n = numbered ? Number(numbered[2]) : 1;
  let name = base;
  while (taken.has(name.toLowerCase())) {
    n++;
    name = `${stem}${n}`;
  }
  return name;
}
