import { pb } from "../api/client.ts";
import type { PublicSettings } from "../api/wire.ts";

/** The name shown until the settings are loaded (and to guests, who can't read them). */
export const productName = "Satchel";

/**
 * The application's settings as the shell needs them (the name in the header, the accent colour, whether
 * controls are hidden). Screens that change the settings hand the server's answer to `set()`.
 */
/** A read of the settings this recent serves the next caller too (the shell and the first screen ask together). */
const reuseMs = 1000;

class AppSettings {
  value = $state<PublicSettings | null>(null);
  #inFlight: Promise<PublicSettings> | null = null;
  #readAt = 0;

  get appName(): string {
    return this.value?.meta.appName || productName;
  }

  /** hideControls: the superuser asked to hide collection and record editing controls (production safety). */
  get hideControls(): boolean {
    return this.value?.meta.hideControls ?? false;
  }

  /**
   * fetch reads the settings from the server and updates the shell with them. Callers share a read on its
   * way or one made in the last second: on the first load the shell and the first screen both ask.
   */
  fetch(): Promise<PublicSettings> {
    if (this.value && Date.now() - this.#readAt < reuseMs) return Promise.resolve($state.snapshot(this.value));
    this.#inFlight ??= pb.settings
      .getAll({ requestKey: null })
      .then((settings) => {
        this.#readAt = Date.now();
        this.set(settings as PublicSettings);
        return settings as PublicSettings;
      })
      .finally(() => {
        this.#inFlight = null;
      });
    return this.#inFlight;
  }

  set(settings: PublicSettings | null): void {
    if (!settings) this.#readAt = 0;
    this.value = settings;
    applyAccentColor(settings?.meta.accentColor ?? "");
  }
}

/** applyAccentColor sets the accent colour of the buttons and links (a valid hex colour only). */
function applyAccentColor(color: string): void {
  const root = document.documentElement.style;
  if (/^#[0-9a-f]{6}$/i.test(color)) root.setProperty("--accent", color);
  else root.removeProperty("--accent");
}

export const appSettings = new AppSettings();
