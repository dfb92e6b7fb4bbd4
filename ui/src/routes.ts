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
  {
    path: "/settings",
    access: "superuser",
    title: "Application settings",
    load: () => import("./screens/settings/ApplicationSettings.svelte"),
    settingsNav: { group: "System", label: "Application" },
  },
];

/** The header's navigation. */
export const mainNav: MainNavLink[] = [{ label: "Settings", path: "/settings", section: "/settings" }];
