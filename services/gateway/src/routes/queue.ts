/**
 * The waiting room of a queued drop (issue 10; ARCHITECTURE.md "The waiting room"):
 *   POST   /api/drops/:dropId/queue            buyer: join -> 200 {status, position, etaSeconds, receipt}; again: the same place
 *   DELETE /api/drops/:dropId/queue            buyer: leave -> 204, the place freed at once
 *   GET    /api/drops/:dropId/queue/me         buyer: the place, with admissionToken / admissionExpiresAt once admitted
 *   GET    /api/drops/:dropId/queue/fairness   anyone, after the opening: {seed, algorithm, joinedBeforeOpening}; 409 NOT_OPEN before
 *   GET    /api/drops/:dropId/queue/stream     buyer, SSE `queue` events with the place: the first at once, then on every change
 * A drop without a waiting room answers 409 NOT_QUEUED; an unknown drop 404; Redis failing 503.
 * The line lives on the stock Redis (the inventory's queue scripts); the admitter runs in the inventory.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { conflict, forbidden, notFound, unavailable, type Caller, type SseRegistry } from "@drops/http";
import type { AdmissionTokens } from "../domain/admission-token.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import { queueView } from "../domain/queue-view.ts";
import { safeRequest } from "../domain/redact-url.ts";
import type { DropInfo, DropInfoCache } from "../store/drop-info.ts";
import type { QueueStore } from "../store/queue.ts";
import type { QueueWatcher } from "../store/queue-watch.ts";
import { authorize } from "./authenticate.ts";
import { streamCaller } from "./notifications.ts";
import { bearer, errors, idParams, strictObject } from "./schemas.ts";

export type QueueRouteDeps = { tokens: TokenSigner; admissions: AdmissionTokens; drops: DropInfoCache; queue: QueueStore; watcher: QueueWatcher; sse: SseRegistry };

const nullableInt = { type: ["integer", "null"] } as const;
export const queueAnswer = {
  type: "object",
  required: ["status", "position", "etaSeconds", "receipt"],
  properties: {
    status: { type: "string", enum: ["waiting", "admitted", "sold_out", "expired"], description: "sold_out: waiting, but every unit is sold, held or promised to admitted buyers (the place is kept: units that come back are offered to the line)" },
    position: { ...nullableInt, description: "1 = next to be admitted; null before the opening (the early joiners' order is drawn at opening); 0 when no longer waiting" },
    etaSeconds: { ...nullableInt, description: "ceil(position / admitPerSecond); 0 once admitted; null when not known" },
    receipt: { type: "string", description: "the join receipt: with /queue/fairness anyone can recompute the early joiners' order" },
    admissionToken: { type: "string", description: "send as the Admission-Token header of the purchase; single use, bound to this buyer and drop" },
    admissionExpiresAt: { type: "string", format: "date-time" },
    orderId: { type: "string", format: "uuid", description: "the order that used the admission" },
  },
} as const;
const fairnessAnswer = {
  type: "object",
  required: ["seed", "algorithm", "joinedBeforeOpening"],
  properties: {
    seed: { type: "string", description: "the seed whose SHA-256 the drop showed as queue.seedHash before the opening" },
    algorithm: { type: "string" },
    joinedBeforeOpening: { type: "array", items: { type: "string" }, description: "the receipts of everyone who joined before the opening, in join order" },
  },
} as const;
const sseQuery = strictObject(
  { access_token: { type: "string", minLength: 1, maxLength: 4096, description: "the access token, for clients that cannot send Authorization (EventSource); never logged" } },
  [],
);

type Params = { Params: { dropId: string } };

function buyerOf(caller: Caller): Caller {
  if (!caller.roles.includes("buyer")) throw forbidden("buyer role required");
  return caller;
}

/** Redis failing is 503; a programming error stays a 500. */
async function redisCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw err;
    throw unavailable("the waiting room is unavailable right now; retry shortly");
  }
}

