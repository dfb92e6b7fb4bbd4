import type { FormErrors } from "../forms/form-errors.svelte.ts";
import { session } from "../state/session.svelte.ts";
import { toasts } from "../state/toasts.svelte.ts";
import { errorMessage, errorStatus, isAbort, isNetworkError } from "./errors.ts";

export interface HandleErrorOptions {
  /** The form whose fields show the error's field messages (a toast shows the message otherwise). */
  form?: FormErrors;
  /** The form element, whose first invalid input gets the focus. */
  element?: HTMLElement | null;
}

/**
 * handleError shows a failed request's error where it belongs: beside the form's fields (and at the top
 * of the form), or in a toast. A refused token signs out; a request that got no answer shows the
 * connection banner (the client's wrapper does that), plus the form's message. Cancelled requests show
 * nothing.
 */
export function handleError(err: unknown, options: HandleErrorOptions = {}): void {
  if (isAbort(err)) return;
  const status = errorStatus(err);
  if (status === 401 && session.isSignedIn) {
    session.signOut();
    toasts.info("Your session has ended. Please sign in again.");
    return;
  }
  if (options.form) {
    options.form.set(err);
    void options.form.focusFirstInvalid(options.element);
    return;
  }
  if (!isNetworkError(err)) toasts.error(errorMessage(err));
}
