import type {
  CollectionModel,
  FieldModel,
  FilterModifier,
  IdentifierMacroName,
  RequestContext,
} from "../../api/wire.ts";

/**
 * What the filter editor knows of a collection: enough to walk field paths. A draft being edited in the
 * collection editor works as well as a saved collection.
 */
export interface SchemaCollection {
  id: string;
  name: string;
  type: CollectionModel["type"];
  system?: boolean;
  fields: readonly FieldModel[];
}

/** What a step of a path leads to. */
export type PathNode =
  /** a record of a collection; `body` for `@request.body`, whose fields take other modifiers */
  | { kind: "record"; collection: SchemaCollection; body?: boolean }
  /** `@request.auth`: a record of any auth collection */
  | { kind: "auth"; collections: SchemaCollection[] }
  | { kind: "request" }
  /** `@collection`: any collection by its name */
  | { kind: "collections" }
  | { kind: "geoPoint" }
  /** `@request.headers`: any header, a few common ones suggested */
  | { kind: "headers" }
  /** a JSON field or `@request.query`: any key, which the editor can't know */
  | { kind: "free" }
  /** a value that has no keys */
  | { kind: "value" };

/** What kind of thing a member is, which the suggestions show. */
export type MemberKind = "field" | "relation" | "backRelation" | "namespace" | "value";

/** A key that can follow a path (a field, a back-relation, a key of `@request`). */
export interface Member {
  name: string;
  kind: MemberKind;
  /** What it is, shown beside a suggestion ("text", "relation to users"). */
  detail: string;
  node: PathNode;
  /** The field it is, when it is one. */
  field?: FieldModel;
  /** The modifiers that apply at the end of a path through it. */
  modifiers: FilterModifier[];
  /** Values a comparison with it may use (a select's values, `@request.context`'s). */
  values?: readonly string[];
}

/** What each modifier does, as the suggestions explain it. */
export const modifierDetails = {
  each: "each item of a multiple value",
  length: "the number of items",
  lower: "the value in lower case",
  isset: "whether the request sent it",
  changed: "whether the request changes it",
} satisfies Record<FilterModifier, string>;

/** What each macro is, as the suggestions explain it (times are UTC). */
export const macroDetails = {
  "@now": "the current datetime",
  "@yesterday": "the datetime 24 hours ago",
  "@tomorrow": "the datetime in 24 hours",
  "@second": "the current second (0-59)",
  "@minute": "the current minute (0-59)",
  "@hour": "the current hour (0-23)",
  "@day": "the current day of the month",
  "@month": "the current month (1-12)",
  "@weekday": "the current weekday (0-6, Sunday first)",
  "@year": "the current year",
  "@todayStart": "the start of today",
  "@todayEnd": "the end of today",
  "@monthStart": "the start of this month",
  "@monthEnd": "the end of this month",
  "@yearStart": "the start of this year",
  "@yearEnd": "the end of this year",
} satisfies Record<IdentifierMacroName, string>;

/** The values of `@request.context`: what a rule is being checked for. */
const requestContexts = {
  default: "a plain API request",
  expand: "an expanded relation",
  realtime: "a realtime event",
  protectedFile: "a protected file download",
  batch: "a request of a batch",
  oauth2: "an OAuth2 sign-in",
  otp: "a one-time password sign-in",
  password: "a password sign-in",
} satisfies Record<RequestContext, string>;

const requestMethods = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"];

/** Headers a rule commonly reads (`@request.headers` keys are lower case, with `_` for `-`). */
const commonHeaders = ["authorization", "content_type", "origin", "referer", "user_agent", "x_forwarded_for"];

/** Fields a rule never reads: password hashes, and an auth collection's token keys. */
function isUnreadable(collection: SchemaCollection, field: FieldModel): boolean {
  return field.type === "password" || (collection.type === "auth" && field.name === "tokenKey");
}

function isMultiple(field: FieldModel): boolean {
  return (field.type === "select" || field.type === "relation" || field.type === "file") && field.maxSelect > 1;
}

const lowerable = new Set<FieldModel["type"]>(["text", "editor", "email", "url", "select"]);

function fieldModifiers(field: FieldModel, body: boolean): FilterModifier[] {
  const out: FilterModifier[] = body ? ["isset", "changed"] : [];
  if (isMultiple(field)) out.push("each", "length");
  if (lowerable.has(field.type) && !isMultiple(field)) out.push("lower");
  return out;
}

