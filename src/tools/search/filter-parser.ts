import { FilterScanner, FilterSyntaxError, type JoinOp, type SignOp, type Token } from "./filter-scanner.ts";

/** One comparison: `left op right`. */
export interface FilterExpr {
  left: Token;
  op: SignOp;
  right: Token;
}

/** A comparison or a parenthesized list, joined to what precedes it with `join`. */
export interface FilterGroup {
  join: JoinOp;
  item: FilterExpr | FilterGroup[];
}

const operandTypes = new Set(["identifier", "text", "number", "function"]);
/** Deeper nesting is refused: it only serves to make parsing (and the SQL) expensive. */
export const maxGroupDepth = 50;

/**
 * parseFilter turns filter text into a list of groups. `&&` and `||` are kept in order (SQL's AND-over-OR
 * precedence applies when the list is rendered), parentheses become nested lists.
 */
export function parseFilter(text: string, depth = 0): FilterGroup[] {
  if (depth > maxGroupDepth) throw new FilterSyntaxError(`too many nested parentheses (max ${maxGroupDepth})`);
  const result: FilterGroup[] = [];
  const scanner = new FilterScanner(text);
  let step: "left" | "sign" | "right" | "join" = "left";
  let join: JoinOp = "&&";
  let left: Token | null = null;
  let op: SignOp | null = null;
  while (true) {
    const t = scanner.scan();
    if (t.type === "eof") break;
    if (t.type === "whitespace" || t.type === "comment") continue;
    if (t.type === "group") {
      if (step !== "left") throw new FilterSyntaxError(`unexpected parenthesized group after ${describeStep(step)}`);
      const inner = parseFilter(t.literal, depth + 1);
      result.push({ join, item: inner });
      step = "join";
      continue;
    }
    switch (step) {
      case "left":
        if (!operandTypes.has(t.type))
          throw new FilterSyntaxError(
            `expected left operand (identifier, function, text or number), got ${JSON.stringify(t.literal)} (${t.type})`,
          );
        left = t;
        step = "sign";
        break;
      case "sign":
        if (t.type !== "sign")
          throw new FilterSyntaxError(`expected a sign operator, got ${JSON.stringify(t.literal)} (${t.type})`);
        op = t.literal as SignOp;
        step = "right";
        break;
      case "right":
        if (!operandTypes.has(t.type))
          throw new FilterSyntaxError(
            `expected right operand (identifier, function, text or number), got ${JSON.stringify(t.literal)} (${t.type})`,
          );
        result.push({ join, item: { left: left as Token, op: op as SignOp, right: t } });
        step = "join";
        break;
      case "join":
        if (t.type !== "join")
          throw new FilterSyntaxError(`expected && or ||, got ${JSON.stringify(t.literal)} (${t.type})`);
        join = t.literal as JoinOp;
        step = "left";
        break;
    }
  }
  if (step !== "join") {
    if (result.length === 0 && left === null) throw new FilterSyntaxError("empty filter expression");
    throw new FilterSyntaxError("invalid or incomplete filter expression");
  }
  return result;
}

function describeStep(step: "sign" | "right" | "join"): string {
  return step === "sign"
    ? "an operand (expected an operator)"
    : step === "right"
      ? "an operator (expected an operand)"
      : "an expression (expected && or ||)";
}

/** countExprs is the number of comparisons in a parsed filter (limits guard against huge filters). */
export function countExprs(groups: readonly FilterGroup[]): number {
  let n = 0;
  for (const g of groups) n += Array.isArray(g.item) ? countExprs(g.item) : 1;
  return n;
}
