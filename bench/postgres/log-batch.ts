/** Batches of request logs for the log benches, queued as the app's logger queues them (packRequestLog). */
import { logQueueTypes, packRequestLog, type RequestLog } from "../../src/core/log-write.ts";
import { type PackedRows, PackedRowsWriter } from "../../src/db/packed-rows.ts";

/** requestLogBatch queues n request logs, the i-th as logOf(i) gives it, and takes them as one batch. */
export function requestLogBatch(n: number, logOf: (i: number) => RequestLog): PackedRows {
  const w = new PackedRowsWriter(logQueueTypes, { maxBytes: Number.POSITIVE_INFINITY });
  for (let i = 0; i < n; i++) packRequestLog(logOf(i), w);
  return w.take();
}
