import { EventEmitter } from "node:events";
import t from "tap";
import { SCRIPT_VERSION, type Redis } from "@drops/inventory-service/purchase";
import { openStockGate } from "../../src/store/stock-gate.ts";

/** Just enough of an ioredis connection for the gate: a status, ready events and GET of the version key. */
class FakeRedis extends EventEmitter {
  status = "connecting";
  version: string | null = null;
  async get(): Promise<string | null> {
    if (this.status !== "ready") throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    return this.version;
  }
  becomeReady(): void {
    this.status = "ready";
    this.emit("ready");
  }
}

const quiet = () => {};
const log = { info: quiet, warn: quiet, error: quiet };
const gateOn = (redis: FakeRedis, waitMs = 1000) => openStockGate({ redis: redis as unknown as Redis, prefix: "p:", waitMs, connectMs: 50, pollMs: 10, log });
const until = async (ok: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return ok();
};

t.test("Redis not reachable at start: the gate starts closed and opens once the check passed on the ready connection", async (t) => {
  const redis = new FakeRedis();
  const gate = await gateOn(redis);
  t.teardown(() => gate.close());
  t.equal(gate.open, false, "closed: purchases answer 503");
  redis.version = SCRIPT_VERSION;
  redis.becomeReady();
  t.ok(await until(() => gate.open), "open after the check passed");
});

t.test("Redis comes up before the inventory: the gate waits for the version, then opens", async (t) => {
  const redis = new FakeRedis();
  const gate = await gateOn(redis, 100);
  t.teardown(() => gate.close());
  redis.becomeReady();
  await new Promise((r) => setTimeout(r, 250));
  t.equal(gate.open, false, "no version yet (past one waitMs: still waiting, not open)");
  redis.version = SCRIPT_VERSION;
  t.ok(await until(() => gate.open));
});

t.test("another version once Redis comes up: the gate stays closed", async (t) => {
  const redis = new FakeRedis();
  const gate = await gateOn(redis);
  t.teardown(() => gate.close());
  redis.version = "another";
  redis.becomeReady();
  await new Promise((r) => setTimeout(r, 100));
  t.equal(gate.open, false);
});

t.test("Redis ready at start: open at once with the same version; refused with another or none", async (t) => {
  const same = new FakeRedis();
  same.becomeReady();
  same.version = SCRIPT_VERSION;
  t.equal((await gateOn(same)).open, true);
  const other = new FakeRedis();
  other.becomeReady();
  other.version = "another";
  await t.rejects(gateOn(other), { name: "ScriptVersionError" });
  const none = new FakeRedis();
  none.becomeReady();
  await t.rejects(gateOn(none, 50), { name: "ScriptVersionAbsentError" });
});
