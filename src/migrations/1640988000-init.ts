import type { App } from "../core/app.ts";
import { Collection } from "../core/collection-model.ts";
import { AutodateField } from "../core/field-date.ts";
import { FileField } from "../core/field-file.ts";
import { PasswordField } from "../core/field-password.ts";
import { TextField } from "../core/field-text.ts";
import type { Migration } from "../core/migrations-runner.ts";
import { dataTablesSql } from "../core/system-tables.ts";

const ownerRule =
  "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";

function timestamps(c: Collection, system: boolean): void {
  c.fields.add(new AutodateField({ name: "created", system, onCreate: true }));
  c.fields.add(new AutodateField({ name: "updated", system, onCreate: true, onUpdate: true }));
}

function systemBase(name: string, fieldNames: string[], rules: { delete?: boolean }, index: string): Collection {
  const c = Collection.create("base", name);
  c.system = true;
  c.listRule = ownerRule;
  c.viewRule = ownerRule;
  if (rules.delete) c.deleteRule = ownerRule;
  for (const f of fieldNames) c.fields.add(new TextField({ name: f, system: true, required: true }));
  timestamps(c, true);
  c.indexes.push(index);
  return c;
}

/** The tables and system collections of a new data directory, as PocketBase creates them. */
export const initMigration: Migration = {
  file: "1640988000_init.go",
  async up(app: App): Promise<void> {
    for (const statement of dataTablesSql(app.db.dialect)) await app.db.exec(statement);
    await app.reloadCachedCollections();

    await app.saveCollection(
      systemBase(
        "_mfas",
        ["collectionRef", "recordRef", "method"],
        {},
        "CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (collectionRef,recordRef)",
      ),
    );

    const otps = Collection.create("base", "_otps");
    otps.system = true;
    otps.listRule = ownerRule;
    otps.viewRule = ownerRule;
    otps.fields.add(new TextField({ name: "collectionRef", system: true, required: true }));
    otps.fields.add(new TextField({ name: "recordRef", system: true, required: true }));
    otps.fields.add(new PasswordField({ name: "password", system: true, hidden: true, required: true, cost: 8 }));
    otps.fields.add(new TextField({ name: "sentTo", system: true, hidden: true }));
    timestamps(otps, true);
    otps.indexes.push("CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (collectionRef, recordRef)");
    await app.saveCollection(otps);

    const externalAuths = systemBase(
      "_externalAuths",
      ["collectionRef", "recordRef", "provider", "providerId"],
      { delete: true },
      "CREATE UNIQUE INDEX `idx_externalAuths_record_provider` ON `_externalAuths` (collectionRef, recordRef, provider)",
    );
    externalAuths.indexes.push(
      "CREATE UNIQUE INDEX `idx_externalAuths_collection_provider` ON `_externalAuths` (collectionRef, provider, providerId)",
    );
    await app.saveCollection(externalAuths);

    await app.saveCollection(
      systemBase(
        "_authOrigins",
        ["collectionRef", "recordRef", "fingerprint"],
        { delete: true },
        "CREATE UNIQUE INDEX `idx_authOrigins_unique_pairs` ON `_authOrigins` (collectionRef, recordRef, fingerprint)",
      ),
    );

    const superusers = Collection.create("auth", "_superusers");
    superusers.system = true;
    timestamps(superusers, true);
    superusers.auth.authToken.duration = 86400;
    await app.saveCollection(superusers);

    const users = Collection.create("auth", "users", "_pb_users_auth_");
    users.listRule = "id = @request.auth.id";
    users.viewRule = "id = @request.auth.id";
    users.createRule = "";
    users.updateRule = "id = @request.auth.id";
    users.deleteRule = "id = @request.auth.id";
    users.fields.add(new TextField({ name: "name", max: 255 }));
    users.fields.add(
      new FileField({
        name: "avatar",
        maxSelect: 1,
        mimeTypes: ["image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"],
      }),
    );
    timestamps(users, false);
    users.auth.oauth2.mappedFields.name = "name";
    users.auth.oauth2.mappedFields.avatarURL = "avatar";
    await app.saveCollection(users);
  },
};
