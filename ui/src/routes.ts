import type { Component } from "svelte";
import Login from "./screens/auth/Login.svelte";

/**
 * Who may open a screen: `superuser` screens need a signed-in superuser (others go to the login), `guest`
 * screens are for signed-out visitors (a superuser goes home), `public` screens are for anyone.
 */
export type Access = "superuser" | "guest" | "public";

/** The properties every screen receives from the router. */
export interface ScreenProps {
  /** The path's `:name` segments, decoded. */
  params: Record<string, string>;
  /** The query after `?` in the hash (`#/login?redirect=...`). */
  query: URLSearchParams;
}

/** A link of the settings' side navigation, listed under its group in the order of the routes. */
export interface SettingsNavEntry {
  group: string;
  label: string;
}

/** A link of the header's navigation; it is the current one on any path under `section`. */
export interface MainNavLink {
  label: string;
  path: string;
  section: string;
}

/** A screen's component: it takes the router's properties, or none at all. */
export type ScreenComponent = Component<ScreenProps> | Component<Record<string, never>>;

export interface RouteDef {
  /** The path after `#`, with `:name` for a parameter segment (`/pbinstall/:token`). */
  path: string;
  access: Access;
  /** The page title (the browser tab shows it before the application's name). */
  title: string;
  /** Loads the screen's component on first use, so the first load stays small. */
  load: () => Promise<{ default: ScreenComponent }>;
  settingsNav?: SettingsNavEntry;
  /** Shown beside the collections sidebar (the collections' screens). */
  collectionsSidebar?: boolean;
  /** More words the command palette finds the screen by (the sections it holds). */
  keywords?: string[];
}

/** Where a signed-in superuser lands. */
export const homePath = "/settings";
export const loginPath = "/login";

/**
 * Every screen of the dashboard. Adding a screen is one entry here (and its component under screens/);
 * the navigation, the access checks and the page title follow from it.
 */
export const routes: RouteDef[] = [
  {
    path: "/pbinstall/:token",
    access: "guest",
    title: "Create your first superuser",
    load: () => import("./screens/auth/Installer.svelte"),
  },
  {
    path: loginPath,
    access: "guest",
    title: "Superuser login",
    // the first screen of every signed-out visit is in the main bundle: no second round trip before it shows
    load: async () => ({ default: Login }),
  },
  {
    path: "/request-password-reset",
    access: "guest",
    title: "Forgotten password",
    load: () => import("./screens/auth/RequestPasswordReset.svelte"),
  },
  // the pages the default emails of every auth collection link to
  {
    path: "/auth/confirm-password-reset/:token",
    access: "public",
    title: "Reset your password",
    load: () => import("./screens/auth/ConfirmPasswordReset.svelte"),
  },
  {
    path: "/auth/confirm-verification/:token",
    access: "public",
    title: "Email verification",
    load: () => import("./screens/auth/ConfirmVerification.svelte"),
  },
  {
    path: "/auth/confirm-email-change/:token",
    access: "public",
    title: "Confirm your new email",
    load: () => import("./screens/auth/ConfirmEmailChange.svelte"),
  },
  // the collections: `/collections/new` comes before any `/collections/:collection` route
  {
    path: "/collections",
    access: "superuser",
    title: "Collections",
    load: () => import("./screens/collections/CollectionsOverview.svelte"),
    collectionsSidebar: true,
  },
  {
    path: "/collections/new",
    access: "superuser",
    title: "New collection",
    load: () => import("./screens/collections/CollectionEditor.svelte"),
    collectionsSidebar: true,
  },
  {
    path: "/collections/:collection/edit",
    access: "superuser",
    title: "Edit collection",
    load: () => import("./screens/collections/CollectionEditor.svelte"),
    collectionsSidebar: true,
  },
  {
    path: "/settings",
    access: "superuser",
    title: "Application settings",
    load: () => import("./screens/settings/ApplicationSettings.svelte"),
    settingsNav: { group: "System", label: "Application" },
    keywords: ["app name", "URL", "accent colour", "batch", "rate limits", "trusted proxy", "superuser IPs"],
  },
  {
    path: "/settings/superusers",
    access: "superuser",
    title: "Superusers",
    load: () => import("./screens/records/SuperusersScreen.svelte"),
    settingsNav: { group: "System", label: "Superusers" },
    keywords: ["admins", "superuser accounts"],
  },
  {
    path: "/settings/mail",
    access: "superuser",
    title: "Mail settings",
    load: () => import("./screens/settings/MailSettings.svelte"),
    settingsNav: { group: "System", label: "Mail" },
    keywords: ["SMTP", "sender", "test email"],
  },
  {
    path: "/settings/storage",
    access: "superuser",
    title: "Files storage",
    load: () => import("./screens/settings/StorageSettings.svelte"),
    settingsNav: { group: "System", label: "Files storage" },
    keywords: ["S3", "bucket", "uploads"],
  },
  {
    path: "/settings/backups",
    access: "superuser",
    title: "Backups",
    load: () => import("./screens/settings/BackupsSettings.svelte"),
    settingsNav: { group: "System", label: "Backups" },
    keywords: ["restore", "download", "automatic backups", "zip"],
  },
  {
    path: "/settings/crons",
    access: "superuser",
    title: "Crons",
    load: () => import("./screens/settings/Crons.svelte"),
    settingsNav: { group: "System", label: "Crons" },
    keywords: ["cron jobs", "schedule", "run now"],
  },
  {
    path: "/settings/tokens",
    access: "superuser",
    title: "Token options",
    load: () => import("./screens/settings/TokenSettings.svelte"),
    settingsNav: { group: "System", label: "Token options" },
    keywords: ["token secrets", "invalidate tokens", "token duration", "sign out everyone"],
  },
  {
    path: "/settings/sql",
    access: "superuser",
    title: "SQL console",
    load: () => import("./screens/settings/SqlConsole.svelte"),
    settingsNav: { group: "Tools", label: "SQL console" },
    keywords: ["query", "database"],
  },
  {
    path: "/logs",
    access: "superuser",
    title: "Logs",
    load: () => import("./screens/logs/Logs.svelte"),
    keywords: ["requests", "errors", "activity"],
  },
  {
    path: "/api-preview",
    access: "superuser",
    title: "API preview",
    load: () => import("./screens/api-preview/ApiPreview.svelte"),
    keywords: ["SDK", "endpoints", "docs"],
  },
  {
    path: "/api-preview/:collection",
    access: "superuser",
    title: "API preview",
    load: () => import("./screens/api-preview/ApiPreview.svelte"),
  },
  {
    path: "/settings/export-collections",
    access: "superuser",
    title: "Export collections",
    load: () => import("./screens/collections/ExportCollections.svelte"),
    settingsNav: { group: "Sync", label: "Export collections" },
  },
  {
    path: "/settings/import-collections",
    access: "superuser",
    title: "Import collections",
    load: () => import("./screens/collections/ImportCollections.svelte"),
    settingsNav: { group: "Sync", label: "Import collections" },
  },
  // a collection's records, beside the collections sidebar
  {
    path: "/collections/:collection/records",
    access: "superuser",
    title: "Records",
    load: () => import("./screens/records/RecordsScreen.svelte"),
    collectionsSidebar: true,
  },
];

/** The header's navigation. */
export const mainNav: MainNavLink[] = [
  { label: "Collections", path: "/collections", section: "/collections" },
  { label: "Logs", path: "/logs", section: "/logs" },
  { label: "API preview", path: "/api-preview", section: "/api-preview" },
  { label: "Settings", path: "/settings", section: "/settings" },
];
