import type { App } from "../core/app.ts";
import { TextField } from "../core/field-text.ts";
import type { Migration } from "../core/migrations-runner.ts";

/** From PocketBase's v0.23 release candidates: the hidden `sentTo` field of `_otps` (where the OTP was sent). */
export const v023Migration4: Migration = {
  file: "1717233559_v0.23_migrate4.go",
  async up(app: App): Promise<void> {
    const otps = app.findCachedCollectionByNameOrId("_otps");
    if (!otps) throw new Error("missing the _otps collection");
    if (otps.fields.byName("sentTo")) return;
    const next = otps.clone();
    next.fields.add(new TextField({ name: "sentTo", system: true, hidden: true }));
    await app.saveCollection(next);
  },
};
