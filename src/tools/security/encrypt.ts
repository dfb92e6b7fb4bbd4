import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const nonceSize = 12;
const tagSize = 16;
const strictBase64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * cipherName picks AES-128, -192 or -256 GCM by the key's byte length, as Go's aes.NewCipher does; any other
 * length is refused with Go's message (PocketBase documents 32 characters, but accepts all three).
 */
function cipherName(key: Uint8Array): "aes-128-gcm" | "aes-192-gcm" | "aes-256-gcm" {
  if (key.length === 16) return "aes-128-gcm";
  if (key.length === 24) return "aes-192-gcm";
  if (key.length === 32) return "aes-256-gcm";
  throw new Error(`crypto/aes: invalid key size ${key.length}`);
}

/**
 * encrypt seals data with AES-GCM under the key's UTF-8 bytes, in PocketBase's format: standard base64 of
 * the random 12-byte nonce, the ciphertext and the 16-byte tag.
 */
export function encrypt(data: Uint8Array, key: string): string {
  const keyBytes = Buffer.from(key, "utf8");
  const nonce = randomBytes(nonceSize);
  const cipher = createCipheriv(cipherName(keyBytes), keyBytes, nonce);
  const sealed = Buffer.concat([nonce, cipher.update(data), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString("base64");
}

/** decrypt opens a value made by encrypt; a wrong key or altered text fails as Go's GCM does. */
export function decrypt(cipherText: string, key: string): Uint8Array {
  const keyBytes = Buffer.from(key, "utf8");
  const name = cipherName(keyBytes);
  // Go's decoder skips line breaks but is otherwise strict (padding, alphabet), unlike Buffer.from
  const text = cipherText.replace(/[\r\n]/g, "");
  if (text.length % 4 !== 0 || !strictBase64.test(text)) throw new Error("illegal base64 data");
  const sealed = Buffer.from(text, "base64");
  if (sealed.length < nonceSize + tagSize) throw new Error("cipher: message authentication failed");
  const decipher = createDecipheriv(name, keyBytes, sealed.subarray(0, nonceSize));
  decipher.setAuthTag(sealed.subarray(sealed.length - tagSize));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(nonceSize, sealed.length - tagSize)), decipher.final()]);
  } catch {
    throw new Error("cipher: message authentication failed");
  }
}
