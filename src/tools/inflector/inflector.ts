/** ucFirst upper-cases the first character. */
export function ucFirst(str: string): string {
  if (str === "") return "";
  const first = String.fromCodePoint(str.codePointAt(0) ?? 0);
  return first.toUpperCase() + str.slice(first.length);
}

/** sentenize trims, upper-cases the first letter and ends the text with a period unless it ends in . ? or !. */
export function sentenize(str: string): string {
  const s = str.trim();
  if (s === "") return "";
  const out = ucFirst(s);
  const last = out[out.length - 1];
  return last === "." || last === "?" || last === "!" ? out : `${out}.`;
}

/** snakecase turns "myFile Name-x" into "my_file_name_x". */
export function snakecase(str: string): string {
  const words = str.split(/[\W_]+/u).filter((w) => w !== "");
  const parts: string[] = [];
  for (const word of words) {
    let part = "";
    const chars = [...word];
    chars.forEach((c, i) => {
      const prev = chars[i - 1];
      if (i > 0 && isUpper(c) && prev !== undefined && !isUpper(prev)) part += "_";
      part += c;
    });
    parts.push(part);
  }
  return parts.join("_").toLowerCase();
}

function isUpper(c: string): boolean {
  return c !== c.toLowerCase() && c === c.toUpperCase();
}
