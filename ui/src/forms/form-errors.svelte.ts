import { tick, untrack } from "svelte";
import { SvelteMap } from "svelte/reactivity";
import { errorMessage, fieldErrors, isNetworkError } from "../api/errors.ts";

/** A server error of a field that no input on the form shows. */
export interface UnmatchedError {
  name: string;
  message: string;
}

/**
 * FormErrors holds a form's server errors: one message per field path (`meta.appName`), shown by the
 * Field with that name, and a message for the whole form, shown by FormAlert along with the field errors
 * that no Field on the form claims. A Field also shows the errors under its path (`superuserIPs` shows
 * `superuserIPs.1`, an item of the list). An error goes away when its input changes.
 */
export class FormErrors {
  message = $state("");
  #byField = $state<Record<string, string>>({});
  /** The shown fields, each with the number of Fields that show it (two may, briefly, as a list reorders). */
  #shown = new SvelteMap<string, number>();

  /** field is the message of the named field (and of the paths under it that no other Field shows), if any. */
  field(name: string): string | undefined {
    const messages: string[] = [];
    for (const [path, message] of Object.entries(this.#byField)) {
      if (this.#claimant(path) !== name) continue;
      const rest = path.slice(name.length + 1);
      if (rest === "") messages.unshift(message);
      else messages.push(/^\d+$/.test(rest) ? `Item ${Number(rest) + 1}: ${message}` : `${rest}: ${message}`);
    }
    return messages.length > 0 ? messages.join(" ") : undefined;
  }

  /** unmatched lists the field errors that no Field of the form shows. */
  get unmatched(): UnmatchedError[] {
    return Object.entries(this.#byField)
      .filter(([path]) => this.#claimant(path) === null)
      .map(([name, message]) => ({ name, message }));
  }

  /** The shown field that shows an error path: the path itself, else its closest shown parent. */
  #claimant(path: string): string | null {
    for (let p = path; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
      if (this.#shown.has(p)) return p;
    }
    return null;
  }

  /** The paths of the field errors (`fields.2.name`, `indexes.0`), whether a Field shows them or not. */
  get paths(): string[] {
    return Object.keys(this.#byField);
  }

  get hasErrors(): boolean {
    return this.message !== "" || Object.keys(this.#byField).length > 0;
  }

  /** show records that a Field shows the named field's errors; the returned function undoes it. */
  show(name: string): () => void {
    // read untracked: the Field's effect that calls this must not depend on the count it changes
    this.#shown.set(name, untrack(() => this.#shown.get(name) ?? 0) + 1);
    return () => {
      const count = untrack(() => this.#shown.get(name) ?? 0) - 1;
      if (count > 0) this.#shown.set(name, count);
      else this.#shown.delete(name);
    };
  }

  /** clear drops the errors of a field and of the paths under it. */
  clear(name: string): void {
    const kept = Object.entries(this.#byField).filter(([path]) => path !== name && !path.startsWith(`${name}.`));
    if (kept.length !== Object.keys(this.#byField).length) this.#byField = Object.fromEntries(kept);
  }

  reset(): void {
    this.message = "";
    this.#byField = {};
  }

  /**
   * set shows a failed request's errors: the server's message for the form, and each field's validation
   * message beside its input.
   */
  set(err: unknown): void {
    this.#byField = fieldErrors(err);
    this.message = errorMessage(err);
    if (isNetworkError(err))
      this.message = "The server didn't answer, so nothing was saved. Try again once it is back.";
  }

  /** setField shows a message beside one field (for a check made in the browser). */
  setField(name: string, message: string): void {
    this.#byField = { ...this.#byField, [name]: message };
  }

  /**
   * focusFirstInvalid opens the form's folded sections that hold an invalid input, and moves the keyboard
   * focus to the first invalid input (or to the form's alert when no input is marked).
   */
  async focusFirstInvalid(form: HTMLElement | null | undefined): Promise<void> {
    await tick();
    if (!form) return;
    const invalid = [...form.querySelectorAll<HTMLElement>('[aria-invalid="true"]')];
    for (const input of invalid) {
      const section = input.closest("details");
      if (section) section.open = true;
    }
    (invalid[0] ?? form.querySelector<HTMLElement>('[role="alert"]'))?.focus();
  }
}
