import type { Dialect, ValueType } from "../db/dialect.ts";
import { findIndexLedBy, findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, raw, type Sql, type SqlValue, sql } from "../db/sql.ts";
import { textIn } from "../db/text-in.ts";
import { buildFilter, buildFilterTree } from "../tools/search/filter-sql.ts";
import { comparesPairwise, type FilterTree } from "../tools/search/filter-tree.ts";
import {
  type FieldResolver,
  type Join,
  type MultiMatchSubquery,
  nullResult,
  paramResult,
  type ResolverResult,
} from "../tools/search/resolver-result.ts";
import { castString, toUniqueStringList } from "../tools/types/cast.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import type { Field } from "./field.ts";
import { RelationField } from "./field-relation.ts";
import type { RequestInfo } from "./request-event.ts";

const maxNestedRels = 6;
const modifiers = ["each", "isset", "length", "lower", "changed"] as const;
/** A modifier of a field in a rule or filter (`tags:each`, `@request.body.title:changed`). */
export type FilterModifier = (typeof modifiers)[number];
type Modifier = FilterModifier | "";

const allowedFieldPatterns = [
  /^\w+[\w.:]*$/,
  /^@request\.context$/,
  /^@request\.method$/,
  /^@request\.auth\.[\w.:]*\w+$/,
  /^@request\.body\.[\w.:]*\w+$/,
  /^@request\.query\.[\w.:]*\w+$/,
  /^@request\.headers\.[\w.:]*\w+$/,
  /^@collection\.\w+(:\w+)?\.[\w.:]*\w+$/,
];

/** Auth fields read from the token's record itself, without a join. */
const plainAuthFields = new Set(["id", "collectionId", "collectionName", "email", "emailVisibility", "verified"]);
const viaPattern = /^(\w+)_via_(\w+)$/;

/** splitModifier separates `name:modifier`; an unknown modifier is an error. */
export function splitModifier(combined: string): [string, Modifier] {
  const parts = combined.split(":");
  if (parts.length !== 2) return [combined, ""];
  const [name = "", modifier = ""] = parts;
  if ((modifiers as readonly string[]).includes(modifier)) return [name, modifier as Modifier];
  throw new Error(`unknown modifier in ${JSON.stringify(combined)}`);
}

/** A join into another collection whose list rule must also hold for client filters. */
interface RuleJoin {
  collection: Collection;
  alias: string;
}

/**
 * How a back-relation join reached its rows: through `field`, which points back at the row under `alias`
 * (of collection `collectionId`). Following `field` forward from such a row leads back to that same row.
 */
interface BackLink {
  field: string;
  alias: string;
  collectionId: string;
}

export interface RecordFieldResolverOptions {
  /** Hidden fields may be used (rules, superusers); client filters of others may not. */
  allowHiddenFields: boolean;
  /** The alias of the base table (default: its name). */
  baseAlias?: string;
  /** The table the base rows come from when it isn't the collection's (the one-row CTE of a create rule). */
  baseTable?: string;
  /**
   * The base row's values are bound ones, compared without a column's affinity as SQLite compares them (a
   * create rule's CTE, as PocketBase writes it; a realtime snapshot's values stand for their columns instead).
   */
  boundValues?: boolean;
  /** Appended to join aliases, to keep the joins of a nested rule apart. */
  joinAliasSuffix?: string;
  /** For the rule of a joined collection: how its base row was joined, when through a single back-relation. */
  loopBack?: BackLink;
}

/**
 * RecordFieldResolver resolves the identifiers of filters and rules on a collection: fields, relation paths
 * (joins), back-relations, `@collection.*`, `@request.*` and the modifiers. It collects the joins the query
 * needs and, for non-superuser filters, the list rules of the collections it joins into.
 */
