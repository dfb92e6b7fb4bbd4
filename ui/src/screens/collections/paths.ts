/** The dashboard paths of the collections' screens. */

/** editCollectionPath is the collection editor's path. */
export function editCollectionPath(name: string): string {
  return `/collections/${encodeURIComponent(name)}/edit`;
}

/** recordsPath is the path of a collection's records. */
export function recordsPath(name: string): string {
  return `/collections/${encodeURIComponent(name)}/records`;
}

/** recordPath is the path of one record, opened beside its collection's records. */
export function recordPath(collection: string, id: string): string {
  return `${recordsPath(collection)}?record=${encodeURIComponent(id)}`;
}

/** collectionPath is where a collection's entry in the sidebar leads: its records (the editor is a button away). */
export function collectionPath(name: string): string {
  return recordsPath(name);
}

/** newCollectionPath is the path of the form that creates a collection (of a type, or a copy of one). */
export function newCollectionPath(options: { type?: string; duplicate?: string } = {}): string {
  const query = new URLSearchParams();
  if (options.type) query.set("type", options.type);
  if (options.duplicate) query.set("duplicate", options.duplicate);
  return `/collections/new${query.size > 0 ? `?${query}` : ""}`;
}
