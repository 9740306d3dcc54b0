import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { authorize, verifiedUserWithRole } from "./authenticate.ts";
import { SOLD_OUT_BODY } from "../domain/purchase-outcome.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import type { Purchaser } from "./purchase-path.ts";
import { ADMISSION_TOKEN, IDEMPOTENCY_KEY, purchaseAnswer, purchaseBody, purchaseHeaders } from "./order-schemas.ts";
import { bearer, errors, idParams } from "./schemas.ts";

/** The same test as the header schema's pattern (a bad key is left to validation: 400). */
const VALID_KEY = new RegExp(purchaseHeaders.properties[IDEMPOTENCY_KEY].pattern);

/**
 * POST /api/drops/:dropId/purchases (buyer; header Idempotency-Key): 201 {orderId, status: "held",
 * holdExpiresAt}; 409 SOLD_OUT / LIMIT_REACHED / NOT_OPEN / PAUSED / CLOSED; 422 IDEMPOTENCY_KEY_REUSED;
 * 503 UNAVAILABLE when Redis cannot say (never "held" without it).
 *
 * Losers nearly free: once this instance knows the drop is sold out, the onRequest hook answers a new
 * attempt of a verified buyer with a pre-serialized 409 SOLD_OUT before the body is read, parsed or
 * validated (no Error, no schema, no Redis). Anything else takes the full path: no flag, no valid
 * buyer token (the route's 401 / 403), a bad Idempotency-Key (400), a replay of an order id the drop
 * knows (Redis answers its current state).
 */
export async function purchaseRoutes(app: FastifyInstance, { tokens, purchaser }: { tokens: TokenSigner; purchaser: Purchaser }): Promise<void> {
  const answerSoldOut = (reply: FastifyReply): FastifyReply => reply.code(409).header("content-type", "application/json; charset=utf-8").send(SOLD_OUT_BODY);

  function soldOutShortcut(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const { dropId } = request.params as { dropId: string };
    if (!purchaser.flagged(dropId)) return done();
    const key = request.headers[IDEMPOTENCY_KEY];
    if (typeof key !== "string" || key.length > 200 || !VALID_KEY.test(key)) return done();
    const buyerId = verifiedUserWithRole(request, tokens, "buyer");
    if (buyerId === undefined) return done();
    const soldOut = purchaser.soldOutFor(dropId, buyerId, key);
    if (soldOut === true) {
      answerSoldOut(reply);
      return;
    }
    if (soldOut === false) return done();
    soldOut.then((yes) => (yes ? void answerSoldOut(reply) : done()), done);
  }

  app.post<{ Params: { dropId: string }; Body: { quantity: number; paymentMethod: string }; Headers: Record<typeof IDEMPOTENCY_KEY, string> & { [ADMISSION_TOKEN]?: string } }>(
    "/api/drops/:dropId/purchases",
    {
      onRequest: soldOutShortcut,
      schema: {
        tags: ["purchases"],
        summary: "Buy in a drop: an immediate hold, then payment through the saga",
        security: bearer,
        params: idParams("dropId"),
        headers: purchaseHeaders,
        body: purchaseBody,
        response: { 201: purchaseAnswer, ...errors(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const buyer = authorize(request, tokens, "buyer");
      const answer = await purchaser.purchase({
        dropId: request.params.dropId,
        buyerId: buyer.userId,
        idempotencyKey: request.headers[IDEMPOTENCY_KEY],
        quantity: request.body.quantity,
        paymentMethod: request.body.paymentMethod,
        ...(request.headers[ADMISSION_TOKEN] === undefined ? {} : { admissionToken: request.headers[ADMISSION_TOKEN] }),
      });
      return reply.status(201).send(answer);
    },
  );
}
