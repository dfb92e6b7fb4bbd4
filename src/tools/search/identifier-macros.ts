import { formatDateTime } from "../types/datetime.ts";

/** The names of the `@now`-style macros. */
export type IdentifierMacroName =
  | "@now"
  | "@yesterday"
  | "@tomorrow"
  | "@second"
  | "@minute"
  | "@hour"
  | "@day"
  | "@month"
  | "@weekday"
  | "@year"
  | "@todayStart"
  | "@todayEnd"
  | "@monthStart"
  | "@monthEnd"
  | "@yearStart"
  | "@yearEnd";

type Macro = () => string | number;

/** The `@now`-style macros: dates in the storage format, date parts as numbers, all in UTC. */
export const identifierMacros: Readonly<Record<string, Macro>> = {
  "@now": () => formatDateTime(new Date()),
  "@yesterday": () => formatDateTime(shiftDays(new Date(), -1)),
  "@tomorrow": () => formatDateTime(shiftDays(new Date(), 1)),
  "@second": () => new Date().getUTCSeconds(),
  "@minute": () => new Date().getUTCMinutes(),
  "@hour": () => new Date().getUTCHours(),
  "@day": () => new Date().getUTCDate(),
  "@month": () => new Date().getUTCMonth() + 1,
  "@weekday": () => new Date().getUTCDay(),
  "@year": () => new Date().getUTCFullYear(),
  "@todayStart": () => formatDateTime(utcDay(0)),
  "@todayEnd": () => formatDateTime(utcDay(1, -1)),
  "@monthStart": () => formatDateTime(utcMonth(0)),
  "@monthEnd": () => formatDateTime(new Date(utcMonth(1).getTime() - 1)),
  "@yearStart": () => formatDateTime(new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1))),
  "@yearEnd": () => formatDateTime(new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1) - 1)),
} satisfies Record<IdentifierMacroName, Macro>;

function shiftDays(d: Date, days: number): Date {
  const out = new Date(d);
  out.setUTCDate(out.getUTCDate() + days);
  return out;
}

/** The start of the UTC day `days` from today, plus a millisecond offset. */
function utcDay(days: number, ms = 0): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days) + ms);
}

function utcMonth(months: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 1));
}
