/** The pattern of a thumb size: `WxH` plus an optional mode (`t` top, `b` bottom, `f` fit). */
export const thumbSizePattern = /^(\d+)x(\d+)(t|b|f)?$/;

/** ThumbSize is a parsed thumb size; a zero side follows the other one's ratio. */
export interface ThumbSize {
  width: number;
  height: number;
  /** "" crops from the center, "t" from the top, "b" from the bottom; "f" fits without cropping. */
  mode: "" | "t" | "b" | "f";
}

/** parseThumbSize reads `WxH[t|b|f]`; null when malformed or both sides are zero. */
export function parseThumbSize(size: string): ThumbSize | null {
  const m = thumbSizePattern.exec(size);
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width === 0 && height === 0) return null;
  return { width, height, mode: (m[3] ?? "") as ThumbSize["mode"] };
}
