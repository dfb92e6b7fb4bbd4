import { expect, test } from "bun:test";
import { decrypt, encrypt } from "../../src/tools/security/encrypt.ts";

const data = new TextEncoder().encode('{"meta":{"appName":"Acme"}}');

test("encrypt seals with AES-GCM under 16, 24 or 32 character keys, with a fresh nonce each time", () => {
  for (const key of ["k".repeat(16), "k".repeat(24), "k".repeat(32)]) {
    const a = encrypt(data, key);
    const b = encrypt(data, key);
    expect(a).not.toBe(b);
    // standard base64 of a 12-byte nonce, the ciphertext and a 16-byte tag
    expect(a).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(a, "base64").length).toBe(12 + data.length + 16);
    expect(decrypt(a, key)).toEqual(data);
  }
});

test("a key of another length is refused with Go's message", () => {
  expect(() => encrypt(data, "short")).toThrow("crypto/aes: invalid key size 5");
  expect(() => decrypt("AAAA", "k".repeat(33))).toThrow("crypto/aes: invalid key size 33");
  // bytes, not characters, as Go counts them: 10 characters of 2 bytes each
  expect(() => encrypt(data, "é".repeat(10))).toThrow("crypto/aes: invalid key size 20");
  expect(decrypt(encrypt(data, "é".repeat(16)), "é".repeat(16))).toEqual(data);
});

test("a wrong key, an altered or truncated text, or bad base64 fails to decrypt", () => {
  const key = "0123456789abcdef0123456789abcdef";
  const sealed = encrypt(data, key);
  expect(() => decrypt(sealed, "0123456789abcdef0123456789abcdeX")).toThrow("cipher: message authentication failed");
  const bytes = Buffer.from(sealed, "base64");
  bytes[20] = (bytes[20] ?? 0) ^ 1;
  expect(() => decrypt(bytes.toString("base64"), key)).toThrow("cipher: message authentication failed");
  expect(() => decrypt(Buffer.from(sealed, "base64").subarray(0, 20).toString("base64"), key)).toThrow(
    "cipher: message authentication failed",
  );
  expect(() => decrypt("", key)).toThrow("cipher: message authentication failed");
  expect(() => decrypt(`${sealed}!`, key)).toThrow("illegal base64 data");
  expect(() => decrypt(sealed.replaceAll("=", ""), key)).toThrow();
  // Go's decoder skips line breaks
  expect(decrypt(`${sealed.slice(0, 10)}\r\n${sealed.slice(10)}`, key)).toEqual(data);
});
