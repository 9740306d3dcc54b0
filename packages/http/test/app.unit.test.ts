import t from "tap";
import type { FastifyBaseLogger } from "fastify";
import { createServiceApp, type ServiceClients } from "../src/index.ts";

const config = { SERVICE_NAME: "svc", LOG_LEVEL: "silent" as const, BODY_LIMIT_BYTES: 2048, READY_TIMEOUT_MS: 50 };

function fakeClients(events: string[]): ServiceClients & { logger?: FastifyBaseLogger } {
  const clients: ServiceClients & { logger?: FastifyBaseLogger } = {
    checks: { dep: async () => {} },
    setLogger: (logger) => {
      clients.logger = logger;
    },
    close: async () => {
      events.push("clients closed");
    },
  };
  return clients;
}

t.test("with config and clients: the clients' checks, their logger, closed after the service's onClose hooks", async (t) => {
  const events: string[] = [];
  const clients = fakeClients(events);
  const app = await createServiceApp({
    config,
    clients,
    setup: async (app) => {
      app.addHook("onClose", async () => {
        events.push("service hook");
      });
      app.post("/echo", async (request) => request.body);
    },
  });
  t.equal(clients.logger, app.log);
  const ready = await app.inject({ url: "/ready" });
  t.same(ready.json(), { status: "ready", checks: { dep: "ok" } });
  const big = await app.inject({ method: "POST", url: "/echo", payload: { s: "x".repeat(4096) } });
  t.equal(big.statusCode, 413, "BODY_LIMIT_BYTES applies");
  await app.close();
  t.same(events, ["service hook", "clients closed"]);
});

t.test("a failing setup closes the clients and rethrows", async (t) => {
  const events: string[] = [];
  await t.rejects(
    createServiceApp({
      config,
      clients: fakeClients(events),
      setup: async () => {
        throw new Error("boom");
      },
    }),
    { message: "boom" },
  );
  t.same(events, ["clients closed"]);
});

t.test("name or config.SERVICE_NAME is required", async (t) => {
  await t.rejects(createServiceApp({}), /SERVICE_NAME is required/);
});
