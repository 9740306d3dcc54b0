/**
 * Tracing in the shell (trace-requests.ts, observe.ts, logger.ts), in a child process so the trace SDK
 * and the log lines are its own: the SDK starts with an in-memory span processor (no network), the
 * app answers through `inject`, and the child prints its spans after the JSON log lines it wrote.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import t from "tap";

const here = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

type SpanOut = { name: string; traceId: string; spanId: string; parent: string | undefined; kind: number; attributes: Record<string, unknown>; status: number; events: string[] };
type LogLine = { msg: string; trace_id?: string; span_id?: string; trace_flags?: string; req?: { url?: string } };

function runChild(tracing: boolean): { spans: SpanOut[]; logs: LogLine[]; statuses: number[] } {
  const script = `
    const spans = [];
    const { startTelemetry, tracer } = await import(${here("../../telemetry/src/index.ts")});
    await startTelemetry({ serviceName: "trace-test", enabled: ${tracing}, metrics: false, esmHook: false, autoInstrument: false, sampleRatio: 1,
      spanProcessors: [{ onStart() {}, onEnd(s) { spans.push({ name: s.name, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId,
        parent: s.parentSpanContext?.spanId, kind: s.kind, attributes: s.attributes, status: s.status.code, events: s.events.map((e) => e.name) }); },
        forceFlush: async () => {}, shutdown: async () => {} }] });
    const { createServiceApp } = await import(${here("../src/index.ts")});
    const app = await createServiceApp({ name: "trace-test", publicEntry: true, setup: async (a) => {
      a.post("/sold", { onRequest: async (_r, reply) => reply.code(409).send({ code: "SOLD_OUT", message: "sold out" }) }, async () => ({}));
      a.post("/work/:id", async (request, reply) => {
        await new Promise((r) => setTimeout(r, 5));
        request.log.info("in handler");
        tracer().startSpan("child").end();
        return reply.code(201).send({ ok: true });
      });
      a.get("/boom", async () => { throw new Error("kaboom"); });
    } });
    // A real socket: a body then arrives through the socket's events, which carry no context.
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const json = { "content-type": "application/json" };
    const traceparent = "00-${CALLER_TRACE}-${CALLER_SPAN}-01";
    const statuses = [];
    statuses.push((await fetch(base + "/sold", { method: "POST", headers: json, body: '{"quantity":1}' })).status);
    // The body sent 50 ms after the headers: it arrives in a later socket event, past preParsing.
    const { request } = await import("node:http");
    statuses.push(await new Promise((resolve, reject) => {
      const req = request(base + "/work/abc?access_token=secret", { method: "POST", headers: { ...json, traceparent, "content-length": "14" } }, (res) => { res.resume(); resolve(res.statusCode); });
      req.on("error", reject);
      req.flushHeaders();
      setTimeout(() => req.end('{"quantity":1}'), 50);
    }));
    statuses.push((await fetch(base + "/boom")).status);
    await app.close();
    console.log("RESULT " + JSON.stringify({ spans, statuses }));
  `;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" });
  if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
  const lines = out.stdout.trim().split("\n");
  const result = JSON.parse(lines.find((l) => l.startsWith("RESULT "))!.slice(7)) as { spans: SpanOut[]; statuses: number[] };
  const logs = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as LogLine);
  return { ...result, logs };
}

t.test("tracing on: a server span per request past onRequest, its ids on every log line under it", async (t) => {
  const { spans, logs, statuses } = runChild(true);
  t.same(statuses, [409, 201, 500]);

  t.notOk(spans.some((s) => s.name.includes("/sold")), "an answer given in onRequest makes no span");
  const sold = logs.find((l) => l.msg === "request completed" && l.req?.url === "/sold");
  t.ok(sold, "the sold-out answer is still logged");
  t.equal(sold?.trace_id, undefined, "with no trace fields");

  const server = spans.find((s) => s.name === "POST /work/:id");
  t.ok(server, "the server span is named after the route pattern");
  if (server === undefined) return;
  t.equal(server.kind, 1, "kind SERVER");
  t.equal(server.traceId, CALLER_TRACE, "in the caller's trace (traceparent)");
  t.equal(server.parent, CALLER_SPAN, "a child of the caller's span");
  t.equal(server.attributes["http.route"], "/work/:id");
  t.equal(server.attributes["url.path"], "/work/abc", "the path without its query (no token in a span)");
  t.equal(server.attributes["http.response.status_code"], 201);
  const child = spans.find((s) => s.name === "child");
  t.equal(child?.parent, server.spanId, "a span the handler starts after the body was read is the server span's child");

  const inHandler = logs.find((l) => l.msg === "in handler");
  t.equal(inHandler?.trace_id, CALLER_TRACE, "a handler's log line carries the trace id");
  t.equal(inHandler?.span_id, server.spanId, "and the server span's id");
  t.equal(inHandler?.trace_flags, "01");
  const done = logs.find((l) => l.msg === "request completed" && l.req?.url?.startsWith("/work/") === true);
  t.equal(done?.trace_id, CALLER_TRACE, "the request line, written after the response, carries the trace id");
  t.equal(done?.span_id, server.spanId);

  const boom = spans.find((s) => s.name === "GET /boom");
  t.equal(boom?.status, 2, "a 500 marks its span ERROR");
  t.ok(boom?.events.includes("exception"), "with the exception recorded");
  t.equal(logs.find((l) => l.msg === "request completed" && l.req?.url === "/boom")?.trace_id, boom?.traceId, "a root request's line carries its own new trace");
});

t.test("tracing off: no spans, no trace fields on any line", async (t) => {
  const { spans, logs, statuses } = runChild(false);
  t.same(statuses, [409, 201, 500]);
  t.same(spans, []);
  t.ok(logs.length >= 4, "the lines were written");
  t.same(logs.filter((l) => l.trace_id !== undefined || l.span_id !== undefined), [], "no line has trace fields");
});
