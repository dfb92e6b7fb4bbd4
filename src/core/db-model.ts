/**
 * Model is what the save pipeline (db.ts) and the onModel* hooks see of a stored thing: records and
 * collections. `e.model instanceof RecordModel` (or Collection) tells which one a handler got.
 */
export interface Model {
  /** tableName is the table the model is stored in (a record's collection name, `_collections`). */
  tableName(): string;
  /** pk is the model's id. */
  pk(): string;
  /** lastSavedPk is the id the model is stored under ("" while new). */
  lastSavedPk(): string;
  /**
   * hookTags are what onModel* handlers bound to tags are matched against: a record's collection id and name,
   * the table name of others. The same array is returned while they don't change.
   */
  hookTags(): readonly string[];
  isNew(): boolean;
  markAsNew(): void;
  markAsNotNew(): void;
}