/**
 * FilterSchema answers what may follow a path in a rule or filter about one collection's records: its
 * fields, relations to follow, back-relations (`posts_via_author`), `@request.*` and `@collection.*`.
 */
export class FilterSchema {
  readonly collections: readonly SchemaCollection[];

  /** The target (a draft, maybe) stands in for its saved version, so relations to itself see its new fields. */
  constructor(
    collections: readonly SchemaCollection[],
    readonly target: SchemaCollection | null,
  ) {
    const saved = target ? collections.findIndex((c) => c.id === target.id && c.id !== "") : -1;
    if (!target) this.collections = collections;
    else if (saved === -1) this.collections = [...collections, target];
    else this.collections = collections.map((c, i) => (i === saved ? target : c));
  }

  find(nameOrId: string): SchemaCollection | undefined {
    return this.collections.find((c) => c.id === nameOrId) ?? this.collections.find((c) => c.name === nameOrId);
  }

  /** members lists the keys that may follow a path that leads to `node`. */
  members(node: PathNode): Member[] {
    switch (node.kind) {
      case "record":
        return this.#recordMembers(node.collection, node.body === true);
      case "auth":
        return this.#authMembers(node.collections);
      case "request":
        return this.#requestMembers();
      case "collections":
        return this.collections
          .filter((c) => !c.system)
          .map((c) => ({
            name: c.name,
            kind: "namespace",
            detail: `${c.type} collection`,
            node: { kind: "record", collection: c },
            modifiers: [],
          }));
      case "headers":
        return commonHeaders.map((name) => ({
          name,
          kind: "value",
          detail: "a request header",
          node: { kind: "value" },
          modifiers: [],
        }));
      case "geoPoint":
        return ["lon", "lat"].map((name) => ({
          name,
          kind: "field",
          detail: name === "lon" ? "longitude" : "latitude",
          node: { kind: "value" },
          modifiers: [],
        }));
      default:
        return [];
    }
  }

  /** member finds one key after a path (undefined when there is no such key, or when anything may follow). */
  member(node: PathNode, name: string): Member | undefined {
    return this.members(node).find((m) => m.name === name);
  }

  /** The node a path starts from: `@request`, `@collection`, or a record of the target for a plain field. */
  root(first: string): PathNode | null {
    if (first === "@request") return { kind: "request" };
    if (first === "@collection") return { kind: "collections" };
    if (first.startsWith("@")) return null;
    return this.target ? { kind: "record", collection: this.target } : null;
  }

  /**
   * resolve walks a path of keys (`["author", "team"]`) from a node and tells where it leads: a node, `free`
   * when anything may follow (a JSON field), or null when a key is unknown.
   */
  resolve(from: PathNode, keys: readonly string[]): PathNode | null {
    let node = from;
    for (const raw of keys) {
      if (node.kind === "free" || node.kind === "headers") return { kind: "free" };
      // `@collection.posts:alias` names the collection before the alias
      const key = node.kind === "collections" ? (raw.split(":")[0] ?? raw) : raw;
      const found = this.member(node, key);
      if (!found) return null;
      node = found.node;
    }
    return node;
  }

  /**
   * isKnown tells whether an identifier (`author.name`, `@request.auth.id`, `tags:each`) names something
   * that exists; anything the editor can't judge counts as known, so that only true mistakes are marked.
   */
  isKnown(identifier: string): boolean {
    if (identifier in macroDetails || identifier.startsWith("#") || /^(true|false|null)$/i.test(identifier))
      return true;
    const [first = "", ...rest] = identifier.split(".");
    const root = this.root(first);
    if (!root) return !this.target && !first.startsWith("@");
    const keys = first.startsWith("@") ? rest : [first, ...rest];
    const last = keys.pop();
    if (last === undefined) return true;
    const parent = this.resolve(root, keys);
    if (!parent) return false;
    if (parent.kind === "free" || parent.kind === "headers") return true;
    if (parent.kind === "auth" && parent.collections.length === 0) return true;
    const name = last.split(":")[0] ?? last;
    return this.members(parent).some((m) => m.name === name);
  }

