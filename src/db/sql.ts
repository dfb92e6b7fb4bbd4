/** A value that can be bound as a statement parameter on every engine. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** An identifier (table, column, index name), quoted by the dialect when rendered. */
export class Identifier {
  constructor(readonly name: string) {}
}

type SqlPart = string | Identifier | Sql | { readonly value: SqlValue };

/**
 * Sql is an engine-neutral statement fragment: text, identifiers and bound values. A dialect renders it
 * to the engine's text and parameter list; values are never spliced into the text.
 */
export class Sql {
  constructor(readonly parts: readonly SqlPart[]) {}

  /** append concatenates fragments into a new one. */
  append(...others: (Sql | string)[]): Sql {
    return new Sql([...this.parts, ...others]);
  }
}

/** sql is the tagged template for fragments: interpolated values become parameters. */
export function sql(strings: TemplateStringsArray, ...values: (SqlValue | Sql | Identifier)[]): Sql {
  const parts: SqlPart[] = [];
  strings.forEach((s, i) => {
    if (s !== "") parts.push(s);
    if (i < values.length) {
      const v = values[i] as SqlValue | Sql | Identifier;
      parts.push(v instanceof Sql || v instanceof Identifier ? v : { value: v });
    }
  });
  return new Sql(parts);
}

export function ident(name: string): Identifier {
  return new Identifier(name);
}

/** raw is trusted SQL text (never user input). */
export function raw(text: string): Sql {
  return new Sql([text]);
}

/** param is a single bound value. */
export function param(value: SqlValue): Sql {
  return new Sql([{ value }]);
}

export function join(items: readonly (Sql | Identifier)[], separator: string): Sql {
  const parts: SqlPart[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(separator);
    parts.push(item);
  });
  return new Sql(parts);
}

/** Rendered text and parameters, ready for a driver. */
export interface Statement {
  readonly text: string;
  readonly params: SqlValue[];
}

/** renderSql flattens a fragment with the given quoting and placeholder functions. */
export function renderSql(
  fragment: Sql,
  quote: (name: string) => string,
  placeholder: (index: number) => string,
): Statement {
  let text = "";
  const params: SqlValue[] = [];
  const walk = (f: Sql): void => {
    for (const p of f.parts) {
      if (typeof p === "string") text += p;
      else if (p instanceof Identifier) text += quote(p.name);
      else if (p instanceof Sql) walk(p);
      else {
        params.push(p.value);
        text += placeholder(params.length);
      }
    }
  };
  walk(fragment);
  return { text, params };
}

/** mapParams returns the fragment with every bound value passed through fn (identifiers and text untouched). */
export function mapParams(fragment: Sql, fn: (value: SqlValue) => SqlValue): Sql {
  return new Sql(
    fragment.parts.map((p) => {
      if (typeof p === "string" || p instanceof Identifier) return p;
      if (p instanceof Sql) return mapParams(p, fn);
      return { value: fn(p.value) };
    }),
  );
}

/** paramsOf lists the values bound in a fragment, in order. */
export function paramsOf(fragment: Sql): SqlValue[] {
  const out: SqlValue[] = [];
  for (const p of fragment.parts) {
    if (typeof p === "string" || p instanceof Identifier) continue;
    if (p instanceof Sql) out.push(...paramsOf(p));
    else out.push(p.value);
  }
  return out;
}