export class RecordFieldResolver implements FieldResolver {
  readonly dialect: Dialect;
  readonly joins: Join[] = [];
  readonly ruleJoins: RuleJoin[] = [];
  /** How the single back-relation joins (of the query and of its multi-match subqueries) were reached, by alias. */
  readonly backLinks = new Map<string, BackLink>();
  readonly staticInfo: Record<string, unknown>;
  /**
   * risky is set when a join can multiply rows without bound (back-relations, @collection): such queries
   * run isolated from the main thread, with the query timeout.
   */
  risky = false;
  /**
   * The back-relations that leave risky unset: single relation fields pointing at the searched row itself,
   * through an index they lead. Each of their rows points at one searched row, so a subquery that looks a
   * searched row's rows up through the index reads every row of the table once at most, as a scan would.
   * Two of them in one query may be compared item by item, so the query then counts as risky
   * (RecordSearch's isolation).
   */
  readonly indexedBackRelations = new Set<string>();

  /**
   * mayRunAway tells a query over `conditions` (built by this resolver) whose joins can multiply rows without
   * bound: a risky join, two indexed back-relations, or two multi-valued paths compared item by item. Such a
   * read runs isolated, within a deadline (a list's filter, a realtime subscriber's check).
   */
  mayRunAway(conditions: readonly FilterTree[]): boolean {
    return this.risky || this.indexedBackRelations.size > 1 || conditions.some(comparesPairwise);
  }

  constructor(
    readonly app: App,
    readonly base: Collection,
    readonly requestInfo: RequestInfo | null,
    readonly options: RecordFieldResolverOptions,
  ) {
    this.dialect = app.db.dialect;
    this.staticInfo = staticRequestInfo(requestInfo);
  }

  get baseAlias(): string {
    return this.options.baseAlias ?? this.base.name;
  }

  get suffix(): string {
    return this.options.joinAliasSuffix ?? "";
  }

  #suffixes = 0;

  /**
   * nextSuffix names the aliases of a nested rule's joins. It is a counter, not a random part, so that the
   * same request shape gives the same SQL text (and reuses its prepared statement).
   */
  nextSuffix(kind: string): string {
    return `${this.suffix}_${kind}${++this.#suffixes}`;
  }

  /**
   * guardMultiMatch makes the rows of a joined collection that its list rule hides from the requester
   * count for nothing in an all-items check, so client filters can't probe hidden rows through it.
   */
  guardMultiMatch(mm: MultiMatchSubquery, collection: Collection, alias: string): void {
    if (this.options.allowHiddenFields) return;
    const guard = this.joinedRule(collection, alias, "g");
    if (!guard) return;
    mm.where.push(guard.condition);
    mm.joins.push(...guard.joins);
  }

  /**
   * joinedRule is the list rule of a joined collection as a condition on its alias: it holds where the joined
   * row is missing (there is nothing to hide) or where the rule does. Its joins hang off the alias.
   */
  joinedRule(collection: Collection, alias: string, kind: "r" | "g"): { condition: FilterTree; joins: Join[] } | null {
    const rule = collection.listRule;
    if (!rule) return null;
    const loopBack = this.backLinks.get(alias);
    const nested = new RecordFieldResolver(this.app, collection, this.requestInfo, {
      allowHiddenFields: true,
      baseAlias: alias,
      joinAliasSuffix: this.nextSuffix(kind),
      ...(loopBack ? { loopBack } : {}),
    });
    const id = sql`${ident(alias)}.${ident("id")}`;
    const condition: FilterTree = {
      kind: "or",
      items: [
        { kind: "atom", sql: sql`(${id} = '' OR ${id} IS NULL)`, nullRowOf: alias },
        buildFilterTree(rule, nested),
      ],
    };
    this.risky ||= nested.risky;
    return { condition, joins: nested.joins };
  }

  resolve(identifier: string): ResolverResult {
    if (!allowedFieldPatterns.some((re) => re.test(identifier)))
      throw new Error(`failed to resolve field ${JSON.stringify(identifier)}`);
    return new FieldPath(this, identifier).run();
  }

