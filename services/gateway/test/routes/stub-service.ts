/** A tiny HTTP stand-in for an internal service (order, inventory): answers from `routes`, records the calls. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

type Teardown = { teardown: (fn: () => unknown) => void };
export type StubCall = { method: string; url: string; headers: IncomingHttpHeaders };
export type StubAnswer = { status: number; body: unknown };
export type Stub = { url: string; calls: StubCall[] };

export async function stubService(t: Teardown, route: (c: StubCall) => StubAnswer): Promise<Stub> {
  const calls: StubCall[] = [];
  const server = createServer((req, res) => {
    const call = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers };
    calls.push(call);
    const { status, body } = route(call);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}
