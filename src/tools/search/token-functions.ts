import type { Dialect } from "../../db/dialect.ts";
import type { Token } from "./filter-scanner.ts";
import type { ResolverResult } from "./resolver-result.ts";

type ResolveArg = (arg: Token) => ResolverResult;
type TokenFunction = (args: Token[], resolve: ResolveArg, dialect: Dialect) => ResolverResult;

function paramsOf(results: ResolverResult[]) {
  return results.flatMap((r) => r.params ?? []);
}

/** The functions of the filter language. */
export const tokenFunctions: Readonly<Record<string, TokenFunction>> = {
  /** geoDistance(lonA, latA, lonB, latB): kilometres between two points (identifiers or numbers). */
  geoDistance(args, resolve, dialect) {
    if (args.length !== 4) throw new Error(`[geoDistance] expected 4 arguments, got ${args.length}`);
    const resolved = args.map((arg, i) => {
      if (arg.type !== "identifier" && arg.type !== "number")
        throw new Error(`[geoDistance] argument ${i} must be an identifier or number`);
      return resolve(arg);
    }) as [ResolverResult, ResolverResult, ResolverResult, ResolverResult];
    const [lonA, latA, lonB, latB] = resolved;
    return {
      sql: dialect.geoDistance(lonA.sql, latA.sql, lonB.sql, latB.sql),
      nullFallback: "disabled",
      params: paramsOf(resolved),
      type: "number",
    };
  },

  /** strftime(format, [time, modifiers...]): a formatted date; NULL becomes "". */
  strftime(args, resolve, dialect) {
    if (args.length < 1) throw new Error(`[strftime] expected at least 1 arguments, got ${args.length}`);
    if (args.length > 10) throw new Error(`[strftime] too many arguments (max allowed 10, got ${args.length})`);
    const [format, time, ...modifiers] = args as [Token, ...Token[]];
    if (format.type !== "text") throw new Error("[strftime] expects the first argument to be a format string");
    const formatResult = resolve(format);
    if (!time)
      return {
        sql: dialect.strftime([formatResult.sql]),
        nullFallback: "enforced",
        params: formatResult.params,
        type: "text",
      };
    if (time.type !== "text" && time.type !== "identifier" && time.type !== "number") {
      throw new Error("[strftime] expects the second argument to be of a valid time-value type");
    }
    const timeResult = resolve(time);
    const modifierResults = modifiers.map((m, i) => {
      if (m.type !== "text") throw new Error(`[strftime] invalid modifier argument ${i} - can be only string`);
      return resolve(m);
    });
    const rest = modifierResults.map((m) => m.sql);
    const result: ResolverResult = {
      sql: dialect.strftime([formatResult.sql, timeResult.sql, ...rest]),
      nullFallback: "enforced",
      params: paramsOf([formatResult, timeResult, ...modifierResults]),
      type: "text",
    };
    if (timeResult.multiMatch) {
      result.multiMatch = {
        ...timeResult.multiMatch,
        valueExpr: dialect.strftime([formatResult.sql, timeResult.multiMatch.valueExpr, ...rest]),
      };
    }
    return result;
  },
};
