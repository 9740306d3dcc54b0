import t from "tap";
import { createServiceApp, loadConfigOrExit, serviceSpec, startService } from "../src/index.ts";

t.test("startService listens, reports the URL, and closes once", async (t) => {
  let onCloseCalls = 0;
  let afterCloseCalls = 0;
  const running = await startService({
    name: "test",
    build: () => createServiceApp({ name: "test", logLevel: "silent" }),
    listen: { host: "127.0.0.1", port: 0 },
    onClose: async () => {
      onCloseCalls++;
    },
    afterClose: async () => {
      afterCloseCalls++;
    },
  });
  t.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${running.url}/health`);
  t.equal(res.status, 200);
  await Promise.all([running.close(), running.close()]);
  t.equal(onCloseCalls, 1);
  t.equal(afterCloseCalls, 1);
});

t.test("startService fails cleanly when the port is taken", async (t) => {
  const first = await startService({ name: "a", build: () => createServiceApp({ name: "a", logLevel: "silent" }), listen: { host: "127.0.0.1", port: 0 } });
  t.teardown(() => first.close());
  const port = Number(new URL(first.url).port);
  let closed = false;
  await t.rejects(
    startService({
      name: "b",
      build: () => createServiceApp({ name: "b", logLevel: "silent" }),
      listen: { host: "127.0.0.1", port },
      onClose: async () => {
        closed = true;
      },
    }),
    { code: "EADDRINUSE" },
  );
  t.ok(closed);
  t.equal(process.exitCode, 1);
  process.exitCode = 0;
});

t.test("serviceSpec defaults and loadConfigOrExit", async (t) => {
  const config = loadConfigOrExit(serviceSpec("gateway", 3000), {});
  t.equal(config.PORT, 3000);
  t.equal(config.SERVICE_NAME, "gateway");
  t.equal(config.READY_TIMEOUT_MS, 2000);
  const custom = loadConfigOrExit(serviceSpec("gateway", 3000), { GATEWAY_PORT: "4000", READY_TIMEOUT_MS: "500" });
  t.equal(custom.PORT, 4000);
  t.equal(custom.READY_TIMEOUT_MS, 500);
});

t.test("serviceSpec reads the port from <NAME>_PORT, or from the variable portVar names", async (t) => {
  const env = { PORT: "4100", CATALOG_PORT: "4101", DROP_SEARCH_PORT: "4102" };
  t.same(
    [loadConfigOrExit(serviceSpec("catalog", 3001), env).PORT, loadConfigOrExit(serviceSpec("drop-search", 3009), env).PORT, loadConfigOrExit(serviceSpec("gateway", 3000, { portVar: "PORT" }), env).PORT],
    [4101, 4102, 4100],
  );
  t.equal(loadConfigOrExit(serviceSpec("catalog", 3001), { PORT: "4100" }).PORT, 3001, "plain PORT does not move another service");
});

t.test("startService starts workers after the build, stops them first, and closes the app when they fail to start", async (t) => {
  const order: string[] = [];
  const running = await startService({
    name: "w",
    build: () => createServiceApp({ name: "w", logLevel: "silent" }),
    workers: async () => {
      order.push("workers started");
      return { stop: async () => void order.push("workers stopped") };
    },
    listen: { host: "127.0.0.1", port: 0 },
    onClose: async () => void order.push("onClose"),
    afterClose: async () => void order.push("afterClose"),
  });
  await running.close();
  t.same(order, ["workers started", "workers stopped", "onClose", "afterClose"]);

  let closed = false;
  let after = false;
  await t.rejects(
    startService({
      name: "x",
      build: async () => {
        const app = await createServiceApp({ name: "x", logLevel: "silent" });
        app.addHook("onClose", async () => {
          closed = true;
        });
        return app;
      },
      workers: async () => {
        throw new Error("no broker");
      },
      listen: { host: "127.0.0.1", port: 0 },
      afterClose: async () => {
        after = true;
      },
    }),
    /no broker/,
  );
  t.ok(closed, "the app was closed");
  t.ok(after, "afterClose ran");
});

t.test("a stop drains first: /ready 503 and routes still served with Connection: close for drainMs, then the workers stop", async (t) => {
  const order: string[] = [];
  const running = await startService({
    name: "d",
    build: async () => {
      const app = await createServiceApp({ name: "d", logLevel: "silent" });
      app.get("/work", async () => ({ ok: true }));
      return app;
    },
    workers: async () => ({ stop: async () => void order.push("workers stopped") }),
    listen: { host: "127.0.0.1", port: 0 },
    drainMs: 400,
  });
  const before = await fetch(`${running.url}/ready`);
  t.equal(before.status, 200, "ready before the stop");
  const started = Date.now();
  const closing = running.close();
  const ready = await fetch(`${running.url}/ready`);
  t.equal(ready.status, 503, "not ready while draining");
  t.match(await ready.json(), { code: "NOT_READY", checks: { instance: "draining" } });
  const work = await fetch(`${running.url}/work`);
  t.equal(work.status, 200, "a request while draining is served");
  t.equal(work.headers.get("connection"), "close", "and its connection is not kept alive");
  t.same(order, [], "the workers still run while draining");
  await closing;
  t.ok(Date.now() - started >= 400, "the stop waited for the drain");
  t.same(order, ["workers stopped"]);
});

t.test("SHUTDOWN_DRAIN_MS defaults to 0 (no balancer: stop at once)", async (t) => {
  t.equal(loadConfigOrExit(serviceSpec("cart", 3004), {}).SHUTDOWN_DRAIN_MS, 0);
  t.equal(loadConfigOrExit(serviceSpec("cart", 3004), { SHUTDOWN_DRAIN_MS: "3000" }).SHUTDOWN_DRAIN_MS, 3000);
});
