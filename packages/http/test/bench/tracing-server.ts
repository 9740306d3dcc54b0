/**
 * The tracing benchmark's server (tracing-overhead.ts): the shell every service runs, with a route
 * answered in onRequest (`/sold`, as the gateway's sold-out shortcut) and one answered by its handler
 * (`/handled`), both a fixed 409.
 */
import { createServiceApp } from "@drops/http";

const app = await createServiceApp({
  name: "bench-tracing",
  logLevel: "warn",
  setup: async (a) => {
    const body = { code: "SOLD_OUT", message: "sold out" };
    a.post("/sold", { onRequest: async (_request, reply) => reply.code(409).send(body) }, async () => ({}));
    a.post("/handled", async (_request, reply) => reply.code(409).send(body));
  },
});
await app.listen({ host: "127.0.0.1", port: Number(process.env["PORT"] ?? "4555") });
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
