/** Checks of the values the stock wrappers pass to the scripts: refused before Redis, with a clear error. */
export type PurchaseInfo = { amountCents?: number; currency?: string; paymentMethod?: string };

const TOKEN = /^[A-Za-z0-9_.:/-]{0,128}$/;
const TRACEPARENT = /^$|^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function nonNegInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

export function id(name: string, v: string): string {
  if (typeof v !== "string" || v.length === 0 || v.length > 200) throw new TypeError(`${name} must be 1-200 characters`);
  return v;
}

/** A short token ([A-Za-z0-9_.:/-], at most 128); "" when undefined. */
export function token(name: string, v: string | undefined): string {
  if (v === undefined) return "";
  if (!TOKEN.test(v)) throw new TypeError(`${name} must match ${TOKEN.source}`);
  return v;
}

/** ARGV of what the saga needs to charge, and the request's traceparent ("" where unknown). */
export function purchaseArgs(p: PurchaseInfo | undefined, traceparent: string | undefined): string[] {
  if (traceparent !== undefined && !TRACEPARENT.test(traceparent)) throw new TypeError("traceparent is not a W3C traceparent");
  const amount = p?.amountCents === undefined ? "" : String(nonNegInt("amountCents", p.amountCents));
  return [amount, token("currency", p?.currency), token("paymentMethod", p?.paymentMethod), traceparent ?? ""];
}

/** nowMs, or "" so the script uses Redis server time. */
export function now(v: number | undefined): number | string {
  return v === undefined ? "" : nonNegInt("nowMs", v);
}
