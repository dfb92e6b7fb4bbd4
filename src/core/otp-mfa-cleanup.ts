import type { App } from "./app.ts";
import { deleteExpiredMfas } from "./mfa-query.ts";
import { deleteExpiredOtps } from "./otp-query.ts";

const hourMs = 60 * 60 * 1000;

/** msUntilNextHour is the wait until the next full hour (the `0 * * * *` slot PocketBase's cron uses). */
function msUntilNextHour(now = Date.now()): number {
  return hourMs - (now % hourMs);
}

/**
 * registerExpiredOtpAndMfaCleanup deletes the expired OTPs and MFA sessions at every full hour while the app
 * serves: the timer starts with onServe and stops with onTerminate.
 */
export function registerExpiredOtpAndMfaCleanup(app: App): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const schedule = () => {
    timer = setTimeout(async () => {
      await deleteExpiredOtps(app).catch((err: unknown) =>
        app.logger().warn("failed to delete expired OTP sessions", { error: String(err) }),
      );
      await deleteExpiredMfas(app).catch((err: unknown) =>
        app.logger().warn("failed to delete expired MFA sessions", { error: String(err) }),
      );
      if (timer !== undefined) schedule();
    }, msUntilNextHour());
    timer.unref?.();
  };

  app.onServe().bind({
    id: "pbOtpMfaCleanupStart",
    priority: 999,
    func: async (e) => {
      stop();
      schedule();
      await e.next();
    },
  });
  app.onTerminate().bind({
    id: "pbOtpMfaCleanupStop",
    func: async (e) => {
      stop();
      await e.next();
    },
  });
}
