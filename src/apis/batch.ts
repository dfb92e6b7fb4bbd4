import type { Hono } from "hono";
import type { RequestEvent } from "../core/request-event.ts";
import { BatchRequestEvent } from "../core/request-event-batch.ts";
import { ApiError, badRequest, forbidden } from "../tools/router/api-error.ts";
import type { ParsedBody } from "../tools/router/body.ts";
import { BatchBindError, bindBatchForm, validateBatchForm } from "./batch-form.ts";
import { processBatch } from "./batch-processor.ts";
import type { RouterEnv } from "./middlewares.ts";
import { route } from "./route.ts";

/** PocketBase's bounds when the settings leave them at 0: 3 s for the transaction, 128 MiB for the body. */
const defaultTimeoutSeconds = 3;
const defaultMaxBodySize = 128 << 20;

const readFailure = "Failed to read the submitted batch data.";

/** bindBatchApi registers `POST /api/batch`. */
export function bindBatchApi(router: Hono<RouterEnv>): void {
  router.post("/api/batch", route(batchTransaction));
}

/** readBatchBody reads the body under the batch's own limit (413 past it; anything unreadable is a 400). */
async function readBatchBody(e: RequestEvent, maxBodySize: number): Promise<ParsedBody> {
  e.bodyLimit = maxBodySize;
  try {
    return await e.body();
  } catch (err) {
    if (err instanceof ApiError && err.status === 413) throw err;
    throw badRequest(readFailure, err instanceof ApiError ? err.raw : err);
  }
}

/**
 * batchTransaction handles `POST /api/batch`: record creates, updates, upserts and deletes, across
 * collections, in one transaction (see processBatch). Refused unless `settings.batch.enabled`; bounded by
 * `settings.batch` (maxRequests, timeout, maxBodySize).
 */
async function batchTransaction(e: RequestEvent): Promise<Response | null> {
  const config = e.app.settings().batch;
  if (!config.enabled || config.maxRequests <= 0) throw forbidden("Batch requests are not allowed.");
  const timeoutMs = (config.timeout > 0 ? config.timeout : defaultTimeoutSeconds) * 1000;
  const body = await readBatchBody(e, config.maxBodySize > 0 ? config.maxBodySize : defaultMaxBodySize);
  let requests: BatchRequestEvent["batch"];
  try {
    requests = bindBatchForm(body);
  } catch (err) {
    if (err instanceof BatchBindError) throw badRequest(readFailure, err);
    throw err;
  }
  const errs = validateBatchForm(requests, config.maxRequests);
  if (!errs.isEmpty) throw badRequest("Invalid batch request data.", errs);

  const event = e.derive(BatchRequestEvent);
  event.batch = requests;
  await e.app.hooks.get("onBatchRequest").trigger(event, async (ev) => {
    ev.json(200, await processBatch(ev, timeoutMs));
  });
  return event.response;
}
