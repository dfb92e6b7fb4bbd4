import type { App } from "../core/app.ts";
import type { RecordModel } from "../core/record-model.ts";

/**
 * ResendThrottle remembers, for two minutes, which records were just sent a verification or password reset
 * mail, so repeated requests send nothing more (and still answer 204). One per app: the app and its
 * transaction-bound copies share their hook registry, which keys it.
 */
export class ResendThrottle {
  static readonly windowMs = 2 * 60 * 1000;
  static readonly #byApp = new WeakMap<object, ResendThrottle>();
  readonly #until = new Map<string, number>();

  static of(app: App): ResendThrottle {
    let t = ResendThrottle.#byApp.get(app.hooks);
    if (!t) {
      t = new ResendThrottle();
      ResendThrottle.#byApp.set(app.hooks, t);
    }
    return t;
  }

  has(key: string): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#until.delete(key);
    return false;
  }

  set(key: string): void {
    this.#until.set(key, Date.now() + ResendThrottle.windowMs);
  }

  remove(key: string): void {
    this.#until.delete(key);
  }
}

/** The throttle keys of a record's verification and password reset mails. */
export const verificationResendKey = (r: RecordModel) => `@limitVerificationEmail_${r.collection.id}${r.id}`;
export const passwordResetResendKey = (r: RecordModel) => `@limitPasswordResetEmail_${r.collection.id}${r.id}`;
