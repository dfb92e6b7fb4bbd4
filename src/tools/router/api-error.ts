import { DatabaseUnavailableError, QueryTimeoutError, UnsupportedValueError } from "../../db/driver.ts";
import { sentenize } from "../inflector/inflector.ts";
import { ValidationError, ValidationErrors } from "../validation/validation.ts";

/** ApiError is the one error type the HTTP layer turns into `{status, message, data}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly data: Record<string, unknown>;
  /** The original error, kept for logs; never sent to the client. */
  readonly raw: unknown;

  constructor(status: number, message: string, raw?: unknown) {
    super(sentenize(message));
    this.status = status;
    this.raw = raw;
    this.data = safeErrorData(raw);
  }

  toJSON(): { data: Record<string, unknown>; message: string; status: number } {
    return { data: this.data, message: this.message, status: this.status };
  }
}

/** Only validation errors are safe to show; anything else becomes `{}`. */
function safeErrorData(raw: unknown): Record<string, unknown> {
  if (raw instanceof ValidationErrors) return raw.toJSON();
  if (raw instanceof ValidationError) return {};
  return {};
}

export function badRequest(message = "", raw?: unknown): ApiError {
  return new ApiError(400, message || "Something went wrong while processing your request.", raw);
}

export function notFound(message = "", raw?: unknown): ApiError {
  return new ApiError(404, message || "The requested resource wasn't found.", raw);
}

export function forbidden(message = "", raw?: unknown): ApiError {
  return new ApiError(403, message || "You are not allowed to perform this request.", raw);
}

export function unauthorized(message = "", raw?: unknown): ApiError {
  return new ApiError(401, message || "Missing or invalid authentication.", raw);
}

export function tooManyRequests(message = "", raw?: unknown): ApiError {
  return new ApiError(429, message || "Too Many Requests.", raw);
}

export function internalError(message = "", raw?: unknown): ApiError {
  return new ApiError(500, message || "Something went wrong while processing your request.", raw);
}

export function serviceUnavailable(message = "", raw?: unknown): ApiError {
  return new ApiError(503, message || "Service Unavailable.", raw);
}

/** unavailableCause finds a DatabaseUnavailableError behind an error (its raw error or its causes), or null. */
function unavailableCause(err: unknown): DatabaseUnavailableError | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; depth++) {
    if (e instanceof DatabaseUnavailableError) return e;
    e = e instanceof ApiError && e.raw !== undefined ? e.raw : e.cause;
  }
  return null;
}

export function payloadTooLarge(message = "", raw?: unknown): ApiError {
  return new ApiError(413, message || "Request entity too large.", raw);
}

/**
 * toApiError turns any thrown value into an ApiError: a lost database is a 503 saying so (whatever wraps it),
 * other ApiErrors pass through, a NotFoundError becomes 404,
 * validation errors become 400 with their data, and anything else is a 400 with a generic message
 * (PocketBase's rule for errors raised by hooks and services).
 */
export function toApiError(err: unknown): ApiError {
  // the database server is down or unreachable, whatever the code in between made of it: the same request
  // may work once it is back
  const unavailable = unavailableCause(err);
  if (unavailable) return serviceUnavailable(unavailable.message, unavailable);
  if (err instanceof ApiError) return err;
  if (err instanceof NotFoundError) return notFound("", err);
  // the limit and how to get under it are worth telling the client
  if (err instanceof QueryTimeoutError) return badRequest(err.message, err);
  // a value this engine can't take (a NUL character on PostgreSQL): the same request always fails here
  if (err instanceof UnsupportedValueError) return badRequest(err.message, err);
  return badRequest("", err);
}

/** NotFoundError is what data lookups throw when a row is missing ("no rows" in PocketBase). */
export class NotFoundError extends Error {}