  loadCollection(nameOrId: string): Collection {
    if (nameOrId === this.base.name || nameOrId === this.base.id) return this.base;
    const c = this.app.findCachedCollectionByNameOrId(nameOrId);
    if (!c) throw new Error(`missing collection ${JSON.stringify(nameOrId)}`);
    return c;
  }

  /** registerJoin adds (or replaces, by alias) a join; for client filters it also records the list rule to apply. */
  registerJoin(j: Join, collection: Collection | null): void {
    const alias = j.alias;
    if (!this.options.allowHiddenFields && collection) {
      if (collection.listRule === null) {
        throw new Error(
          `${JSON.stringify(collection.name)} fields can be accessed only when allowHiddenFields is enabled or by superusers`,
        );
      }
      const existing = this.ruleJoins.find((j) => j.alias === alias);
      if (existing) existing.collection = collection;
      else this.ruleJoins.push({ collection, alias });
    }
    const i = this.joins.findIndex((x) => x.alias === alias);
    if (i >= 0) this.joins[i] = j;
    else this.joins.push(j);
  }

  /**
   * queryParts are what the resolved identifiers need from the query: LEFT JOINs and extra conditions (the
   * joined collections' list rules: each holds where its joined row is missing, or where the rule holds).
   */
  queryParts(): { joins: Join[]; conditions: FilterTree[] } {
    const joins = [...this.joins];
    const conditions: FilterTree[] = [];
    if (!this.options.allowHiddenFields) {
      for (const rj of this.ruleJoins) {
        const rule = this.joinedRule(rj.collection, rj.alias, "r");
        if (!rule) continue;
        conditions.push(rule.condition);
        joins.push(...rule.joins);
      }
    }
    return { joins, conditions };
  }
}

/** staticRequestInfo is the request as `@request.*` sees it: the auth record fully exported. */
function staticRequestInfo(info: RequestInfo | null): Record<string, unknown> {
  if (!info) return {};
  let auth: Record<string, unknown> | null = null;
  if (info.auth) {
    const clone = info.auth.clone();
    clone.unhide(...clone.collection.fields.map((f) => f.name));
    clone.ignoreEmailVisibility = true;
    auth = JSON.parse(JSON.stringify(clone.publicExport())) as Record<string, unknown>;
  }
  return {
    context: info.context,
    method: info.method,
    query: info.query,
    headers: info.headers,
    body: info.body,
    auth,
  };
}

