/** The module specifier hook files import Satchel's hook API by. */
export const apiModule = "satchel/hooks";

/** The source of that module, in Satchel's folder (a type check reads it, and what it imports). */
export const apiSource = "src/plugins/hooks/api.ts";
