import type PocketBase from "pocketbase";
import { collections, records, users } from "./filter-table.ts";

/**
 * seedFixtures creates the filter-table collections and records through the API (so it works against
 * Satchel and PocketBase alike): collections first without relations, then with them, all listable.
 */
export async function seedFixtures(pb: PocketBase): Promise<void> {
  const ids = new Map<string, string>([["_pb_users_auth_", "_pb_users_auth_"]]);
  for (const c of collections) {
    const plain = c.fields.filter((f) => f.type !== "relation");
    const created = await pb.collections.create({
      name: c.name,
      type: c.type,
      fields: plain,
      listRule: "",
      viewRule: "",
      indexes: c.indexes ?? [],
    });
    ids.set(c.name, created.id);
  }
  for (const c of collections) {
    const existing = await pb.collections.getOne(c.name);
    const fields = [
      ...existing.fields,
      ...c.fields
        .filter((f) => f.type === "relation")
        .map((f) => ({ ...f, collectionId: ids.get(String(f.collectionId)) ?? f.collectionId })),
    ];
    await pb.collections.update(c.name, { fields });
  }
  for (const u of users) {
    await pb.collection("users").create({ ...u, password: "1234567890", passwordConfirm: "1234567890" });
  }
  for (const c of collections) {
    for (const r of records[c.name] ?? []) await pb.collection(c.name).create(r);
  }
}
