import { pb } from "../api/client.ts";
import type { PublicSettings } from "../api/wire.ts";

/** The name shown until the settings are loaded (and to guests, who can't read them). */
export const productName = "Satchel";

/**
 * The application's settings as the shell needs them (the name in the header, the accent colour, whether
 * controls are hidden). Screens that change the settings hand the server's answer to `set()`.
 */
class AppSettings {
  value = $state<PublicSettings | null>(null);
  #inFlight: Promise<PublicSettings> | null = null;

  get appName(): string {
    return this.value?.meta.appName || productName;
  }

  /** hideControls: the superuser asked to hide collection and record editing controls (production safety). */
  get hideControls(): boolean {
    return this.value?.meta.hideControls ?? false;
  }

  /**
   * fetch reads the settings from the server (one request for all callers while one is on its way: the
   * shell and the first screen both ask on the first load) and updates the shell with them.
   */
  fetch(): Promise<PublicSettings> {
    this.#inFlight ??= pb.settings
      .getAll({ requestKey: null })
      .then((settings) => {
        this.set(settings as PublicSettings);
        return settings as PublicSettings;
      })
      .finally(() => {
        this.#inFlight = null;
      });
    return this.#inFlight;
  }

  set(settings: PublicSettings | null): void {
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
