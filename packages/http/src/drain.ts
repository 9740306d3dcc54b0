/**
 * Draining: the first step of a graceful stop behind a load balancer. Once `begin()` is called,
 * GET /ready answers 503 (the balancer's health check takes the instance out of rotation) while
 * every route still serves, and each response carries `Connection: close` so no kept-alive
 * connection (the balancer's or a client's) sends this instance another request. startService waits
 * SHUTDOWN_DRAIN_MS in that state before it stops the workers and closes the server.
 */
import type { FastifyInstance } from "fastify";

export type Drain = {
  /** True from `begin()` on. */
  readonly active: boolean;
  begin: () => void;
};

declare module "fastify" {
  interface FastifyInstance {
    /** This instance's draining state (createServiceApp; startService begins it on shutdown). */
    drain: Drain;
  }
}

export function createDrain(): Drain {
  let active = false;
  return {
    get active() {
      return active;
    },
    begin: () => {
      active = true;
    },
  };
}

/** Decorates `app.drain` and, while draining, answers every request with `Connection: close`. */
export function installDrain(app: FastifyInstance, drain: Drain): void {
  app.decorate("drain", drain);
  app.addHook("onSend", async (_request, reply) => {
    if (drain.active) reply.header("connection", "close");
  });
}
