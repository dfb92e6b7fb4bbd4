import type { Dialect } from "./dialect.ts";
import { join, type Sql, sql } from "./sql.ts";

/**
 * The most values an IN list gets a parameter each. Lists up to it keep the statements they always had;
 * a longer one (a relation given tens of thousands of ids) goes as one parameter, which no engine refuses.
 */
export const inlineTextValues = 1000;

/** textIn is `expr IN (values)` for any number of texts. */
export function textIn(dialect: Dialect, expr: Sql, values: readonly string[]): Sql {
  if (values.length > inlineTextValues) return dialect.inTextList(expr, values);
  return sql`${expr} IN (${join(
    values.map((v) => sql`${v}`),
    ", ",
  )})`;
}
