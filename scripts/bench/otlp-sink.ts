/**
 * An OTLP/HTTP sink for the tracing-overhead benchmark (docs/performance.md "Tracing overhead"):
 * answers 200 to every export, so the services pay for serializing and sending their spans, and
 * prints how many requests and bytes it took when stopped.
 *   node scripts/bench/otlp-sink.ts [port=4399]
 */
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? "4399");
let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on("data", (chunk: Buffer) => (bytes += chunk.length));
  req.on("end", () => {
    requests += 1;
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
server.listen(port, "127.0.0.1", () => console.log(`otlp sink on 127.0.0.1:${port}`));
const stop = () => {
  console.log(`otlp sink: ${requests} exports, ${(bytes / 1e6).toFixed(1)} MB`);
  server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
