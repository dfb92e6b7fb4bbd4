import type { App } from "../core/app.ts";
import type { RecordModel } from "../core/record-model.ts";
import type { ClusterBus } from "../tools/cluster/bus.ts";

/** The bus channel of the resend throttle: `{key, set}`, a mail just sent (true) or the hold lifted (false). */
const resendChannel = "auth.resendThrottle";

/**
 * ResendThrottle remembers, for two minutes, which records were just sent a verification or password reset
 * mail, so repeated requests send nothing more (and still answer 204). One per app: the app and its
 * transaction-bound copies share their hook registry, which keys it.
 */
export class ResendThrottle {
  static readonly windowMs = 2 * 60 * 1000;
  static readonly #byApp = new WeakMap<object, ResendThrottle>();
  readonly #until = new Map<string, number>();

  /** The bus to the cluster's other processes, which keep the same throttle (null: alone). */
  #bus: ClusterBus | null = null;

  static of(app: App): ResendThrottle {
    let t = ResendThrottle.#byApp.get(app.hooks);
    if (!t) {
      const created = new ResendThrottle();
      t = created;
      created.#bus = app.cluster();
      ResendThrottle.#byApp.set(app.hooks, t);
      // in a cluster, a mail sent by one process holds back the same mail from the others
      app.cluster().subscribe(resendChannel, (data) => {
        const d = data as { key?: unknown; set?: unknown } | null;
        if (typeof d?.key !== "string") return;
        if (d.set === true) created.#until.set(d.key, Date.now() + ResendThrottle.windowMs);
        else created.#until.delete(d.key);
      });
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
    if (this.#bus && this.#bus.peers() > 0) this.#bus.publish(resendChannel, { key, set: true });
  }

  remove(key: string): void {
    this.#until.delete(key);
    if (this.#bus && this.#bus.peers() > 0) this.#bus.publish(resendChannel, { key, set: false });
  }
}

/** The throttle keys of a record's verification and password reset mails. */
export const verificationResendKey = (r: RecordModel) => `@limitVerificationEmail_${r.collection.id}${r.id}`;
export const passwordResetResendKey = (r: RecordModel) => `@limitPasswordResetEmail_${r.collection.id}${r.id}`;