/** extractNested walks objects and arrays by keys; a missing key or index fails. */
function extractNested(data: unknown, keys: readonly string[]): { found: boolean; value: unknown } {
  let cur: unknown = data;
  for (const key of keys) {
    if (Array.isArray(cur)) {
      const i = /^\d+$/.test(key) ? Number(key) : -1;
      if (i < 0 || i >= cur.length) return { found: false, value: undefined };
      cur = cur[i];
    } else if (cur !== null && typeof cur === "object" && Object.hasOwn(cur, key)) {
      cur = (cur as Record<string, unknown>)[key];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: cur };
}

/** FieldPath resolves one identifier, walking its dot-separated parts. */
class FieldPath {
  props: string[];
  collectionName: string;
  alias: string;
  readonly nullifyMissing: boolean;
  withMultiMatch = false;
  mmAlias: string;
  readonly mm: MultiMatchSubquery;

  constructor(
    readonly r: RecordFieldResolver,
    readonly name: string,
  ) {
    this.props = name.split(".");
    this.collectionName = r.base.name;
    this.alias = r.baseAlias;
    this.nullifyMissing = this.props[0] === "@request";
    this.mm = {
      targetAlias: this.alias,
      fromTable: r.options.baseTable ?? r.base.name,
      fromAlias: `__mm_${this.alias}`,
      fromIsTarget: r.base.type !== "view",
      valueExpr: raw("NULL"),
      joins: [],
      where: [],
    };
    this.mmAlias = this.mm.fromAlias;
  }

  get d(): Dialect {
    return this.r.dialect;
  }

  col(alias: string, column: string): Sql {
    return sql`${ident(alias)}.${ident(column)}`;
  }

  run(): ResolverResult {
    const first = this.props[0];
    if (first === "@collection") return this.collectionField();
    if (first === "@request") {
      if (!this.r.requestInfo) return nullResult();
      if (this.name.startsWith("@request.auth.")) return this.authField();
      if (this.name.startsWith("@request.body.") && this.props.length > 2) {
        const [fieldName, modifier] = splitModifier(this.props[2] ?? "");
        const bodyField = this.r.base.fields.byName(fieldName);
        if (!bodyField) return this.staticField(this.props.slice(1));
        if (bodyField instanceof RelationField && this.props.length > 3) return this.bodyRelationField(bodyField);
        if (this.props.length === 3) {
          if (modifier === "each") return this.bodyEach(bodyField);
          if (modifier === "length") return this.bodyLength(bodyField);
          if (modifier === "lower") return this.bodyLower(bodyField);
          if (modifier === "changed") return this.bodyChanged(bodyField);
        }
      }
      return this.staticField(this.props.slice(1));
    }
    return this.walk();
  }

  /** staticField reads a value of the request (query, headers, body, auth, method, context) as a parameter. */
  staticField(path: string[]): ResolverResult {
    const last = path[path.length - 1] ?? "";
    const [prop, modifier] = splitModifier(last);
    const keys = [...path.slice(0, -1), prop];
    const { found, value: raw0 } = extractNested(this.r.staticInfo, keys);
    if (modifier === "isset") return { sql: raw(found ? "TRUE" : "FALSE"), kind: "bool", truth: true };
    let value: unknown = raw0;
    if (typeof value === "string") {
      const field = this.r.base.fields.byName(prop);
      if (field?.type === "number" && value.trim() !== "" && Number.isFinite(Number(value))) value = Number(value);
    } else if (value !== null && value !== undefined && typeof value !== "number" && typeof value !== "boolean") {
      value = castString(value) || JSON.stringify(value);
    }
    if (modifier !== "" && modifier !== "lower") throw new Error(`invalid modifier sequence ${prop}:${modifier}`);
    if (value === null || value === undefined) return nullResult();
    const param = typeof value === "boolean" ? (value ? 1 : 0) : (value as SqlValue);
    if (modifier === "lower") return { sql: sql`LOWER(${param})`, params: [param], type: "text" };
    return paramResult(param);
  }

  collectionField(): ResolverResult {
    if (this.props.length < 3) throw new Error(`invalid @collection field path in ${JSON.stringify(this.name)}`);
    const [nameOrId = "", aliasName = ""] = (this.props[1] ?? "").split(":", 2);
    const collection = this.r.loadCollection(nameOrId);
    this.collectionName = collection.name;
    this.alias = `${aliasName ? `__collection_alias_${aliasName}` : `__collection_${collection.name}`}${this.r.suffix}`;
    this.withMultiMatch = true;
    this.r.risky = true;
    this.r.registerJoin(
      { table: sql`${ident(collection.name)}`, alias: this.alias, on: null, parent: null },
      collection,
    );
    this.mmAlias = `__mm_${this.alias}`;
    this.mm.joins.push({ table: sql`${ident(collection.name)}`, alias: this.mmAlias, on: null, parent: null });
    this.r.guardMultiMatch(this.mm, collection, this.mmAlias);
    this.props = this.props.slice(2);
    return this.walk();
  }

  authField(): ResolverResult {
    const auth = this.r.requestInfo?.auth;
    if (!auth) return nullResult();
    if (plainAuthFields.has(this.props[2] ?? "") && this.props.length === 3)
      return this.staticField(this.props.slice(1));
    const collection = auth.collection;
    this.collectionName = collection.name;
    this.alias = `__auth_${collection.name}${this.r.suffix}`;
    this.r.registerJoin(
      {
        table: sql`${ident(collection.name)}`,
        alias: this.alias,
        on: sql`${this.col(this.alias, "id")} = ${auth.id}`,
        toOne: true,
        parent: null,
      },
      collection,
    );
    this.mmAlias = `__mm_${this.alias}`;
    this.mm.joins.push({
      table: sql`${ident(collection.name)}`,
      alias: this.mmAlias,
      on: sql`${this.col(this.mmAlias, "id")} = ${auth.id}`,
      toOne: true,
      parent: null,
    });
    this.props = this.props.slice(2);
    return this.walk();
  }

  bodyValue(field: Field): unknown {
    return this.r.requestInfo?.body[field.name];
  }

  bodyItems(field: Field): unknown[] {
    const v = this.bodyValue(field);
    if (v === null || v === undefined) return [];
    return Array.isArray(v) ? v : [v];
  }

  /** `@request.body.f:changed` is `@request.body.f:isset = true && @request.body.f != f`. */
  bodyChanged(field: Field): ResolverResult {
    const cond = buildFilter(
      `@request.body.${field.name}:isset = true && @request.body.${field.name} != ${field.name}`,
      this.r,
    );
    return { sql: sql`(${cond})`, nullFallback: "disabled", type: "bool" };
  }

  bodyLower(field: Field): ResolverResult {
    const v = castString(this.bodyValue(field));
    return { sql: sql`LOWER(${v})`, params: [v], type: "text" };
  }

  bodyLength(field: Field): ResolverResult {
    if (!isMultiValuer(field))
      throw new Error(`field ${JSON.stringify(field.name)} doesn't support multivalue operations`);
    return { sql: raw(String(this.bodyItems(field).length)), type: "number" };
  }

  bodyEach(field: Field): ResolverResult {
    if (!isMultiValuer(field))
      throw new Error(`field ${JSON.stringify(field.name)} doesn't support multivalue operations`);
    // typed as text, so that an engine with several json_each overloads knows which one
    const items = sql`CAST(${JSON.stringify(this.bodyItems(field))} AS TEXT)`;
    const jeAlias = `__dataEach_je_${field.name}${this.r.suffix}`;
    this.r.registerJoin({ table: this.r.dialect.jsonEach(items), alias: jeAlias, on: null, parent: null }, null);
    const result: ResolverResult = { sql: this.col(jeAlias, "value"), type: "text" };
    if (field.isMultiple()) this.withMultiMatch = true;
    if (this.withMultiMatch) {
      const jeAlias2 = `__mm_${jeAlias}`;
      this.mm.joins.push({ table: this.r.dialect.jsonEach(items), alias: jeAlias2, on: null, parent: null });
      this.mm.valueExpr = this.col(jeAlias2, "value");
      result.multiMatch = this.mm;
    }
    return result;
  }

  /** `@request.body.rel.field` joins the records whose ids were submitted. */
  bodyRelationField(field: RelationField): ResolverResult {
    const target = this.r.loadCollection(field.collectionId);
    const ids = toUniqueStringList(this.bodyValue(field));
    if (ids.length === 0) return nullResult();
    const inIds = (alias: string) => textIn(this.r.dialect, this.col(alias, "id"), ids);
    this.collectionName = target.name;
    this.alias = `__data_${target.name}_${field.name}${this.r.suffix}`;
    this.r.registerJoin(
      { table: sql`${ident(target.name)}`, alias: this.alias, on: inIds(this.alias), parent: null },
      target,
    );
    if (field.isMultiple()) this.withMultiMatch = true;
    this.mmAlias = `__mm_${this.alias}`;
    this.mm.joins.push({
      table: sql`${ident(target.name)}`,
      alias: this.mmAlias,
      on: inIds(this.mmAlias),
      parent: null,
    });
    this.r.guardMultiMatch(this.mm, target, this.mmAlias);
    this.props = this.props.slice(3);
    return this.walk();
  }

  /** walk follows the remaining parts: relations, back-relations and JSON paths, down to the last field. */
  walk(): ResolverResult {
    const total = this.props.length;
    for (let i = 0; i < total; i++) {
      const prop = this.props[i] as string;
      const collection = this.r.loadCollection(this.collectionName);
      if (i === total - 1) return this.finalize(collection, prop);
      const field = collection.fields.byName(prop);
      if (field?.hidden && !this.r.options.allowHiddenFields)
        throw new Error(`non-filterable field ${JSON.stringify(prop)}`);
      if (field && (field.type === "json" || field.type === "geoPoint"))
        return this.jsonPath(field, this.props.slice(i + 1));
      if (i >= maxNestedRels) throw new Error(`max nested relations reached for field ${JSON.stringify(prop)}`);
      if (!field) {
        const back = this.backRelation(collection, prop);
        if (back) continue;
        return nullResult();
      }
      if (!(field instanceof RelationField)) throw new Error(`field ${JSON.stringify(prop)} is not a valid relation`);
      const target = this.r.loadCollection(field.collectionId);
      if (!field.isMultiple() && i === total - 2 && this.props[i + 1] === "id")
        return this.finalize(collection, field.name);
      this.relation(field, target);
    }
    throw new Error(`failed to resolve field ${JSON.stringify(this.name)}`);
  }

  jsonPath(field: Field, rest: string[]): ResolverResult {
    const path = rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
    const result: ResolverResult = {
      sql: this.d.jsonExtract(this.col(this.alias, field.name), path),
      nullFallback: "disabled",
      type: "jsonValue",
    };
    if (this.withMultiMatch) {
      this.mm.valueExpr = this.d.jsonExtract(this.col(this.mmAlias, field.name), path);
      result.multiMatch = this.mm;
    }
    return result;
  }

  relation(field: RelationField, target: Collection): void {
    const prefixed = this.col(this.alias, field.name);
    const newAlias = `${this.alias}_${field.name}${this.r.suffix}`;
    // a view's ids need not be unique, a table's are
    const byKey = target.type !== "view";
    // following a single back-relation's field forward leads back to the row the back-relation came from
    const backTo = (alias: string): string | undefined => {
      const link = alias === this.r.baseAlias ? this.r.options.loopBack : this.r.backLinks.get(alias);
      return link && byKey && !field.isMultiple() && link.field === field.name && link.collectionId === target.id
        ? link.alias
        : undefined;
    };
    if (!field.isMultiple()) {
      const sameAs = backTo(this.alias);
      const own = this.col(newAlias, "id");
      this.r.registerJoin(
        {
          table: sql`${ident(target.name)}`,
          alias: newAlias,
          on: sql`${own} = ${prefixed}`,
          equals: [own, prefixed],
          toOne: byKey,
          parent: this.alias,
          ...(sameAs ? { sameAs } : {}),
        },
        target,
      );
    } else {
      const jeAlias = `__je_${newAlias}`;
      this.r.registerJoin({ table: this.d.jsonEach(prefixed), alias: jeAlias, on: null, parent: this.alias }, null);
      const own = this.col(newAlias, "id");
      const value = this.col(jeAlias, "value");
      this.r.registerJoin(
        {
          table: sql`${ident(target.name)}`,
          alias: newAlias,
          on: sql`${own} = ${value}`,
          equals: [own, value],
          toOne: byKey,
          parent: jeAlias,
        },
        target,
      );
      this.withMultiMatch = true;
    }
    this.collectionName = target.name;
    this.alias = newAlias;
    const newMm = `${this.mmAlias}_${field.name}`;
    const prefixed2 = this.col(this.mmAlias, field.name);
    if (!field.isMultiple()) {
      const sameAs = backTo(this.mmAlias);
      this.mm.joins.push({
        table: sql`${ident(target.name)}`,
        alias: newMm,
        on: sql`${this.col(newMm, "id")} = ${prefixed2}`,
        toOne: byKey,
        parent: this.mmAlias,
        ...(sameAs ? { sameAs } : {}),
      });
    } else {
      const je2 = `${this.mmAlias}_${field.name}_je`;
      this.mm.joins.push({ table: this.d.jsonEach(prefixed2), alias: je2, on: null, parent: this.mmAlias });
      this.mm.joins.push({
        table: sql`${ident(target.name)}`,
        alias: newMm,
        on: sql`${this.col(newMm, "id")} = ${this.col(je2, "value")}`,
        toOne: byKey,
        parent: je2,
      });
    }
    this.r.guardMultiMatch(this.mm, target, newMm);
    this.mmAlias = newMm;
  }

  /** backRelation joins `<collection>_via_<relField>`; it returns false when the name isn't one (and may be nulled). */
  backRelation(collection: Collection, prop: string): boolean {
    const m = viaPattern.exec(prop);
    const fail = (message: string): false => {
      if (this.nullifyMissing) return false;
      throw new Error(message);
    };
    if (!m) return fail(`failed to resolve field ${JSON.stringify(prop)}`);
    const backCollection = this.r.app.findCachedCollectionByNameOrId(m[1] ?? "");
    if (!backCollection) return fail(`failed to load back relation field ${JSON.stringify(prop)} collection`);
    const backField = backCollection.fields.byName(m[2] ?? "");
    if (!backField) return fail(`missing back relation field ${JSON.stringify(m[2])}`);
    if (!(backField instanceof RelationField)) return fail(`invalid back relation field ${JSON.stringify(m[2])}`);
    if (backField.hidden && !this.r.options.allowHiddenFields)
      throw new Error(`non-filterable back relation field ${JSON.stringify(backField.name)}`);
    if (backField.collectionId !== collection.id)
      return fail(`invalid collection reference of a back relation field ${JSON.stringify(backField.name)}`);

    const newAlias = `${this.alias}_${prop}${this.r.suffix}`;
    const multiple = backField.isMultiple();
    const indexed =
      !multiple &&
      this.alias === this.r.baseAlias &&
      this.r.options.baseAlias === undefined &&
      collection.type !== "view" &&
      findIndexLedBy(backCollection.indexes, backField.name) !== null;
    if (indexed) this.r.indexedBackRelations.add(newAlias);
    else this.r.risky = true;
    const on = (alias: string, from: string) =>
      multiple
        ? sql`${this.col(from, "id")} IN (SELECT ${this.col(`__je_${alias}`, "value")} FROM ${this.d.jsonEach(this.col(alias, backField.name))} ${ident(`__je_${alias}`)})`
        : sql`${this.col(alias, backField.name)} = ${this.col(from, "id")}`;
    // a single back-relation under a UNIQUE index points back from one row at most
    const toOne = !multiple && findSingleColumnUniqueIndex(backCollection.indexes, backField.name) !== null;
    this.r.registerJoin(
      {
        table: sql`${ident(backCollection.name)}`,
        alias: newAlias,
        on: on(newAlias, this.alias),
        ...(multiple ? {} : { equals: [this.col(newAlias, backField.name), this.col(this.alias, "id")] as const }),
        toOne,
        parent: this.alias,
      },
      backCollection,
    );
    // following a single back-relation's field forward leads back to the row it came from (ids are unique
    // in a table, not in a view)
    const link = (alias: string): BackLink | undefined =>
      multiple || collection.type === "view"
        ? undefined
        : { field: backField.name, alias, collectionId: collection.id };
    const backLink = link(this.alias);
    if (backLink) this.r.backLinks.set(newAlias, backLink);
    if (!toOne) this.withMultiMatch = true;
    const newMm = `${this.mmAlias}_${prop}${this.r.suffix}`;
    this.mm.joins.push({
      table: sql`${ident(backCollection.name)}`,
      alias: newMm,
      on: on(newMm, this.mmAlias),
      toOne,
      parent: this.mmAlias,
    });
    const mmBackLink = link(this.mmAlias);
    if (mmBackLink) this.r.backLinks.set(newMm, mmBackLink);
    this.r.guardMultiMatch(this.mm, backCollection, newMm);
    this.collectionName = backCollection.name;
    this.alias = newAlias;
    this.mmAlias = newMm;
    return true;
  }

  finalize(collection: Collection, prop: string): ResolverResult {
    const [name, modifier] = splitModifier(prop);
    const field = collection.fields.byName(name);
    if (!field) {
      if (this.nullifyMissing) return nullResult();
      throw new Error(`unknown field ${JSON.stringify(name)}`);
    }
    if (field.hidden && !this.r.options.allowHiddenFields)
      throw new Error(`non-filterable field ${JSON.stringify(name)}`);
    const column = this.col(this.alias, field.name);
    const mmColumn = this.col(this.mmAlias, field.name);
    const multi = isMultiValuer(field);

    if (modifier === "length" && multi) {
      const result: ResolverResult = { sql: this.d.jsonLength(column), type: "number" };
      if (this.withMultiMatch) {
        this.mm.valueExpr = this.d.jsonLength(mmColumn);
        result.multiMatch = this.mm;
      }
      return result;
    }
    if (modifier === "each" && multi) {
      const jeAlias = `__je_${this.alias}_${field.name}${this.r.suffix}`;
      this.r.registerJoin({ table: this.d.jsonEach(column), alias: jeAlias, on: null, parent: this.alias }, null);
      const result: ResolverResult = { sql: this.col(jeAlias, "value"), type: "text", itemsOf: column };
      if (field.isMultiple()) this.withMultiMatch = true;
      if (this.withMultiMatch) {
        const je2 = `__je_${this.mmAlias}_${field.name}${this.r.suffix}`;
        this.mm.joins.push({ table: this.d.jsonEach(mmColumn), alias: je2, on: null, parent: this.mmAlias });
        this.mm.valueExpr = this.col(je2, "value");
        result.multiMatch = this.mm;
      }
      return result;
    }

    const own = this.alias === this.r.baseAlias;
    // a create's values are bound ones, which on SQLite have no column's affinity to convert the other operand
    const result: ResolverResult = { sql: column, type: valueType(field), column: !own || !this.r.options.boundValues };
    // a view's columns may hold NULL whatever their field (its query makes them)
    if (collection.type !== "view") {
      if (own) result.notNull = true;
      else result.nullWhenMissing = this.alias;
    }
    if (this.withMultiMatch) {
      this.mm.valueExpr = mmColumn;
      result.multiMatch = this.mm;
    }
    if (field.name === "email" && !this.r.options.allowHiddenFields && collection.type === "auth") {
      const visible = sql`${this.col(this.alias, "emailVisibility")} = TRUE`;
      result.afterBuild = (expr) => sql`(${expr} AND ${visible})`;
    }
    if (field.type === "json") {
      result.nullFallback = "disabled";
      result.type = "jsonValue";
      result.column = false;
      result.sql = this.d.jsonExtract(column, "");
      if (this.withMultiMatch) this.mm.valueExpr = this.d.jsonExtract(mmColumn, "");
    }
    if (modifier === "lower") {
      result.type = "text";
      result.column = false;
      result.sql = sql`LOWER(${result.sql})`;
      if (this.withMultiMatch) this.mm.valueExpr = sql`LOWER(${this.mm.valueExpr})`;
    }
    return result;
  }
}

/** Fields whose values may be lists (select, relation, file): the ones `:each` and `:length` apply to. */
function isMultiValuer(field: Field): boolean {
  return field.type === "select" || field.type === "relation" || field.type === "file";
}

/** valueType is what a field's column holds, for comparisons (Dialect.compare). */
function valueType(field: Field): ValueType {
  switch (field.columnKind()) {
    case "number":
      return "number";
    case "bool":
      return "bool";
    case "json":
      return "jsonValue";
    case "jsonArray":
    case "geoPoint":
      return "json";
    default:
      return "text";
  }
}
