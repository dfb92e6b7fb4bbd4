import type { ChildNode, Element } from "domhandler";
import { parseDocument } from "htmlparser2";

// elements whose content is not text a reader wants
const skippedTags = new Set([
  "style",
  "script",
  "iframe",
  "applet",
  "object",
  "svg",
  "img",
  "button",
  "form",
  "textarea",
  "input",
  "select",
  "option",
  "template",
]);

// elements that don't start a new line
const inlineTags = new Set(["a", "span", "small", "strike", "strong", "sub", "sup", "em", "b", "u", "i"]);

// Go's `\s`: ASCII whitespace only (no-break spaces stay as they are)
const whitespace = /[\t\n\f\r ]+/g;

function isElement(n: ChildNode): n is Element {
  return n.type === "tag" || n.type === "script" || n.type === "style";
}

/**
 * htmlToText makes the plain-text alternative of an HTML mail: block elements start new lines (CRLF), `<br>`
 * always does, whitespace collapses, indentation goes, list items get "- ", links become `[text](href)`.
 */
export function htmlToText(html: string): string {
  const doc = parseDocument(html);
  const out = { text: "" };
  let canAddNewLine = false;

  const walk = (node: ChildNode, active: { text: string }): void => {
    const link = isElement(node) && node.name === "a" ? { text: "" } : null;
    const target = link ?? active;
    if (node.type === "text") {
      let text = node.data.replace(whitespace, " ");
      if (!canAddNewLine) text = text.replace(/^ +/, "");
      if (text !== "") {
        target.text += text;
        canAddNewLine = true;
      }
    } else if (isElement(node)) {
      if (node.name === "br" || (canAddNewLine && !inlineTags.has(node.name))) {
        target.text += "\r\n";
        canAddNewLine = false;
      }
      if (node.name === "li") target.text += "- ";
    }
    const children = "children" in node ? node.children : [];
    for (const child of children) {
      if (!isElement(child) || !skippedTags.has(child.name)) walk(child, target);
    }
    if (link && isElement(node)) {
      const label = link.text.trim() || "LINK";
      const href = node.attribs.href ?? "";
      out.text += `[${label}]${href !== "" ? `(${href})` : ""}`;
    }
  };

  for (const child of doc.children) walk(child, out);
  return out.text.trim();
}
