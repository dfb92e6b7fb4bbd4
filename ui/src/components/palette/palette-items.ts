import type { CollectionModel } from "../../api/wire.ts";
import type { MainNavLink, RouteDef } from "../../routes.ts";
import { collectionPath } from "../../screens/collections/paths.ts";

export type PaletteGroup = "Records" | "Collections" | "Pages" | "API preview";

/** Where the palette can go. */
export interface PaletteItem {
  id: string;
  group: PaletteGroup;
  label: string;
  /** A second line (the collection's type, a page's area). */
  detail: string;
  /** The dashboard path to open. */
  path: string;
  /** More words it is found by. */
  keywords: string[];
}

/** The order of the groups in the list. */
export const groupOrder: PaletteGroup[] = ["Records", "Collections", "Pages", "API preview"];

/** The collection facts the palette needs. */
export type PaletteCollection = Pick<CollectionModel, "id" | "name" | "type">;

/** pageItems lists the screens worth jumping to: the header's links and the settings pages. */
export function pageItems(routes: RouteDef[], mainNav: MainNavLink[]): PaletteItem[] {
  const items: PaletteItem[] = [];
  for (const link of mainNav) {
    const route = routes.find((r) => r.path === link.path);
    if (route?.settingsNav) continue;
    items.push({
      id: `page:${link.path}`,
      group: "Pages",
      label: link.label,
      detail: "",
      path: link.path,
      keywords: route?.keywords ?? [],
    });
  }
  for (const route of routes) {
    if (!route.settingsNav) continue;
    items.push({
      id: `page:${route.path}`,
      group: "Pages",
      label: route.settingsNav.label,
      detail: "Settings",
      path: route.path,
      keywords: [route.title, ...(route.keywords ?? [])],
    });
  }
  return items;
}

/** collectionItems lists each collection, to its records and to its API preview. */
export function collectionItems(collections: PaletteCollection[]): PaletteItem[] {
  return collections.flatMap((c) => [
    {
      id: `collection:${c.id}`,
      group: "Collections" as const,
      label: c.name,
      detail: `${c.type} collection`,
      path: collectionPath(c.name),
      keywords: [c.id],
    },
    {
      id: `api:${c.id}`,
      group: "API preview" as const,
      label: `${c.name} API`,
      detail: "SDK calls and example answers",
      path: `/api-preview/${encodeURIComponent(c.name)}`,
      keywords: [],
    },
  ]);
}

/**
 * score says how well an item matches the typed text (0: not at all): the label's start first, then a
 * word of it, then anywhere in it, then the start of a word of its detail or keywords. Every word typed
 * must match somewhere.
 */
export function score(item: PaletteItem, text: string): number {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 1;
  const label = item.label.toLowerCase();
  const rest = [item.detail, ...item.keywords].join(" ").toLowerCase();
  let total = 0;
  for (const w of words) {
    if (label.startsWith(w)) total += 8;
    else if (new RegExp(`[\\s_/.-]${escapeRegExp(w)}`).test(label)) total += 4;
    else if (label.includes(w)) total += 2;
    else if (new RegExp(`(^|[\\s_/.-])${escapeRegExp(w)}`).test(rest)) total += 1;
    else return 0;
  }
  return total;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** search keeps the matching items, the best first within each group, groups in their order. */
export function search(items: PaletteItem[], text: string, perGroup = 8): PaletteItem[] {
  const scored = items.map((item) => ({ item, s: score(item, text) })).filter((x) => x.s > 0);
  const out: PaletteItem[] = [];
  for (const group of groupOrder) {
    const inGroup = scored.filter((x) => x.item.group === group);
    // without text, the lists keep their own order (the settings as in the navigation)
    if (text.trim() !== "") inGroup.sort((a, b) => b.s - a.s);
    out.push(...inGroup.slice(0, perGroup).map((x) => x.item));
  }
  return out;
}

/** The id field's rules of a collection, which tell whether a text could be one of its ids. */
export interface IdRules {
  pattern: string;
  min: number;
  max: number;
}

/** couldBeId tells whether the text fits a collection's id field (its pattern and length). */
export function couldBeId(text: string, rules: IdRules): boolean {
  if (text === "" || /\s/.test(text)) return false;
  if (rules.min > 0 && text.length < rules.min) return false;
  if (rules.max > 0 && text.length > rules.max) return false;
  if (!rules.pattern) return true;
  try {
    return new RegExp(rules.pattern).test(text);
  } catch {
    // a Go pattern JavaScript can't read: let the server decide
    return true;
  }
}
