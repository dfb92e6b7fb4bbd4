import type { Collection } from "../../core/collection-model.ts";
import { isPlainObject, type JsonObject } from "../../tools/types/merge.ts";
import { apiModule } from "./loader.ts";

/**
 * The TypeScript migration files `satchel migrate` writes: a blank one, a snapshot of every collection, and
 * the automigrate files of one collection change (create, update as a diff, delete) or of an import.
 * Collections are written as their API JSON without timestamps, token secrets or OAuth2 providers (secrets
 * stay out of files meant for version control; each data directory keeps its own).
 */

/** migrationJSON is a collection's JSON as a migration file records it. */
export function migrationJSON(collection: Collection): JsonObject {
  const json = collection.toJSON();
  delete json.created;
  delete json.updated;
  if (isPlainObject(json.oauth2)) {
    const { providers: _, ...oauth2 } = json.oauth2;
    json.oauth2 = oauth2;
  }
  return json;
}

/** literal writes a value as a TypeScript literal, indented to sit at `indent` spaces. */
function literal(value: unknown, indent: number): string {
  return JSON.stringify(value, null, 2).replaceAll("\n", `\n${" ".repeat(indent)}`);
}

function imports(...names: string[]): string {
  return `import { ${[...names].sort().join(", ")} } from "${apiModule}";\n`;
}

/** migrationFile lays out `export default migrate(up, down)` from the bodies of both functions. */
function migrationFile(names: readonly string[], up: readonly string[], down: readonly string[] | null): string {
  const body = (lines: readonly string[]) => lines.map((l) => (l === "" ? "" : `    ${l}`)).join("\n");
  const downPart = down ? `  async (app) => {\n${body(down)}\n  },\n` : "";
  return `${imports("migrate", ...names)}\nexport default migrate(\n  async (app) => {\n${body(up)}\n  },\n${downPart});\n`;
}

/** blankTemplate is `satchel migrate create NAME`'s file. */
export function blankTemplate(): string {
  return migrationFile([], ["// add up queries..."], ["// add down queries..."]);
}

/** snapshotTemplate imports every collection as it is now (`satchel migrate collections`); it has no down. */
export function snapshotTemplate(collections: readonly Collection[]): string {
  const snapshot = collections.map(migrationJSON);
  return migrationFile(
    [],
    [`const snapshot = ${literal(snapshot, 4)};`, "", "await app.importCollections(snapshot, false);"],
    null,
  );
}

const createLines = (c: Collection) => [
  `const collection = Collection.fromJSON(${literal(migrationJSON(c), 4)});`,
  "",
  "await app.saveCollection(collection);",
];

const deleteLines = (c: Collection) => [
  `const collection = await app.findCollectionByNameOrId(${JSON.stringify(c.id)});`,
  "",
  "await app.deleteCollection(collection);",
];

export function createTemplate(c: Collection): string {
  return migrationFile(["Collection"], createLines(c), deleteLines(c));
}

export function deleteTemplate(c: Collection): string {
  return migrationFile(["Collection"], deleteLines(c), createLines(c));
}

/**
 * diffTemplate is the automigrate file of one collection change: created (no `before`), deleted (no
 * `after`) or updated (the changed keys and fields both ways). It is null when nothing changed.
 */
export function diffTemplate(after: Collection | null, before: Collection | null): string | null {
  if (!after && !before) throw new Error("diffTemplate needs a collection before or after the change");
  if (!after && before) return deleteTemplate(before);
  if (after && !before) return createTemplate(after);
  if (!after || !before) return null;
  const up = updateLines(before, after);
  const down = updateLines(after, before);
  if (up.length === 0 && down.length === 0) return null;
  const wrap = (id: string, lines: string[]) => [
    `const collection = await app.findCollectionByNameOrId(${JSON.stringify(id)});`,
    "",
    ...lines,
    "await app.saveCollection(collection);",
  ];
  const usesFields = [...up, ...down].some((l) => l.includes("fieldFromJSON("));
  return migrationFile(usesFields ? ["fieldFromJSON"] : [], wrap(before.id, up), wrap(after.id, down));
}

/**
 * importTemplate is the automigrate file of a collections import: the whole schema after it (up) and
 * before it (down), each imported with deleteMissing so that it lands exactly.
 */
export function importTemplate(after: readonly Collection[], before: readonly Collection[]): string | null {
  const a = after.map(migrationJSON);
  const b = before.map(migrationJSON);
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  const lines = (snapshot: JsonObject[]) => [
    `const snapshot = ${literal(snapshot, 4)};`,
    "",
    "await app.importCollections(snapshot, true);",
  ];
  return migrationFile([], lines(a), lines(b));
}

/**
 * updateLines are the statements that turn `from` into `to`: the changed collection keys, then the removed
 * fields, then every field that is new, changed or out of place, put at its index in `to`. Applied in that
 * order they leave the fields exactly in `to`'s order.
 */
function updateLines(from: Collection, to: Collection): string[] {
  const lines: string[] = [];
  const fromJson = migrationJSON(from);
  const toJson = migrationJSON(to);
  const changes = diffObjects(fromJson, toJson, ["fields"]);
  if (Object.keys(changes).length > 0) {
    lines.push("// update collection data", `collection.applyJSON(${literal(changes, 4)});`, "");
  }

  const toIds = new Set(to.fields.map((f) => f.id));
  const order = from.fields.map((f) => f.id).filter((id) => toIds.has(id));
  for (const f of from.fields) {
    if (toIds.has(f.id)) continue;
    lines.push("// remove field", `collection.fields.removeById(${JSON.stringify(f.id)});`, "");
  }
  const fromFields = new Map(from.fields.map((f) => [f.id, JSON.stringify(f.toJSON())]));
  to.fields.forEach((f, i) => {
    const json = f.toJSON();
    const before = fromFields.get(f.id);
    const changed = before !== undefined && before !== JSON.stringify(json);
    if (before !== undefined && !changed && order[i] === f.id) return;
    const comment = before === undefined ? "// add field" : changed ? "// update field" : "// move field";
    lines.push(comment, `collection.fields.addAt(${i}, fieldFromJSON(${literal(json, 4)}));`, "");
    const at = order.indexOf(f.id);
    if (at >= 0) order.splice(at, 1);
    order.splice(i, 0, f.id);
  });
  return lines;
}

/**
 * diffObjects lists the keys whose values differ from `from` to `to` (objects recursively, only their
 * changed keys); a key `to` lacks is set to null.
 */
function diffObjects(from: JsonObject, to: JsonObject, exclude: readonly string[] = []): JsonObject {
  const diff: JsonObject = {};
  for (const [k, v] of Object.entries(to)) {
    if (exclude.includes(k)) continue;
    const old = from[k];
    if (JSON.stringify(old) === JSON.stringify(v)) continue;
    if (isPlainObject(old) && isPlainObject(v)) {
      const sub = diffObjects(old, v);
      if (Object.keys(sub).length > 0) diff[k] = sub;
    } else {
      diff[k] = v;
    }
  }
  for (const k of Object.keys(from)) if (!exclude.includes(k) && !(k in to)) diff[k] = null;
  return diff;
}
