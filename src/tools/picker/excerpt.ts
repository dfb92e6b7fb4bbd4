import { type ChildNode, isTag, isText } from "domhandler";
import { parseDocument } from "htmlparser2";

const excludedTags = new Set([
  "head",
  "style",
  "script",
  "iframe",
  "embed",
  "applet",
  "object",
  "svg",
  "img",
  "picture",
  "dialog",
  "template",
  "button",
  "form",
  "textarea",
  "input",
  "select",
  "option",
]);
const inlineTags = new Set([
  "a",
  "abbr",
  "acronym",
  "b",
  "bdo",
  "big",
  "br",
  "button",
  "cite",
  "code",
  "em",
  "i",
  "label",
  "q",
  "small",
  "span",
  "strong",
  "strike",
  "sub",
  "sup",
  "time",
]);

/**
 * excerpt turns HTML into plain text (block elements separated by spaces, whitespace collapsed, scripts,
 * media and form controls dropped) cut to about `max` characters, with "..." when cut and asked for.
 */
export function excerpt(html: string, max: number, withEllipsis: boolean): string {
  let out = "";
  let prevSpace = false;
  const walk = (nodes: ChildNode[]): void => {
    for (const n of nodes) {
      if (out.length > max + 2) return;
      if (isText(n)) {
        let text = n.data.replace(/\s+/g, " ");
        if (prevSpace) text = text.replace(/^ +/, "");
        if (text !== "") {
          prevSpace = text.endsWith(" ");
          out += text;
        }
        continue;
      }
      if (!isTag(n)) {
        if ("children" in n) walk((n as { children: ChildNode[] }).children);
        continue;
      }
      if (excludedTags.has(n.name)) continue;
      const block = !inlineTags.has(n.name);
      if (block && !prevSpace) {
        out += " ";
        prevSpace = true;
      }
      walk(n.children);
      if (block && !prevSpace) {
        out += " ";
        prevSpace = true;
      }
    }
  };
  walk(parseDocument(html).children);
  let result = out.trim();
  const chars = [...result];
  if (chars.length > max) {
    result = chars.slice(0, max).join("").trim();
    if (withEllipsis) result += "...";
  }
  return result;
}
