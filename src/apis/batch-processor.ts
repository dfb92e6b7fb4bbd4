import type { App } from "../core/app.ts";
import { RequestEvent } from "../core/request-event.ts";
import type { BatchRequestEvent, InternalRequest } from "../core/request-event-batch.ts";
import { ApiError, badRequest, toApiError } from "../tools/router/api-error.ts";
import type { ParsedBody } from "../tools/router/body.ts";
import { castString } from "../tools/types/cast.ts";
import { ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import { type BatchStep, recordCreate, recordDelete, recordUpdate } from "./record-crud.ts";

/** One sub-request's answer, as the batch response lists it. */
export interface BatchResult {
  body: unknown;
  status: number;
}

type Action = "upsert" | "create" | "update" | "delete";

/** The record write routes a sub-request may call (anything else fails the batch). */
const actions: readonly { pattern: RegExp; action: Action }[] = [
  { pattern: /^PUT \/api\/collections\/([^/?]+)\/records(\?.*)?$/, action: "upsert" },
  { pattern: /^POST \/api\/collections\/([^/?]+)\/records(\?.*)?$/, action: "create" },
  { pattern: /^PATCH \/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/, action: "update" },
  { pattern: /^DELETE \/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/, action: "delete" },
];

const handlers = { create: recordCreate, update: recordUpdate, delete: recordDelete };

/** A sub-request resolved to its handler: the path parameters taken as written, and the query string. */
interface Route {
  action: Exclude<Action, "upsert">;
  collection: string;
  id: string;
  query: string;
}

/**
 * resolveRoute matches a sub-request against the allowed routes. An upsert (`PUT .../records`) becomes an
 * update when its body's `id` names an existing record of the collection, else a create.
 */
async function resolveRoute(txApp: App, ir: InternalRequest): Promise<Route | null> {
  const target = `${ir.method.toUpperCase()} ${ir.url}`;
  for (const { pattern, action } of actions) {
    const m = pattern.exec(target);
    if (!m) continue;
    const collection = m[1] ?? "";
    if (action !== "upsert") {
      const id = action === "create" ? "" : (m[2] ?? "");
      return { action, collection, id, query: (action === "create" ? m[2] : m[3]) ?? "" };
    }
    const query = m[2] ?? "";
    const id = castString(ir.body.id);
    if (id !== "" && (await txApp.findRecordById(collection, id))) return { action: "update", collection, id, query };
    return { action: "create", collection, id: "", query };
  }
  return null;
}

/** subRequestBody splits a sub-request's body into data (as JSON would carry it) and uploads. */
function subRequestBody(body: Record<string, unknown>): ParsedBody {
  const data: Record<string, unknown> = {};
  const files: Record<string, File[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value instanceof File) files[key] = [value];
    else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof File)) files[key] = value;
    else data[key] = value;
  }
  return { data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>, files };
}

/**
 * subRequestHeaders are the batch request's headers with the sub-request's own on top; its Authorization is
 * ignored (every sub-request acts as the batch's requester). A header that can't be sent on the wire (a
 * malformed name or value) is left out.
 */
function subRequestHeaders(base: Request, own: Record<string, string>): Headers {
  const headers = new Headers(base.headers);
  headers.delete("content-length");
  headers.delete("transfer-encoding");
  for (const [name, value] of Object.entries(own)) {
    if (name.toLowerCase() === "authorization") continue;
    try {
      headers.set(name, value);
    } catch {
      // not a valid header: no rule could have read it from a real request either
    }
  }
  headers.set("content-type", "multipart/form-data");
  return headers;
}