export async function queueRoutes(app: FastifyInstance, d: QueueRouteDeps): Promise<void> {
  const queuedDrop = async (dropId: string): Promise<DropInfo & { queue: NonNullable<DropInfo["queue"]> }> => {
    const drop = await d.drops.get(dropId);
    if (!drop.queue) throw conflict("this drop has no waiting room: buy directly", "NOT_QUEUED");
    return drop as DropInfo & { queue: NonNullable<DropInfo["queue"]> };
  };
  const view = (dropId: string, buyerId: string, rate: number) => (place: Parameters<typeof queueView>[0]) =>
    queueView(place, { dropId, buyerId, admitPerSecond: rate, tokens: d.admissions });
  const place = async (request: FastifyRequest<Params>, buyer: Caller) => {
    const { dropId } = request.params;
    const drop = await queuedDrop(dropId);
    const p = await redisCall(() => d.queue.place(dropId, buyer.userId, { present: true }));
    if (p.status === "NOT_QUEUED") throw conflict("this drop has no waiting room: buy directly", "NOT_QUEUED");
    if (p.status === "NONE") throw notFound("you have no place in this drop's line: join it first", "NOT_IN_QUEUE");
    return { drop, place: p.place };
  };
  const common = { tags: ["waiting room"], params: idParams("dropId") };

  app.post<Params>(
    "/api/drops/:dropId/queue",
    { schema: { ...common, summary: "Join the drop's waiting room (again: the same place)", security: bearer, response: { 200: queueAnswer, ...errors(400, 401, 403, 404, 409, 503) } } },
    async (request) => {
      const buyer = authorize(request, d.tokens, "buyer");
      const { dropId } = request.params;
      const drop = await queuedDrop(dropId);
      const r = await redisCall(() => d.queue.join(dropId, buyer.userId, randomUUID()));
      if (r.status === "NOT_QUEUED") throw unavailable("the drop's waiting room is not set up yet; retry shortly");
      return view(dropId, buyer.userId, drop.queue.admitPerSecond)(r.place);
    },
  );

  app.delete<Params>(
    "/api/drops/:dropId/queue",
    { schema: { ...common, summary: "Leave the drop's waiting room (the place is freed at once)", security: bearer, response: { 204: { type: "null" }, ...errors(400, 401, 403, 404, 409, 503) } } },
    async (request, reply) => {
      const buyer = authorize(request, d.tokens, "buyer");
      await queuedDrop(request.params.dropId);
      await redisCall(() => d.queue.leave(request.params.dropId, buyer.userId));
      return reply.status(204).send();
    },
  );

  app.get<Params>(
    "/api/drops/:dropId/queue/me",
    { schema: { ...common, summary: "My place in the drop's waiting room", security: bearer, response: { 200: queueAnswer, ...errors(400, 401, 403, 404, 409, 503) } } },
    async (request) => {
      const buyer = authorize(request, d.tokens, "buyer");
      const r = await place(request, buyer);
      return view(request.params.dropId, buyer.userId, r.drop.queue.admitPerSecond)(r.place);
    },
  );

  app.get<Params>(
    "/api/drops/:dropId/queue/fairness",
    {
      schema: {
        ...common,
        summary: "After the opening: the seed and the early joiners' receipts, to recompute their order",
        description: "Check sha256(seed) against the drop's queue.seedHash, then sort joinedBeforeOpening by HMAC-SHA256(key = seed, message = receipt), hex ascending: that is the order the early joiners were placed in. 409 NOT_OPEN before the opening draw.",
        response: { 200: fairnessAnswer, ...errors(400, 404, 409, 503) },
      },
    },
    async (request) => {
      const { dropId } = request.params;
      await queuedDrop(dropId);
      const f = await redisCall(() => d.queue.fairness(dropId));
      if (!f) throw conflict("the waiting room opens with the drop: its seed is published then", "NOT_OPEN");
      return f;
    },
  );

  app.get<Params & { Querystring: { access_token?: string } }>(
    "/api/drops/:dropId/queue/stream",
    {
      logSerializers: { req: safeRequest as (req: unknown) => Record<string, unknown> },
      schema: {
        ...common,
        summary: "My place in the drop's waiting room, live (server-sent events)",
        description: "text/event-stream: `event: queue` with the same data as /queue/me, the first at once, then on every change of position or status (at most 2 a second), and a comment heartbeat. The token may be sent as `?access_token=` (EventSource cannot send headers); it is never logged. A buyer whose streams all close and who does not come back within QUEUE_ABANDON_GRACE_SECONDS loses a waiting place.",
        security: [...bearer, { accessTokenQuery: [] }],
        querystring: sseQuery,
        response: errors(400, 401, 403, 404, 409, 503),
      },
    },
    async (request, reply) => {
      const buyer = buyerOf(streamCaller(request, d.tokens));
      const { dropId } = request.params;
      const first = await place(request, buyer);
      const toView = view(dropId, buyer.userId, first.drop.queue.admitPerSecond);
      let stop = (): void => {};
      const stream = d.sse.open(request, reply, () => stop());
      if (stream.closed) return;
      stream.send("queue", toView(first.place));
      stop = d.watcher.watch(dropId, buyer.userId, first.place, (p) => stream.send("queue", toView(p)));
    },
  );
}
