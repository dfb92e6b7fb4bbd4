/**
 * downloadText saves text as a file through the browser's download (a blob URL, allowed by the dashboard's
 * CSP). A long text may come in parts (an export's pages), joined only by the Blob.
 */
export function downloadText(filename: string, text: string | BlobPart[], type: string): void {
  const url = URL.createObjectURL(new Blob(typeof text === "string" ? [text] : text, { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // a large file may still be being written out by the browser a second later
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** downloadUrl starts a download from an address (a file the server sends as an attachment). */
export function downloadUrl(url: string, filename = ""): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
}

/** fileTimestamp is a date for a file name: 20260102T150405Z. */
export function fileTimestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[-:]/g, "");
}
