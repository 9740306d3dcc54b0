/**
 * Password hashes: `scrypt$N$r$p$<salt b64>$<key b64>` (node:crypto scrypt, 16-byte random salt, the
 * parameters stored with the hash) and their constant-time check.
 *
 * Why in domain/: this is the catalog's rule for credentials, not persistence, and it does no I/O
 * (it imports node:crypto only, which domain/ allows). It is async only because scrypt runs on
 * libuv's thread pool, so a hash (16 MiB of work memory) never blocks the event loop; the salt may be passed
 * in like any other generated value (tests never need to).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const PARAMS = { N: 16_384, r: 8, p: 1 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize("NFKC"), salt, keyLength, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The stored form of `password`, with a fresh random salt unless one is given. */
export async function hashPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES)): Promise<string> {
  const key = await scrypt(password, salt, KEY_LENGTH, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** Constant-time check of `password` against a stored hash; false on any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p) return false;
  const salt = Buffer.from(parts[4]!, "base64");
  const expected = Buffer.from(parts[5]!, "base64");
  if (expected.length === 0) return false;
  const actual = await scrypt(password, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/** A hash of a random password: login checks unknown e-mails against it so they take as long as known ones. */
export const DUMMY_HASH: Promise<string> = hashPassword(randomBytes(12).toString("hex"));