  #recordMembers(collection: SchemaCollection, body: boolean): Member[] {
    const out: Member[] = [];
    for (const field of collection.fields) {
      if (isUnreadable(collection, field)) continue;
      out.push(this.#fieldMember(field, body));
    }
    if (!body) out.push(...this.#backRelations(collection));
    return out;
  }

  #fieldMember(field: FieldModel, body: boolean): Member {
    const modifiers = fieldModifiers(field, body);
    const base = { name: field.name, field, modifiers };
    switch (field.type) {
      case "relation": {
        const related = this.find(field.collectionId);
        return {
          ...base,
          kind: "relation",
          detail: `relation to ${related?.name ?? "a collection"}${isMultiple(field) ? " (multiple)" : ""}`,
          node: related ? { kind: "record", collection: related } : { kind: "free" },
        };
      }
      case "json":
        return { ...base, kind: "field", detail: "json", node: { kind: "free" } };
      case "geoPoint":
        return { ...base, kind: "field", detail: "geoPoint", node: { kind: "geoPoint" } };
      case "select":
        return {
          ...base,
          kind: "field",
          detail: isMultiple(field) ? "select (multiple)" : "select",
          node: { kind: "value" },
          values: field.values,
        };
      case "bool":
        return { ...base, kind: "field", detail: "bool", node: { kind: "value" }, values: ["true", "false"] };
      case "file":
        return {
          ...base,
          kind: "field",
          detail: isMultiple(field) ? "file (multiple)" : "file",
          node: { kind: "value" },
        };
      default:
        return { ...base, kind: "field", detail: field.type, node: { kind: "value" } };
    }
  }

  /** The back-relations into a collection: `<collection>_via_<relation field>` for every relation to it. */
  #backRelations(collection: SchemaCollection): Member[] {
    const out: Member[] = [];
    for (const ref of this.collections) {
      for (const field of ref.fields) {
        if (field.type !== "relation" || field.collectionId !== collection.id || collection.id === "") continue;
        out.push({
          name: `${ref.name}_via_${field.name}`,
          kind: "backRelation",
          detail: `${ref.name} records whose ${field.name} is this one`,
          node: { kind: "record", collection: ref },
          modifiers: [],
        });
      }
    }
    return out;
  }

  #authMembers(authCollections: SchemaCollection[]): Member[] {
    const out: Member[] = [
      { name: "id", kind: "field", detail: "the signed-in record's id", node: { kind: "value" }, modifiers: [] },
      {
        name: "collectionId",
        kind: "field",
        detail: "the id of its collection",
        node: { kind: "value" },
        modifiers: [],
      },
      {
        name: "collectionName",
        kind: "field",
        detail: "the name of its collection",
        node: { kind: "value" },
        modifiers: [],
        values: this.collections.filter((c) => c.type === "auth").map((c) => c.name),
      },
    ];
    const seen = new Set(out.map((m) => m.name));
    for (const c of authCollections) {
      for (const member of this.#recordMembers(c, false)) {
        if (member.kind === "backRelation" || seen.has(member.name)) continue;
        seen.add(member.name);
        out.push({ ...member, detail: `${member.detail} (${c.name})` });
      }
    }
    return out;
  }

  #requestMembers(): Member[] {
    const auth = this.collections.filter((c) => c.type === "auth" && !c.system);
    const value = { kind: "value" } as const;
    const out: Member[] = [
      {
        name: "context",
        kind: "value",
        detail: "what the rule is checked for",
        node: value,
        modifiers: [],
        values: Object.keys(requestContexts),
      },
      { name: "method", kind: "value", detail: "the HTTP method", node: value, modifiers: [], values: requestMethods },
      {
        name: "auth",
        kind: "namespace",
        detail: "the signed-in record",
        node: { kind: "auth", collections: auth },
        modifiers: [],
      },
      { name: "headers", kind: "namespace", detail: "the request's headers", node: { kind: "headers" }, modifiers: [] },
      { name: "query", kind: "namespace", detail: "the query parameters", node: { kind: "free" }, modifiers: [] },
    ];
    if (this.target) {
      out.push({
        name: "body",
        kind: "namespace",
        detail: "the submitted record data",
        node: { kind: "record", collection: this.target, body: true },
        modifiers: [],
      });
    }
    return out;
  }
}

/** requestContextDetail explains a value of `@request.context`. */
export function requestContextDetail(value: string): string | undefined {
  return (requestContexts as Record<string, string>)[value];
}
