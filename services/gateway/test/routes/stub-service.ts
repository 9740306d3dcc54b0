/** A tiny HTTP stand-in for an internal service (order, inventory): answers from `routes`, records the calls. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { ASSERTION_HEADER, type Assertion } from "@drops/http";
import { testInternalAuth } from "@drops/http/testing";

type Teardown = { teardown: (fn: () => unknown) => void };
/** `asserted`: the call's internal assertion, verified as its audience would (undefined when missing or refused). */
export type StubCall = { method: string; url: string; headers: IncomingHttpHeaders; asserted: Assertion | undefined };
export type StubAnswer = { status: number; body: unknown };
export type Stub = { url: string; calls: StubCall[] };

/** The verified internal assertion of a call's headers, as the service it names in `aud` checks it. */
export function assertedBy(headers: IncomingHttpHeaders): Assertion | undefined {
  const token = headers[ASSERTION_HEADER];
  if (typeof token !== "string") return undefined;
  let aud: unknown;
  try {
    aud = (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { aud?: unknown }).aud;
  } catch {
    return undefined;
  }
  const result = testInternalAuth(String(aud)).verify(token);
  return typeof result === "object" ? result : undefined;
}

export async function stubService(t: Teardown, route: (c: StubCall) => StubAnswer): Promise<Stub> {
  const calls: StubCall[] = [];
  const server = createServer((req, res) => {
    const call = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, asserted: assertedBy(req.headers) };
    calls.push(call);
    const { status, body } = route(call);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}
