import { pb } from "../../api/client.ts";
import { handleError } from "../../api/handle-error.ts";
import type { PublicSettings, SettingsPatch } from "../../api/wire.ts";
import { FormErrors } from "../../forms/form-errors.svelte.ts";
import { appSettings } from "../../state/app-settings.svelte.ts";
import { toasts } from "../../state/toasts.svelte.ts";

/**
 * SettingsForm is the state of one settings screen: it loads the settings, keeps an editable draft of the
 * part the screen shows (`pick`), tells whether it changed, and saves only that part, showing the server's
 * validation errors beside their fields. Every settings screen builds one.
 */
export class SettingsForm<T extends SettingsPatch> {
  draft = $state<T | null>(null);
  loading = $state(true);
  saving = $state(false);
  readonly errors = new FormErrors();
  #original = $state("");
  readonly #pick: (settings: PublicSettings) => T;

  constructor(pick: (settings: PublicSettings) => T) {
    this.#pick = pick;
  }

  get hasChanges(): boolean {
    return this.draft !== null && JSON.stringify(this.draft) !== this.#original;
  }

  /** The settings as loaded or last saved (null before they are loaded). */
  get saved(): T | null {
    return this.#original === "" ? null : (JSON.parse(this.#original) as T);
  }

  async load(): Promise<void> {
    this.loading = true;
    this.errors.reset();
    try {
      this.#init(await appSettings.fetch());
    } catch (err) {
      handleError(err, { form: this.errors });
    } finally {
      this.loading = false;
    }
  }

  /** reset drops the unsaved changes. */
  reset(): void {
    if (this.#original === "") return;
    this.draft = JSON.parse(this.#original) as T;
    this.errors.reset();
  }

  /** save sends the draft; true when the server took it. */
  async save(element?: HTMLElement | null): Promise<boolean> {
    if (!this.draft || this.saving) return false;
    this.saving = true;
    this.errors.reset();
    try {
      this.#init((await pb.settings.update(this.draft)) as PublicSettings);
      toasts.success("The settings were saved.");
      return true;
    } catch (err) {
      handleError(err, { form: this.errors, element });
      return false;
    } finally {
      this.saving = false;
    }
  }

  #init(settings: PublicSettings): void {
    appSettings.set(settings);
    const picked = this.#pick(settings);
    this.#original = JSON.stringify(picked);
    this.draft = JSON.parse(this.#original) as T;
  }
}
