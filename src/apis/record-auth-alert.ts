import { createHash } from "node:crypto";
import { findAllAuthOriginsByRecord, newAuthOrigin } from "../core/auth-origin-query.ts";
import type { RecordModel } from "../core/record-model.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { sendRecordAuthAlert } from "../mails/record.ts";
import { nowDateTime } from "../tools/types/datetime.ts";

/** How many login origins are remembered per record. */
const maxAuthOrigins = 5;
/** The longest user agent (in bytes) that goes into a fingerprint as it is. */
const maxUserAgentBytes = 200;
/** How long a login waits for its alert mail before giving up on it. */
const alertSendTimeoutMs = 15_000;

/**
 * authAlert remembers where a record logs in from (a fingerprint of the IP and user agent in
 * `_authOrigins`, at most 5 per record) and mails the record a "login from a new location" alert when the
 * fingerprint is new, except on its very first login.
 */
export async function authAlert(e: RequestEvent, record: RecordModel): Promise<void> {
  const ip = e.realIp;
  let userAgent = Buffer.from(e.request.headers.get("user-agent") ?? "");
  if (userAgent.length > maxUserAgentBytes)
    userAgent = Buffer.concat([userAgent.subarray(0, maxUserAgentBytes), Buffer.from("...")]);
  const fingerprint = createHash("md5")
    .update(Buffer.concat([Buffer.from(ip), userAgent]))
    .digest("hex");
  const alertInfo = `${nowDateTime()} - ${ip} ${userAgent.toString()}`;

  const origins = await findAllAuthOriginsByRecord(e.app, record);
  const known = origins.find((o) => o.getString("fingerprint") === fingerprint);
  const current = known ?? newAuthOrigin(e.app, record, fingerprint);

  if (origins.length > 0 && !known && record.email() !== "") await sendWithin(e, record, alertInfo);

  if (!known && origins.length >= maxAuthOrigins) {
    for (const old of origins.slice(maxAuthOrigins - 1).reverse()) {
      await e.app
        .delete(old)
        .catch((err: unknown) =>
          e.app.logger().warn("failed to delete an old auth origin", { authOriginId: old.id, error: String(err) }),
        );
    }
  }
  // saved even when known: its `updated` date tells when the origin was last used
  await e.app.save(current);
}

/**
 * sendWithin sends the alert mail, failing after 15 seconds so that an unreachable mail server doesn't
 * hold the login (the send itself goes on in the background).
 */
async function sendWithin(e: RequestEvent, record: RecordModel, info: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("auth alert mail send wait timeout reached")), alertSendTimeoutMs);
  });
  try {
    await Promise.race([sendRecordAuthAlert(e.app, record, info), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
