import type { Queryable } from "../db/driver.ts";
import { ident, type SqlValue, sql } from "../db/sql.ts";
import { decrypt, encrypt } from "../tools/security/encrypt.ts";
import { nowDateTime } from "../tools/types/datetime.ts";
import { goQuote } from "../tools/types/json-raw.ts";
import { decodeSettingsPatch } from "./settings-decode.ts";
import { encodeSettings } from "./settings-encode.ts";
import { defaultSettings, type Settings } from "./settings-model.ts";

/**
 * The settings row of `_params`, in PocketBase's storage format: the JSON as a BLOB, or, when an encryption
 * key is set, its AES-GCM sealing (see tools/security/encrypt.ts) as TEXT.
 */
const paramsTable = ident("_params");
const settingsKey = "settings";

/** SettingsEncryption names the environment variable holding the settings key, and its value ("" when unset). */
export interface SettingsEncryption {
  env: string;
  key: string;
}

/** loadSettings reads the stored settings over the defaults, or returns null when there is no settings row. */
export async function loadSettings(db: Queryable, encryption: SettingsEncryption): Promise<Settings | null> {
  const row = await db.get<{ value: SqlValue }>(sql`SELECT value FROM ${paramsTable} WHERE id = ${settingsKey}`);
  if (!row) return null;
  const text = storedText(row.value);
  const plain = decodeStored(text);
  if (plain) return plain;
  // not plain JSON settings: PocketBase's encrypted form, or data no key can read
  if (encryption.key === "") {
    throw new Error(`invalid settings db data or missing encryption key ${goQuote(encryption.env)}`);
  }
  const decrypted = new TextDecoder().decode(decrypt(text, encryption.key));
  return decodeSettingsPatch(defaultSettings(), JSON.parse(decrypted));
}

/** saveSettings writes the settings row (encrypted when a key is set). */
export async function saveSettings(db: Queryable, settings: Settings, encryption: SettingsEncryption): Promise<void> {
  const json = new TextEncoder().encode(encodeSettings(settings));
  // a BLOB like PocketBase's []byte; its encrypted value is a Go string, so TEXT
  const value: SqlValue = encryption.key === "" ? json : encrypt(json, encryption.key);
  const now = nowDateTime();
  const res = await db.run(sql`UPDATE ${paramsTable} SET value = ${value}, updated = ${now} WHERE id = ${settingsKey}`);
  if (res.changes === 0) {
    await db.run(
      sql`INSERT INTO ${paramsTable} (id, value, created, updated) VALUES (${settingsKey}, ${value}, ${now}, ${now})`,
    );
  }
}

/** storedText is the stored value as Go reads it into bytes (NULL: none). */
function storedText(value: SqlValue): string {
  if (value === null) return "";
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return String(value);
}

/** decodeStored decodes plain JSON settings over the defaults, or returns null when the text isn't that. */
function decodeStored(text: string): Settings | null {
  try {
    return decodeSettingsPatch(defaultSettings(), JSON.parse(text));
  } catch {
    return null;
  }
}
