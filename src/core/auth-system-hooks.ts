import type { App } from "./app.ts";
import { registerAuthOriginHooks } from "./auth-origin-hooks.ts";
import { registerExternalAuthHooks } from "./external-auth-hooks.ts";
import { registerMfaHooks } from "./mfa-hooks.ts";
import { registerOtpHooks } from "./otp-hooks.ts";
import { registerExpiredOtpAndMfaCleanup } from "./otp-mfa-cleanup.ts";
import { bindRecordRefHooks } from "./record-ref-hooks.ts";

/**
 * registerAuthSystemHooks binds the rules of the system collections that hang off auth records (`_otps`,
 * `_mfas`, `_authOrigins`, `_externalAuths`) and the hourly cron jobs deleting expired OTPs and MFA sessions.
 */
export function registerAuthSystemHooks(app: App): void {
  registerOtpHooks(app);
  registerMfaHooks(app);
  registerAuthOriginHooks(app);
  bindRecordRefHooks(app, "_externalAuths");
  registerExternalAuthHooks(app);
  registerExpiredOtpAndMfaCleanup(app);
}
