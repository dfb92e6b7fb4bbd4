/**
 * The command palette's state: whether it is open. The palette itself (components/palette/) is loaded on its
 * first opening, so the main bundle holds only this and the shortcut.
 */
class Palette {
  open = $state(false);

  show(): void {
    this.open = true;
  }

  hide(): void {
    this.open = false;
  }
}

export const palette = new Palette();

/** isPaletteShortcut tells Ctrl+K (⌘+K on a Mac), the palette's shortcut. */
export function isPaletteShortcut(event: KeyboardEvent): boolean {
  return event.key.toLowerCase() === "k" && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}
