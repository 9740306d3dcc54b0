import t from "tap";
import { Writable } from "node:stream";
import Fastify from "fastify";
import { quietRequestLogs } from "../../src/routes/request-log.ts";

async function appAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const app = Fastify({ logger: { level, stream } });
  quietRequestLogs(app);
  app.get("/ok", async () => ({ ok: true }));
  app.get("/sold-out", async (request, reply) => {
    request.log.info({ code: "SOLD_OUT", statusCode: 409 }, "sold out");
    return reply.status(409).send({ code: "SOLD_OUT", message: "sold out" });
  });
  app.get("/boom", async (request, reply) => {
    request.log.error("unhandled error");
    return reply.status(500).send({ code: "INTERNAL", message: "internal error" });
  });
  await app.ready();
  return { app, lines };
}

t.test("at info: no line for an expected request or a 409; errors keep their request id", async (t) => {
  const { app, lines } = await appAt("info");
  t.teardown(() => app.close());
  await app.inject("/ok");
  await app.inject("/sold-out");
  t.same(lines, [], "nothing written");
  await app.inject({ url: "/boom", headers: { "x-request-id": "r-1" } });
  const errors = lines.filter((l) => l["level"] === 50);
  t.equal(errors.length, 1);
  t.match(errors[0], { msg: "unhandled error", reqId: /.+/ });
});

t.test("at debug: the request lines and the 4xx line are written, at debug", async (t) => {
  const { app, lines } = await appAt("debug");
  t.teardown(() => app.close());
  await app.inject("/sold-out");
  t.same(lines.map((l) => [l["level"], l["msg"]]), [[20, "incoming request"], [20, "sold out"], [20, "request completed"]]);
  t.ok(lines.every((l) => typeof l["reqId"] === "string"), "with the request id");
});
