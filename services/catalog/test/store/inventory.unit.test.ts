import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import t from "tap";
import { testInternalAuth } from "@drops/http/testing";
import { httpDropScheduler, httpProductStock } from "../../src/store/inventory.ts";
import type { DropView } from "../../src/domain/drops.ts";

/** The catalog's signer: every call carries its service assertion (checked on the first call). */
const auth = testInternalAuth("catalog");

const drop: DropView = {
  dropId: "5b0d9f8e-2c1a-4e3b-9f7d-1a2b3c4d5e6f", productId: "p", sellerId: "s", name: "n", description: "d", priceCents: 1,
  startsAt: "2030-01-01T10:00:00.000Z", units: 100, available: 100, perBuyerLimit: 2, holdSeconds: 120, status: "scheduled", createdAt: "2029-01-01T00:00:00.000Z",
};

async function inventoryStub(t: { teardown: (fn: () => unknown) => void }, answer: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const seen: { method: string; url: string; body: unknown }[] = [];
  const assertions: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", body: JSON.parse(body) as unknown });
      assertions.push(String(req.headers["x-internal-assertion"] ?? ""));
      answer(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, assertions };
}

t.test("PUT /internal/drops/:dropId with the schedule", async (t) => {
  const stub = await inventoryStub(t, (_req, _body, res) => res.writeHead(201, { "content-type": "application/json" }).end("{}"));
  await httpDropScheduler(stub.url, 1000, auth)(drop);
  t.same(stub.seen, [{ method: "PUT", url: `/internal/drops/${drop.dropId}`, body: { total: 100, startsAt: drop.startsAt, perBuyerLimit: 2, holdSeconds: 120 } }]);
  t.match(testInternalAuth("inventory").verify(stub.assertions[0]!), { iss: "catalog", sub: "catalog", roles: ["service"], aud: "inventory" }, "the catalog's own service assertion, for the inventory");
});

t.test("failures: 5xx and unreachable are 503, 409 is DROP_ALREADY_LOADED", async (t) => {
  const failing = await inventoryStub(t, (_req, _body, res) => res.writeHead(500).end("boom"));
  await t.rejects(httpDropScheduler(failing.url, 1000, auth)(drop), { statusCode: 503, code: "UNAVAILABLE" });
  const loaded = await inventoryStub(t, (_req, _body, res) =>
    res.writeHead(409, { "content-type": "application/json" }).end(JSON.stringify({ code: "DROP_ALREADY_LOADED", message: "drop is already loaded" })),
  );
  await t.rejects(httpDropScheduler(loaded.url, 1000, auth)(drop), { statusCode: 409, code: "DROP_ALREADY_LOADED" });
  await t.rejects(httpDropScheduler("http://127.0.0.1:1", 1000, auth)(drop), { statusCode: 503, code: "UNAVAILABLE" });
  const slow = await inventoryStub(t, () => undefined);
  await t.rejects(httpDropScheduler(slow.url, 100, auth)(drop), { statusCode: 503, code: "UNAVAILABLE" }, "timeout");
});

t.test("httpProductStock: PUT .../stock {total}, POST .../restock {units}; failures are 503", async (t) => {
  const stub = await inventoryStub(t, (req, _body, res) =>
    res.writeHead(req.method === "PUT" ? 201 : 200, { "content-type": "application/json" }).end(JSON.stringify({ productId: "p1", stock: 5, available: 4 })));
  const stock = httpProductStock(stub.url, 1000, auth);
  t.same(await stock.set("p1", 5), { productId: "p1", stock: 5, available: 4 });
  t.same(await stock.restock("p1", 2), { productId: "p1", stock: 5, available: 4 });
  t.same(stub.seen, [
    { method: "PUT", url: "/internal/products/p1/stock", body: { total: 5 } },
    { method: "POST", url: "/internal/products/p1/restock", body: { units: 2 } },
  ]);
  const refused = await inventoryStub(t, (_req, _body, res) =>
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: "VALIDATION_FAILED", message: "no" })));
  await t.rejects(httpProductStock(refused.url, 1000, auth).set("p1", 1), { statusCode: 503, code: "UNAVAILABLE" });
  await t.rejects(httpProductStock("http://127.0.0.1:1", 1000, auth).restock("p1", 1), { statusCode: 503, code: "UNAVAILABLE" });
});
