export const randomSortKey = "@random";
export const rowidSortKey = "@rowid";
export const maxSortFields = 8;
export const maxSortFieldLength = 255;

export interface SortField {
  name: string;
  direction: "ASC" | "DESC";
}

/** parseSort reads `-created,+title,name` (`-` descending, `+` or nothing ascending). */
export function parseSort(raw: string): SortField[] {
  return raw.split(",").map((part) => {
    const field = part.trim();
    if (field.startsWith("-")) return { name: field.slice(1), direction: "DESC" };
    return { name: field.startsWith("+") ? field.slice(1) : field, direction: "ASC" };
  });
}
