/**
 * Checkout attempts in the cart's Redis: `<prefix>checkout:<orderId>` (the CheckoutRecord as JSON,
 * kept CHECKOUT_RECORD_SECONDS for replays) and the attempt's lock `<prefix>checkout-lock:<orderId>`
 * (SET NX PX: one attempt per order at a time; a concurrent one is 409 CHECKOUT_IN_PROGRESS).
 */
import type { RedisClient } from "@drops/clients";
import { parseRecord, type CheckoutRecord } from "../domain/checkout.ts";
import { cartKey } from "./carts.ts";

/** Deletes the lock only when it is still this attempt's (an expired and re-taken lock is left alone). */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export type Checkouts = {
  find(orderId: string): Promise<CheckoutRecord | null>;
  save(orderId: string, record: CheckoutRecord): Promise<void>;
  /**
   * Stores the answered record and removes the checked-out lines from the buyer's cart, in one
   * MULTI: a replay never finds the answer while the cart still shows those lines.
   */
  complete(orderId: string, record: CheckoutRecord, cartTtlMs: number): Promise<void>;
  /** Takes the attempt's lock with `token`; false when another attempt holds it. */
  lock(orderId: string, token: string): Promise<boolean>;
  unlock(orderId: string, token: string): Promise<void>;
};

export function createCheckouts(redis: RedisClient, opts: { prefix: string; recordSeconds: number; lockMs: number }): Checkouts {
  const recordKey = (orderId: string) => `${opts.prefix}checkout:${orderId}`;
  const lockKey = (orderId: string) => `${opts.prefix}checkout-lock:${orderId}`;
  return {
    async find(orderId) {
      return parseRecord(await redis.get(recordKey(orderId)));
    },
    async save(orderId, record) {
      await redis.set(recordKey(orderId), JSON.stringify(record), "EX", opts.recordSeconds);
    },
    async complete(orderId, record, cartTtlMs) {
      const cart = cartKey(opts.prefix, record.buyerId);
      const m = redis.multi().set(recordKey(orderId), JSON.stringify(record), "EX", opts.recordSeconds);
      if (record.lines.length > 0) m.hdel(cart, ...record.lines.map((l) => l.productId)).pexpire(cart, cartTtlMs);
      const results = (await m.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
    },
    async lock(orderId, token) {
      return (await redis.set(lockKey(orderId), token, "PX", opts.lockMs, "NX")) === "OK";
    },
    async unlock(orderId, token) {
      await redis.eval(UNLOCK, 1, lockKey(orderId), token);
    },
  };
}
