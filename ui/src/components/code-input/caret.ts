/** The styles that decide where a textarea's text wraps and where its characters sit. */
const mirrored = [
  "boxSizing",
  "width",
  "borderTopWidth",
  "borderRightWidth",
  "borderBottomWidth",
  "borderLeftWidth",
  "paddingTop",
  "paddingRight",
  "paddingBottom",
  "paddingLeft",
  "fontFamily",
  "fontSize",
  "fontWeight",
  "fontStyle",
  "letterSpacing",
  "lineHeight",
  "tabSize",
  "whiteSpace",
  "wordBreak",
  "overflowWrap",
] as const;

export interface CaretPosition {
  /** From the textarea's top-left corner, its scrolling taken into account. */
  top: number;
  left: number;
  /** The height of a line. */
  height: number;
}

/**
 * caretPosition measures where a character offset of a textarea's text is drawn, by laying the text out
 * in a hidden copy of the textarea and measuring a marker put at that offset.
 */
export function caretPosition(textarea: HTMLTextAreaElement, offset: number): CaretPosition {
  const style = getComputedStyle(textarea);
  const mirror = document.createElement("div");
  for (const key of mirrored) mirror.style[key] = style[key];
  mirror.style.position = "absolute";
  mirror.style.visibility = "hidden";
  mirror.style.top = "0";
  mirror.style.left = "-9999px";
  mirror.style.overflow = "hidden";
  mirror.style.height = "auto";
  mirror.textContent = textarea.value.slice(0, offset);
  const marker = document.createElement("span");
  marker.textContent = textarea.value.slice(offset, offset + 1) || ".";
  mirror.append(marker);
  document.body.append(mirror);
  const lineHeight = Number.parseFloat(style.lineHeight) || marker.offsetHeight;
  const position = {
    top: marker.offsetTop - textarea.scrollTop,
    left: marker.offsetLeft - textarea.scrollLeft,
    height: lineHeight,
  };
  mirror.remove();
  return position;
}
