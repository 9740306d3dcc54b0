/**
 * The ceiling: a bare node:http server that answers every POST the way a sold-out purchase is
 * answered (it reads the whole body first, then a fixed 409 JSON body), and GET /health with 200.
 * The flash-drop plan driven against it by the same generator, in the same run, measures what the
 * generator and the machine can do at all; every platform figure is reported as a share of it.
 *
 *   node scripts/bench/hello-world.ts [port]      # prints "listening <port>" once listening
 *
 * Keep-alive like the gateway (Fastify's 72 s idle timeout; Node's own default is 5 s). On SIGTERM or
 * SIGINT it prints one JSON line of counts (requests, connections) and exits.
 */
import { createServer } from "node:http";

const SOLD_OUT = Buffer.from(JSON.stringify({ code: "SOLD_OUT", message: "the drop is sold out" }));
const HEALTH = Buffer.from(JSON.stringify({ status: "ok" }));

let requests = 0;
let connections = 0;

const server = createServer((req, res) => {
  requests++;
  req.on("data", () => undefined);
  req.on("end", () => {
    const body = req.method === "GET" ? HEALTH : SOLD_OUT;
    res.writeHead(req.method === "GET" ? 200 : 409, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 72_000;
server.headersTimeout = 75_000;
server.on("connection", () => connections++);

const stop = (): void => {
  process.stdout.write(`${JSON.stringify({ requests, connections })}\n`);
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);

server.listen(Number(process.argv[2] ?? process.env["PORT"] ?? 0), "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === "object" && addr ? addr.port : ""}\n`);
});
