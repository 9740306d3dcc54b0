/**
 * The purchase path runs the inventory's Lua scripts on the stock Redis, so this build's scripts must
 * be the version the inventory runs (it writes its SCRIPT_VERSION there when it starts). The gate
 * holds purchases until that check has passed once on a ready connection:
 * - Redis ready, the same version: open.
 * - Redis ready, another version: openStockGate rejects with the inventory's ScriptVersionError
 *   (the gateway refuses to start).
 * - Redis ready, no version yet (the inventory has not started): polls for up to `waitMs`, then
 *   rejects (refuses to start).
 * - Redis not ready within `connectMs`: resolves with the gate closed (the storefront serves,
 *   purchases answer 503 UNAVAILABLE); the check runs when the connection becomes ready.
 */
import type { FastifyBaseLogger } from "fastify";
import { checkScriptVersion, ScriptVersionError, SCRIPT_VERSION, type Redis } from "./stock.ts";

export type StockGate = {
  /** True once the script version was found equal to this build's. */
  readonly open: boolean;
  /** Stops waiting (app close). */
  close(): void;
};

export type StockGateOptions = {
  redis: Redis;
  prefix: string;
  /** Longest wait for the inventory's version key to appear. */
  waitMs: number;
  /** How long the start waits for the connection before going on with the gate closed. */
  connectMs: number;
  /** Interval of the checks while the key is absent. Default 250 ms. */
  pollMs?: number;
  log: Pick<FastifyBaseLogger, "info" | "warn" | "error">;
};

/** The version key did not appear within `waitMs`. */
export class ScriptVersionAbsentError extends Error {
  constructor(prefix: string, waitMs: number) {
    super(
      `the inventory's stock scripts are not on the stock Redis: no script version under key prefix ${JSON.stringify(prefix)} ` +
        `after ${waitMs} ms (this gateway needs version ${SCRIPT_VERSION}); start the inventory service (same REDIS_URL and STOCK_KEY_PREFIX) first`,
    );
    this.name = "ScriptVersionAbsentError";
  }
}

const refusesStart = (err: unknown) => err instanceof ScriptVersionError || err instanceof ScriptVersionAbsentError;

/** Resolves once the connection is ready, or after `ms` or a connection error (never rejects). */
function readyWithin(redis: Redis, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (redis.status === "ready") return resolve();
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      redis.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once("ready", done);
    redis.once("error", done);
  });
}

export async function openStockGate(o: StockGateOptions): Promise<StockGate> {
  const pollMs = o.pollMs ?? 250;
  let open = false;
  let closed = false;
  let checking = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  /** Resolves when the version matched; rejects on a mismatch, on absence past `waitMs`, or a Redis error. */
  const waitForVersion = async (): Promise<void> => {
    const deadline = Date.now() + o.waitMs;
    for (let attempt = 0; ; attempt++) {
      if ((await checkScriptVersion(o.redis, { prefix: o.prefix })) === "ok") {
        open = true;
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0 || closed) throw new ScriptVersionAbsentError(o.prefix, o.waitMs);
      if (attempt === 0) o.log.info({ prefix: o.prefix, waitMs: o.waitMs }, "waiting for the inventory's stock script version on Redis");
      await sleep(Math.min(pollMs, left));
    }
  };

  /** After a start without Redis: checks on each ready connection until it passed once. */
  const checkInBackground = () => {
    if (open || checking || closed) return;
    checking = true;
    void (async () => {
      try {
        for (;;) {
          try {
            await waitForVersion();
            o.log.info("stock script version checked: purchases open");
            return;
          } catch (err) {
            if (!(err instanceof ScriptVersionAbsentError) || closed) throw err;
            o.log.error({ err }, "purchases answer 503 until the inventory writes its script version");
          }
        }
      } catch (err) {
        if (closed) return;
        if (err instanceof ScriptVersionError) o.log.error({ err }, `purchases answer 503: ${err.message}`);
        else o.log.warn({ err }, "stock script version not checked yet (Redis); purchases answer 503 until it is");
      } finally {
        checking = false;
      }
    })();
  };

  await readyWithin(o.redis, o.connectMs);
  if (o.redis.status === "ready") {
    try {
      await waitForVersion();
    } catch (err) {
      if (refusesStart(err)) throw err;
      o.log.warn({ err }, "stock script version not checked yet (Redis); purchases answer 503 until it is");
    }
  } else {
    o.log.warn({ prefix: o.prefix }, "stock Redis not reachable at start: purchases answer 503 until it is and the script version is checked");
  }
  if (!open) {
    o.redis.on("ready", checkInBackground);
    if (o.redis.status === "ready") checkInBackground();
  }

  return {
    get open() {
      return open;
    },
    close() {
      closed = true;
      o.redis.off("ready", checkInBackground);
      clearTimeout(timer);
      wake?.();
    },
  };
}
