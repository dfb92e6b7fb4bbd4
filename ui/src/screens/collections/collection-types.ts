import type { CollectionType } from "../../api/wire.ts";
import type { IconName } from "../../components/Icon.svelte";

/** How the dashboard names and shows each collection type. */
export const collectionTypes = {
  base: { label: "Base", icon: "folder", help: "Records with fields of your choice." },
  auth: { label: "Auth", icon: "users", help: "Users: records that sign in, with email, password and more." },
  view: { label: "View", icon: "table", help: "Read-only records from an SQL query over other collections." },
} satisfies Record<CollectionType, { label: string; icon: IconName; help: string }>;

/** collectionTypeIcon is the icon of a collection type. */
export function collectionTypeIcon(type: string): IconName {
  return (collectionTypes as Record<string, { icon: IconName }>)[type]?.icon ?? "folder";
}
