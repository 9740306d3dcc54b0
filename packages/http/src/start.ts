import { setTimeout as sleep } from "node:timers/promises";
import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";

export type StartServiceOptions = {
  name: string;
  /** Builds the app (and everything it owns); called once. */
  build: () => Promise<FastifyInstance>;
  /**
   * Background work (consumers, relays) started after the build and before listening, stopped first
   * on shutdown. If it fails to start, the app is closed and startService rejects.
   */
  workers?: (app: FastifyInstance) => Promise<{ stop: () => Promise<void> }>;
  listen: { host: string; port: number };
  /** Milliseconds allowed for a graceful close before the process is forced out. Default 10 s. */
  graceMs?: number;
  /**
   * Milliseconds the instance keeps serving with GET /ready false (and `Connection: close` on every
   * answer) before it stops anything, so a load balancer's health check takes it out of rotation
   * first (drain.ts). Counted inside graceMs. Default 0: no balancer, stop at once.
   */
  drainMs?: number;
  /** Runs first on shutdown, before the app closes (e.g. stop consumers, flush telemetry). */
  onClose?: () => Promise<void>;
  /** Runs last, after the app and its clients closed (e.g. flush telemetry). */
  afterClose?: () => Promise<void>;
};

export type RunningService = { app: FastifyInstance; url: string; close: () => Promise<void> };

/**
 * The whole of a service's main: build, install graceful shutdown on signals and fatal errors,
 * listen, log the URL. On failure to listen it closes what was built and sets exit code 1.
 */
export async function startService(opts: StartServiceOptions): Promise<RunningService> {
  const app = await opts.build();
  let workers: { stop: () => Promise<void> } | undefined;
  if (opts.workers) {
    try {
      workers = await opts.workers(app);
    } catch (err) {
      app.log.fatal({ err }, `${opts.name} could not start its workers`);
      try {
        await app.close();
      } finally {
        await opts.afterClose?.();
      }
      throw err;
    }
  }
  let closing: Promise<void> | undefined;
  // The order of a graceful stop: drain (readiness false, requests still served), then the workers
  // (a consumer finishes its batch, commits and leaves its group; loops end their round and release
  // their locks and leases), then the server (in-flight requests finish), then the clients.
  const close = (drain = true): Promise<void> => {
    closing ??= (async () => {
      try {
        if (app.hasDecorator("drain")) app.drain.begin();
        if (drain && (opts.drainMs ?? 0) > 0) {
          app.log.info({ drainMs: opts.drainMs }, `${opts.name} draining: not ready, still serving`);
          await sleep(opts.drainMs);
        }
        await workers?.stop();
        await opts.onClose?.();
      } finally {
        try {
          await app.close();
        } finally {
          await opts.afterClose?.();
        }
      }
    })();
    return closing;
  };

  const grace = closeWithGrace({ delay: opts.graceMs ?? 10_000, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.fatal({ err }, `${opts.name} crashed, shutting down`);
    else app.log.info({ signal }, `${opts.name} shutting down`);
    // A crash does not wait for the balancer: what is broken should not serve on.
    await close(!err);
    app.log.info(`${opts.name} stopped`);
  });
  app.addHook("onClose", async () => grace.uninstall());

  try {
    const url = await app.listen({ host: opts.listen.host, port: opts.listen.port });
    app.log.info({ url }, `${opts.name} listening on ${url}`);
    return { app, url, close: () => close() };
  } catch (err) {
    app.log.fatal({ err }, `${opts.name} could not listen on ${opts.listen.host}:${opts.listen.port}`);
    await close(false);
    process.exitCode = 1;
    throw err;
  }
}

/** A service's background work (consumers, relays, loops): started after the build, stopped first. */
export type Workers = { start(): Promise<void>; stop(): Promise<void> };

/** What a service's `buildApp(config)` returns: the app (never listening) and its workers. */
export type BuiltService = { app: FastifyInstance; workers?: Workers };

/** The shell variables runService reads (every `serviceSpec` config has them). */
export type RunServiceConfig = { SERVICE_NAME: string; HOST: string; PORT: number; SHUTDOWN_GRACE_MS: number; SHUTDOWN_DRAIN_MS?: number };

export type RunServiceOptions<C extends RunServiceConfig> = {
  config: C;
  build: (config: C) => Promise<BuiltService>;
  /** Runs last, after the app and its clients closed (e.g. flush telemetry). */
  afterClose?: () => Promise<void>;
};

/**
 * The whole of a service's `src/main.ts`: build from the config, start the workers, listen on
 * HOST:PORT, shut down gracefully. A failure is logged by startService and sets exit code 1.
 */
export async function runService<C extends RunServiceConfig>(opts: RunServiceOptions<C>): Promise<RunningService | undefined> {
  const { config } = opts;
  let built: BuiltService | undefined;
  try {
    return await startService({
      name: config.SERVICE_NAME,
      build: async () => (built = await opts.build(config)).app,
      workers: async () => {
        const workers = built?.workers;
        if (!workers) return { stop: async () => {} };
        await workers.start();
        return workers;
      },
      listen: { host: config.HOST, port: config.PORT },
      graceMs: config.SHUTDOWN_GRACE_MS,
      ...(config.SHUTDOWN_DRAIN_MS !== undefined ? { drainMs: config.SHUTDOWN_DRAIN_MS } : {}),
      ...(opts.afterClose ? { afterClose: opts.afterClose } : {}),
    });
  } catch {
    // startService logged why and closed what it built.
    process.exitCode = 1;
    return undefined;
  }
}
