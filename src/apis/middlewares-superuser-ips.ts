import type { RequestEvent } from "../core/request-event.ts";
import { isIpInList } from "../core/settings-ip.ts";
import { forbidden } from "../tools/router/api-error.ts";

/**
 * checkSuperuserIp refuses (403) a request authenticated as a superuser from an IP outside the settings'
 * `superuserIPs`, when that list is not empty. The default middleware runs it right after loading the token.
 */
export function checkSuperuserIp(e: RequestEvent): void {
  if (!e.isSuperuser()) return;
  const allowed = e.app.settings().superuserIPs;
  if (allowed.length > 0 && !isIpInList(allowed, e.realIp)) throw forbidden();
}
