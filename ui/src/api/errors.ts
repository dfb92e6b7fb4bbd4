import { ClientResponseError } from "pocketbase";
import type { ValidationErrorJSON } from "./wire.ts";

/** isAbort tells an error of a cancelled request (the SDK's auto-cancellation, a closed screen). */
export function isAbort(err: unknown): boolean {
  return err instanceof ClientResponseError && err.isAbort;
}

/** isNetworkError tells a request that got no answer at all: the server is down or unreachable. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof ClientResponseError && err.status === 0 && !err.isAbort;
}

/** errorStatus is the HTTP status of a failed request (0 when there was no answer, or no request). */
export function errorStatus(err: unknown): number {
  return err instanceof ClientResponseError ? err.status : 0;
}

/** errorMessage is the message to show for a failed request. */
export function errorMessage(err: unknown): string {
  if (isNetworkError(err)) return "Can't reach the server. Check that it is running and try again.";
  if (err instanceof ClientResponseError) {
    const message = err.response?.message;
    if (typeof message === "string" && message !== "") return message;
    return `The server answered ${err.status}.`;
  }
  return err instanceof Error ? err.message : String(err);
}

function isFieldError(value: unknown): value is ValidationErrorJSON {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === "string" && typeof message === "string";
}

/**
 * fieldErrors flattens the `data` of the server's error answer into one message per field path:
 * `{meta: {appName: {code, message}}}` gives `{"meta.appName": message}`, and list items use their index
 * (`rateLimits.rules.0.label`), so each message can be shown beside the input named by that path.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ClientResponseError)) return out;
  const walk = (value: unknown, path: string) => {
    if (isFieldError(value)) {
      if (path !== "") out[path] = value.message;
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [key, child] of Object.entries(value)) walk(child, path === "" ? key : `${path}.${key}`);
  };
  walk(err.response?.data, "");
  return out;
}
