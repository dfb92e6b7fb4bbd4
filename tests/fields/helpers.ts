import { expect } from "bun:test";
import PocketBase from "pocketbase";

let counter = 0;
const created: string[] = [];

/** FieldsServer is what a field test needs: a superuser client and a way to stop. */
export interface FieldsServer {
  pb: PocketBase;
  stop(): Promise<void>;
}

/**
 * startServer starts Satchel for a test file. With SATCHEL_REFERENCE_URL (and SATCHEL_REFERENCE_EMAIL and
 * SATCHEL_REFERENCE_PASSWORD of a superuser) naming a running PocketBase, the same tests run against it
 * instead, which is how their expectations were checked.
 */
export async function startServer(): Promise<FieldsServer> {
  const reference = process.env.SATCHEL_REFERENCE_URL;
  if (!reference) {
    // loaded only here, so a reference run doesn't depend on the server's code
    const { startTestServer } = await import("../helpers/test-app.ts");
    return startTestServer();
  }
  const pb = new PocketBase(reference);
  pb.autoCancellation(false);
  await pb
    .collection("_superusers")
    .authWithPassword(process.env.SATCHEL_REFERENCE_EMAIL ?? "", process.env.SATCHEL_REFERENCE_PASSWORD ?? "");
  return {
    pb,
    async stop() {
      for (const name of created.splice(0).reverse()) await pb.collections.delete(name).catch(() => {});
    },
  };
}

/** createCollection creates a base collection with the given fields under a fresh name and returns the name. */
export async function createCollection(pb: PocketBase, fields: Record<string, unknown>[], extra = {}): Promise<string> {
  const name = `f${++counter}_${crypto.randomUUID().slice(0, 6)}`;
  await pb.collections.create({ name, type: "base", fields, ...extra });
  created.push(name);
  return name;
}

/** expectFieldError awaits a request that must fail with a 400 whose data holds `code` under `field`. */
export async function expectFieldError(
  request: Promise<unknown>,
  field: string,
  code: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  let failure: unknown;
  try {
    await request;
  } catch (err) {
    failure = err;
  }
  expect(failure).toMatchObject({ status: 400, response: { status: 400, data: { [field]: { code, ...extra } } } });
}

/** settingsFailure creates a collection with one field that must be refused and returns the field's errors. */
export async function settingsFailure(
  pb: PocketBase,
  field: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let failure: unknown;
  try {
    await pb.collections.create({
      name: `s${++counter}_${crypto.randomUUID().slice(0, 6)}`,
      type: "base",
      fields: [field],
    });
  } catch (err) {
    failure = err;
  }
  expect(failure).toMatchObject({ status: 400, response: { message: "Failed to create collection." } });
  return (failure as { response: { data: { fields: Record<string, Record<string, unknown>> } } }).response.data.fields[
    "1"
  ] as Record<string, unknown>;
}

/** expectSettingsError expects a collection create to fail with `code` under `fields.1.<option>`. */
export async function expectSettingsError(
  pb: PocketBase,
  field: Record<string, unknown>,
  option: string,
  code: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  expect(await settingsFailure(pb, field)).toMatchObject({ [option]: { code, ...extra } });
}

/** form builds a multipart body; arrays become repeated keys. */
export function form(values: Record<string, string | Blob | (string | Blob)[]>): FormData {
  const f = new FormData();
  for (const [key, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) f.append(key, item);
  }
  return f;
}
