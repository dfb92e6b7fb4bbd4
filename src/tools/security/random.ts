const alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** randomString returns a cryptographically random string of `length` characters from `alphabet`. */
export function randomString(length: number, alphabet: string = alphanumeric): string {
  const n = alphabet.length;
  // rejection sampling keeps the distribution uniform for alphabets that don't divide 256
  const limit = 256 - (256 % n);
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array((length - out.length) * 2));
    for (const b of bytes) {
      if (b >= limit) continue;
      out += alphabet[b % n];
      if (out.length === length) break;
    }
  }
  return out;
}

/** pseudorandomString is a fast non-cryptographic variant for ids that guard nothing (hook ids, temp names). */
export function pseudorandomString(length: number, alphabet: string = alphanumeric): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