function formatSize(n: number): string {
  if (n >= 1 << 20) return `${Math.round((n / (1 << 20)) * 10) / 10} MiB`;
  return n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/**
 * AnswersBudget bounds what a batch's answers hold together, as they come (the batch is one response: the
 * bound of one response's expanded records, `--maxExpandMiB`), so that many sub-requests that each stay
 * under the per-response bounds can't add up to a multiple of them.
 */
class AnswersBudget {
  #used = 0;

  constructor(readonly maxBytes: number) {}

  /** read takes a sub-request's answer: its JSON, the text when it isn't JSON, null when empty. */
  async read(res: Response | null): Promise<BatchResult> {
    if (!res) return { body: null, status: 200 };
    const text = await res.text();
    this.#used += text.length;
    if (this.#used > this.maxBytes) {
      throw badRequest(
        `The batch's answers would take more than ${formatSize(this.maxBytes)}; ` +
          "send fewer requests, or ask for fewer fields and expands.",
      );
    }
    if (text === "") return { body: null, status: res.status };
    try {
      return { body: JSON.parse(text), status: res.status };
    } catch {
      return { body: text, status: res.status };
    }
  }
}

/**
 * runInternalRequest runs one sub-request through the records API's own handler, on the transaction's app,
 * as the batch's requester with `@request.context` "batch"; `step` takes its answer and chains the next
 * sub-request.
 */
async function runInternalRequest(
  txApp: App,
  base: BatchRequestEvent,
  ir: InternalRequest,
  step: BatchStep,
): Promise<void> {
  const route = await resolveRoute(txApp, ir);
  if (!route) throw new Error("unknown batch request action");
  const method = { create: "POST", update: "PATCH", delete: "DELETE" }[route.action];
  const path = `/api/collections/${route.collection}/records${route.id === "" ? "" : `/${route.id}`}`;
  const url = new URL(path + route.query, base.url.origin);
  const params: Record<string, string> = { collection: route.collection };
  if (route.id !== "") params.id = route.id;
  const e = new RequestEvent(
    txApp,
    new Request(url.href, { method, headers: subRequestHeaders(base.request, ir.headers) }),
    params,
    url,
  );
  e.auth = base.auth;
  e.resolveIp = () => base.remoteIp;
  // the client's IP is the batch request's: a sub-request's own headers can't name another one
  e.realIp = base.realIp;
  e.context = "batch";
  e.setBody(subRequestBody(ir.body));
  await handlers[route.action](e, step);
}

/** BatchResponseError is the failure of one sub-request: its own error answer is kept as `response`. */
class BatchResponseError extends ValidationError {
  constructor(readonly response: ApiError) {
    super("batch_request_failed", "Batch request failed.");
  }

  override toJSON(): { code: string; message: string; response: ReturnType<ApiError["toJSON"]> } {
    return { code: this.code, message: this.message, response: this.response.toJSON() };
  }
}

/** BatchStoppedError is a batch cut short: past its timeout, or its client went away. */
class BatchStoppedError extends Error {}

/** The longest delay a timer takes (a longer one fires at once). */
const maxTimerMs = 2 ** 31 - 1;

/**
 * untilStopped settles with `work`, or rejects with a BatchStoppedError once `timeoutMs` passed or the
 * signal aborted, calling onStop first so that no further sub-request starts. The work left running then
 * fails at its next statement: the transaction under it is rolled back and closed.
 */
function untilStopped<T>(work: Promise<T>, timeoutMs: number, signal: AbortSignal, onStop: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = (reason: string) => {
      cleanup();
      onStop();
      reject(new BatchStoppedError(reason));
    };
    const timer = setTimeout(() => stop("batch transaction timeout"), Math.min(timeoutMs, maxTimerMs));
    const onAbort = () => stop("batch request interrupted");
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}

/**
 * processBatch runs the batch's sub-requests in order in one transaction, each inside the one before it
 * (see BatchStep), within `timeoutMs`. All commit together, or none: a failure rolls everything back
 * (uploaded files included, by the save pipeline's own cleanup) and answers 400 "Batch transaction failed."
 * naming the failed sub-request's index with its own error. Hooks, realtime events and file deletions that
 * wait for the commit happen only once it is done.
 */
export async function processBatch(e: BatchRequestEvent, timeoutMs: number): Promise<BatchResult[]> {
  const batch = e.batch;
  const results: (BatchResult | undefined)[] = [];
  const answers = new AnswersBudget(e.app.expandLimits.maxBytes);
  let failedIndex = -1;
  let stopped = false;
  try {
    await e.app.runInTransaction((txApp) => {
      const run = async (i: number): Promise<void> => {
        const ir = batch[i];
        if (stopped || !ir) return;
        try {
          await runInternalRequest(txApp, e, ir, {
            next: async (res) => {
              results[i] = await answers.read(res);
              await run(i + 1);
            },
          });
        } catch (err) {
          // the innermost failure is the one that happened; the sub-requests around it only pass it on
          if (failedIndex < 0) failedIndex = i;
          throw err;
        }
      };
      return untilStopped(run(0), timeoutMs, e.request.signal, () => {
        stopped = true;
      });
    });
  } catch (err) {
    if (err instanceof BatchStoppedError || failedIndex < 0) {
      throw err instanceof ApiError ? err : badRequest("Batch transaction failed.", err);
    }
    const failure = new ValidationErrors({
      requests: new ValidationErrors({ [String(failedIndex)]: new BatchResponseError(toApiError(err)) }),
    });
    throw badRequest("Batch transaction failed.", failure);
  }
  // a handler that swallowed a later sub-request's failure leaves no answer for it
  return results.filter((r): r is BatchResult => r !== undefined);
}
