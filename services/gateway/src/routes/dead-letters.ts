/**
 * Dead letters for admins (Kafka is the store: store/dead-letters.ts):
 *   GET  /api/admin/dead-letters?topic=&page=&pageSize=   newest first, {items, total}
 *   POST /api/admin/dead-letters/:id/replay               202: the original message re-published to its source topic
 * A replay is safe to repeat: consumers dedupe by event id, and a message that still cannot be
 * handled (undecodable bytes) is dead-lettered again, as a new dead letter.
 */
import type { FastifyInstance } from "fastify";
import { badRequest, notFound } from "@drops/http";
import { parseDeadLetterId } from "../domain/dead-letters.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import { DEAD_LETTER_TOPICS, type DeadLetters } from "../store/dead-letters.ts";
import { authorize } from "./authenticate.ts";
import { bearer, errors, page, pageSize, strictObject } from "./schemas.ts";

export type DeadLetterRouteDeps = { tokens: TokenSigner; deadLetters: DeadLetters };

const nullable = (type: string) => ({ type: [type, "null"] }) as const;
const deadLetterAnswer = {
  type: "object",
  required: ["id", "topic", "partition", "offset", "eventType", "reason", "error", "at"],
  properties: {
    id: { type: "string", description: "opaque; names the dead letter's place in its .dlq topic" },
    topic: { type: "string", description: "the source topic, where a replay goes" },
    partition: { ...nullable("integer"), description: "the original message's partition in the source topic" },
    offset: { ...nullable("string"), description: "the original message's offset in the source topic" },
    eventType: nullable("string"),
    eventId: nullable("string"),
    reason: { type: "string", description: "a decode failure (MISSING_HEADERS, UNKNOWN_TYPE, BAD_PAYLOAD, ...) or HANDLER_FAILED" },
    error: nullable("string"),
    consumerGroup: { ...nullable("string"), description: "the consumer group that gave up on it" },
    at: { type: "string", format: "date-time", description: "when it was dead-lettered" },
  },
} as const;

const listQuery = strictObject({ topic: { type: "string", enum: [...DEAD_LETTER_TOPICS], description: "only this source topic's" }, page, pageSize }, []);
const idParam = strictObject({ id: { type: "string", minLength: 1, maxLength: 400 } }, ["id"]);
const replayAnswer = {
  type: "object",
  required: ["id", "topic", "partition", "offset"],
  properties: {
    id: { type: "string" },
    topic: { type: "string" },
    partition: { type: "integer", description: "where the copy was written" },
    offset: { type: "string", description: "the copy's offset in the source topic" },
  },
} as const;

export async function deadLetterRoutes(app: FastifyInstance, { tokens, deadLetters }: DeadLetterRouteDeps): Promise<void> {
  app.get<{ Querystring: { topic?: string; page: number; pageSize: number } }>(
    "/api/admin/dead-letters",
    {
      schema: {
        tags: ["admin"], summary: "Dead-lettered messages, newest first", security: bearer, querystring: listQuery,
        description: "What the consumers gave up on (poison messages, handlers failing after every retry), read from the `<topic>.dlq` topics.",
        response: { 200: { type: "object", required: ["items", "total"], properties: { items: { type: "array", items: deadLetterAnswer }, total: { type: "integer" } } }, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      authorize(request, tokens, "admin");
      const { topic, page: p, pageSize: size } = request.query;
      return deadLetters.index.list({ topic, page: p, pageSize: size });
    },
  );

  app.post<{ Params: { id: string } }>(
    "/api/admin/dead-letters/:id/replay",
    {
      schema: {
        tags: ["admin"], summary: "Replay a dead letter: its original bytes and headers back to its source topic", security: bearer, params: idParam,
        description: "202 once Kafka acked the copy. Harmless to repeat: consumers dedupe by event id; a message that still fails is dead-lettered again.",
        response: { 202: replayAnswer, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      authorize(request, tokens, "admin");
      const { id } = request.params;
      if (parseDeadLetterId(id) === null) throw badRequest("not a dead-letter id", "INVALID_ID");
      const entry = deadLetters.index.get(id);
      if (entry === undefined) throw notFound("no such dead letter (or older than what this gateway keeps in memory)", "DEAD_LETTER_NOT_FOUND");
      const copy = await deadLetters.replay(entry);
      request.log.warn({ deadLetter: id, topic: copy.topic, partition: copy.partition, offset: copy.offset, eventType: entry.view.eventType }, "dead letter replayed");
      return reply.code(202).send({ id, ...copy });
    },
  );
}
