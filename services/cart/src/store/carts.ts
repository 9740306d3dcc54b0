/**
 * The carts in Redis: one hash per buyer, `<prefix>cart:<buyerId>`, field = productId, value =
 * "<quantity>:<addedAtMs>" (domain/cart.ts). Every change sets the key's TTL again, so a cart expires
 * CART_TTL_SECONDS after its last change; an empty cart has no key.
 */
import type { RedisClient } from "@drops/clients";
import { parseCart, type StoredLine } from "../domain/cart.ts";

export const cartKey = (prefix: string, buyerId: string) => `${prefix}cart:${buyerId}`;

/**
 * Sets a line, keeping its first-added time; refuses (0) a new line when the cart already has
 * `maxLines` distinct lines. One script, so two concurrent PUTs cannot both pass the cap.
 * KEYS[1] cart; ARGV productId, quantity, nowMs, maxLines, ttlMs.
 */
const PUT_LINE = `
local prev = redis.call('HGET', KEYS[1], ARGV[1])
local added = ARGV[3]
if prev then
  added = string.match(prev, ':(%d+)$') or ARGV[3]
elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. added)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

export type StoredCart = { lines: StoredLine[]; pttlMs: number };

export type Carts = {
  read(buyerId: string): Promise<StoredCart>;
  /** false: the cart is full (a new line over the cap); nothing written. */
  putLine(buyerId: string, productId: string, quantity: number, nowMs: number): Promise<boolean>;
  removeLine(buyerId: string, productId: string): Promise<void>;
};

export function createCarts(redis: RedisClient, opts: { prefix: string; ttlSeconds: number; maxLines: number }): Carts {
  const ttlMs = opts.ttlSeconds * 1000;
  const key = (buyerId: string) => cartKey(opts.prefix, buyerId);
  return {
    async read(buyerId) {
      const [hash, pttl] = await Promise.all([redis.hgetall(key(buyerId)), redis.pttl(key(buyerId))]);
      return { lines: parseCart(hash), pttlMs: pttl };
    },
    async putLine(buyerId, productId, quantity, nowMs) {
      const done = await redis.eval(PUT_LINE, 1, key(buyerId), productId, quantity, nowMs, opts.maxLines, ttlMs);
      return Number(done) === 1;
    },
    async removeLine(buyerId, productId) {
      await redis.multi().hdel(key(buyerId), productId).pexpire(key(buyerId), ttlMs).exec();
    },
  };
}
