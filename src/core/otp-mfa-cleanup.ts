import type { App } from "./app.ts";
import { deleteExpiredMfas } from "./mfa-query.ts";
import { deleteExpiredOtps } from "./otp-query.ts";

/**
 * registerExpiredOtpAndMfaCleanup registers PocketBase's hourly jobs deleting the expired MFA sessions
 * (`__pbMFACleanup__`) and OTPs (`__pbOTPCleanup__`); they run on schedule while the app serves.
 */
export function registerExpiredOtpAndMfaCleanup(app: App): void {
  app.cron().add("__pbMFACleanup__", "0 * * * *", async () => {
    await deleteExpiredMfas(app).catch((err: unknown) =>
      app.logger().warn("Failed to delete expired MFA sessions", { error: String(err) }),
    );
  });
  app.cron().add("__pbOTPCleanup__", "0 * * * *", async () => {
    await deleteExpiredOtps(app).catch((err: unknown) =>
      app.logger().warn("Failed to delete expired OTP sessions", { error: String(err) }),
    );
  });
}
