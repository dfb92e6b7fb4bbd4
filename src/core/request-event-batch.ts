import { RequestEvent } from "./request-event.ts";

/**
 * InternalRequest is one sub-request of a batch: a record create, update, upsert or delete. Body values that
 * are a File or a non-empty list of Files are uploads; everything else is the request's data.
 */
export interface InternalRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** BatchRequestEvent fires for `POST /api/batch` once its requests are read and valid; `batch` may be changed. */
export class BatchRequestEvent extends RequestEvent {
  batch: InternalRequest[] = [];
}
