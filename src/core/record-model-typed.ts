import type { RecordModel } from "./record-model.ts";

/**
 * TypedRecordModel is a RecordModel whose `get` and `set` know a collection's fields, typed with the
 * `<Name>Record` that `satchel typegen` writes. A hook narrows its record to it:
 *
 *   const post = e.record as TypedRecordModel<PostsRecord>;
 *   post.get("title"); // string
 *   post.set("titel", "x"); // a compile error
 *
 * Between a request and the save a file field also holds the uploads (not only names), and a json field
 * holds its JSON text wrapped (typed `unknown`). Modifier keys (`tags+`) and getters such as
 * `password:hash` go through the plain RecordModel.
 */
export interface TypedRecordModel<T> extends RecordModel {
  get<K extends keyof T & string>(key: K): T[K];
  set<K extends keyof T & string>(key: K, value: T[K]): void;
}
