import { join, type Sql, sql } from "../../db/sql.ts";

/**
 * A compiled filter with its boolean structure kept, so that a caller can place each condition where it
 * reads (record search moves conditions on to-many joins into subqueries). `and`/`or` follow the filter's
 * `&&`/`||` with SQL's precedence (AND binds tighter).
 */
export type FilterTree = FilterAtom | { kind: "and" | "or"; items: FilterTree[] };

/** One condition: a comparison of the filter, or a condition a caller adds (a joined collection's rule). */
export interface FilterAtom {
  kind: "atom";
  sql: Sql;
  /**
   * The table aliases whose row being the all-NULL one (a LEFT JOIN that found nothing) makes this condition
   * not true for certain: those of the column operands of `>`, `<`, `~`, `!~` and of `=` with a non-empty
   * value, which are then NULL (and so is their negation).
   */
  nullRejects?: readonly string[];
  /** The condition is "the row under this alias is the missing one": `alias.id = '' OR alias.id IS NULL`. */
  nullRowOf?: string;
  /**
   * The condition is `left = right`: as written when `coalesced` is false, else with NULL and "" alike
   * (`COALESCE(left, '') = COALESCE(right, '')`).
   */
  equals?: { left: Sql; right: Sql; coalesced: boolean };
  /** A column equal to a non-empty text or number, or containing a text: few rows are likely to meet it. */
  selective?: boolean;
  /** A comparison with true or false, or a difference (`!=`, `!~`): most rows are likely to meet it. */
  broad?: boolean;
  /**
   * The comparison of a plain operator on a multi-valued path, beside its all-items check: that check reads
   * only the searched row and usually settles it first, so this one is best looked up row by row.
   */
  checked?: boolean;
  /** Two multi-valued operands compared item by item (a plain operator): the product of their items is read. */
  pairwise?: boolean;
}

/** renderFilterTree turns a tree back into one condition. */
export function renderFilterTree(t: FilterTree): Sql {
  if (t.kind === "atom") return t.sql;
  if (t.items.length === 1) return renderFilterTree(t.items[0] as FilterTree);
  return sql`(${join(t.items.map(renderFilterTree), t.kind === "and" ? " AND " : " OR ")})`;
}

/** comparesPairwise tells a tree holding a comparison of two multi-valued operands item by item. */
export function comparesPairwise(t: FilterTree): boolean {
  return t.kind === "atom" ? t.pairwise === true : t.items.some(comparesPairwise);
}
