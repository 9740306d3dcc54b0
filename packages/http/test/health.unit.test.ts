import t from "tap";
import { createServiceApp, runChecks } from "../src/index.ts";

t.test("/health is always 200", async (t) => {
  const app = await createServiceApp({ name: "test", logLevel: "silent", checks: { db: () => Promise.reject(new Error("down")) } });
  t.teardown(() => app.close());
  const res = await app.inject({ url: "/health" });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: "ok" });
});

t.test("/ready is 200 when every check passes", async (t) => {
  const app = await createServiceApp({ name: "test", logLevel: "silent", checks: { a: async () => {}, b: async () => {} } });
  t.teardown(() => app.close());
  const res = await app.inject({ url: "/ready" });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: "ready", checks: { a: "ok", b: "ok" } });
});

t.test("/ready is 503 NOT_READY naming the failing check", async (t) => {
  const app = await createServiceApp({
    name: "test",
    logLevel: "silent",
    checks: { a: async () => {}, redis: () => Promise.reject(new Error("connect ECONNREFUSED")) },
  });
  t.teardown(() => app.close());
  const res = await app.inject({ url: "/ready" });
  t.equal(res.statusCode, 503);
  t.equal(res.json().code, "NOT_READY");
  t.same(res.json().checks, { a: "ok", redis: "connect ECONNREFUSED" });
});

t.test("a hanging check times out", async (t) => {
  const app = await createServiceApp({
    name: "test",
    logLevel: "silent",
    readyTimeoutMs: 100,
    checks: { slow: () => new Promise<void>(() => {}) },
  });
  t.teardown(() => app.close());
  const started = Date.now();
  const res = await app.inject({ url: "/ready" });
  t.ok(Date.now() - started < 1000);
  t.equal(res.statusCode, 503);
  t.match(res.json().checks.slow, /timed out after 100 ms/);
});

t.test("runChecks: synchronous throws and non-Error rejections are reported", async (t) => {
  const result = await runChecks(
    {
      sync: () => {
        throw new Error("sync boom");
      },
      str: () => Promise.reject(new Error("")),
    },
    100,
  );
  t.equal(result.ok, false);
  t.equal(result.checks["sync"], "sync boom");
  t.equal(result.checks["str"], "Error");
});

t.test("/ready with no checks is ready", async (t) => {
  const app = await createServiceApp({ name: "test", logLevel: "silent" });
  t.teardown(() => app.close());
  t.same((await app.inject({ url: "/ready" })).json(), { status: "ready", checks: {} });
});
