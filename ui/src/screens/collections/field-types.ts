import type { FieldModel, FieldType } from "../../api/wire.ts";
import type { IconName } from "../../components/Icon.svelte";

/** How the dashboard names and shows a field type. */
export interface FieldTypeInfo {
  label: string;
  icon: IconName;
  /** A new field of the type gets these options. */
  defaults: () => FieldModel;
}

const common = { id: "", name: "", system: false, hidden: false, presentable: false, help: "" };

/**
 * Every field type in the order the "New field" menu lists them, with a new field's options. A field type
 * the server adds is a type error here until it has its entry.
 */
export const fieldTypes = {
  text: {
    label: "Plain text",
    icon: "type",
    defaults: () => ({
      ...common,
      type: "text",
      autogeneratePattern: "",
      max: 0,
      min: 0,
      pattern: "",
      primaryKey: false,
      required: false,
    }),
  },
  editor: {
    label: "Rich editor",
    icon: "edit",
    defaults: () => ({ ...common, type: "editor", convertURLs: false, maxSize: 0, required: false }),
  },
  number: {
    label: "Number",
    icon: "hash",
    defaults: () => ({ ...common, type: "number", max: null, min: null, onlyInt: false, required: false }),
  },
  bool: { label: "Bool", icon: "toggle", defaults: () => ({ ...common, type: "bool", required: false }) },
  email: {
    label: "Email",
    icon: "at",
    defaults: () => ({ ...common, type: "email", exceptDomains: null, onlyDomains: null, required: false }),
  },
  url: {
    label: "URL",
    icon: "link",
    defaults: () => ({ ...common, type: "url", exceptDomains: null, onlyDomains: null, required: false }),
  },
  date: {
    label: "DateTime",
    icon: "calendar",
    defaults: () => ({ ...common, type: "date", max: "", min: "", required: false }),
  },
  autodate: {
    label: "Autodate",
    icon: "clock",
    defaults: () => {
      const { help: _, ...rest } = common;
      return { ...rest, type: "autodate", onCreate: true, onUpdate: false };
    },
  },
  select: {
    label: "Select",
    icon: "list",
    defaults: () => ({ ...common, type: "select", maxSelect: 1, required: false, values: [] }),
  },
  file: {
    label: "File",
    icon: "file",
    defaults: () => ({
      ...common,
      type: "file",
      maxSelect: 1,
      maxSize: 0,
      mimeTypes: [],
      protected: false,
      required: false,
      thumbs: [],
    }),
  },
  relation: {
    label: "Relation",
    icon: "link",
    defaults: () => ({
      ...common,
      type: "relation",
      cascadeDelete: false,
      collectionId: "",
      maxSelect: 1,
      minSelect: 0,
      required: false,
    }),
  },
  json: { label: "JSON", icon: "braces", defaults: () => ({ ...common, type: "json", maxSize: 0, required: false }) },
  geoPoint: {
    label: "Geo point",
    icon: "mapPin",
    defaults: () => ({ ...common, type: "geoPoint", required: false }),
  },
  password: {
    label: "Password",
    icon: "lock",
    defaults: () => ({ ...common, type: "password", cost: 0, max: 0, min: 0, pattern: "", required: false }),
  },
} satisfies Record<FieldType, FieldTypeInfo>;

/** The types the "New field" menu offers (password fields only come with auth collections). */
export const newFieldTypes: FieldType[] = (Object.keys(fieldTypes) as FieldType[]).filter((t) => t !== "password");

/** fieldTypeInfo is a type's entry (a type the dashboard doesn't know is shown by its name). */
export function fieldTypeInfo(type: string): FieldTypeInfo {
  return (
    (fieldTypes as Record<string, FieldTypeInfo>)[type] ?? {
      label: type,
      icon: "empty",
      defaults: fieldTypes.json.defaults,
    }
  );
}
