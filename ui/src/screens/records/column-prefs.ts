import type { CollectionModel, FieldModel } from "../../api/wire.ts";
import { tableFields } from "./record-fields.ts";

/** Column choices are kept per collection in this browser, as PocketBase's dashboard keeps them. */
const storagePrefix = "satchel.columns.";

/** The columns shown or hidden by choice, by field id; a field without a choice shows unless it is hidden. */
export type ColumnChoices = Record<string, boolean>;

export function loadColumnChoices(collectionId: string): ColumnChoices {
  try {
    const raw = localStorage.getItem(storagePrefix + collectionId);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return typeof parsed === "object" && parsed !== null ? (parsed as ColumnChoices) : {};
  } catch {
    return {};
  }
}

export function saveColumnChoices(collectionId: string, choices: ColumnChoices): void {
  try {
    localStorage.setItem(storagePrefix + collectionId, JSON.stringify(choices));
  } catch {
    // storage full or refused: the choice lasts for this visit
  }
}

/** isShown tells whether a field's column shows, by choice or by default (fields hidden from the API don't). */
export function isShown(field: FieldModel, choices: ColumnChoices): boolean {
  return choices[field.id] ?? !field.hidden;
}

/** The columns the table can show, besides the id (which always shows). */
export function columnFields(collection: CollectionModel): FieldModel[] {
  return tableFields(collection).filter((f) => !(f.type === "text" && f.primaryKey));
}
