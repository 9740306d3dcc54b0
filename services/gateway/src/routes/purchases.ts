import type { FastifyInstance } from "fastify";
import { authorize } from "./authenticate.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import type { Purchaser } from "./purchase-path.ts";
import { IDEMPOTENCY_KEY, purchaseAnswer, purchaseBody, purchaseHeaders } from "./order-schemas.ts";
import { bearer, errors, idParams } from "./schemas.ts";

/**
 * POST /api/drops/:dropId/purchases (buyer; header Idempotency-Key): 201 {orderId, status: "held",
 * holdExpiresAt}; 409 SOLD_OUT / LIMIT_REACHED / NOT_OPEN / PAUSED / CLOSED; 422 IDEMPOTENCY_KEY_REUSED;
 * 503 UNAVAILABLE when Redis cannot say (never "held" without it).
 */
export async function purchaseRoutes(app: FastifyInstance, { tokens, purchaser }: { tokens: TokenSigner; purchaser: Purchaser }): Promise<void> {
  app.post<{ Params: { dropId: string }; Body: { quantity: number; paymentMethod: string }; Headers: Record<typeof IDEMPOTENCY_KEY, string> }>(
    "/api/drops/:dropId/purchases",
    {
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
      });
      return reply.status(201).send(answer);
    },
  );
}
