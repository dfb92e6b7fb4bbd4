/**
 * autofocus gives the keyboard focus to an element as it appears (`<input {@attach autofocus} />`): the
 * `autofocus` attribute only works on a page's first load, not on screens shown later.
 */
export function autofocus(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}
