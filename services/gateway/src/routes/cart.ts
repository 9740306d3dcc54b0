import type { FastifyInstance } from "fastify";
import type { ServiceClient } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { authorize } from "./authenticate.ts";
import { cartAnswer, cartLineBody, checkoutAnswer, checkoutBody, checkoutHeaders } from "./cart-schemas.ts";
import { IDEMPOTENCY_KEY } from "./order-schemas.ts";
import { bearer, errors, idParams } from "./schemas.ts";

/**
 * The buyer's cart, forwarded to the cart service with the verified buyer in the signed internal assertion (a buyer only
 * ever reaches their own cart): GET /api/cart, PUT / DELETE /api/cart/lines/:productId, POST
 * /api/cart/checkout (Idempotency-Key forwarded). The cart's refusals pass through as they are
 * (404 PRODUCT_NOT_FOUND, 409 NOT_FOR_SALE / CART_FULL / CART_EMPTY / LINE_UNAVAILABLE {productId,
 * available} / CHECKOUT_IN_PROGRESS, 422 IDEMPOTENCY_KEY_REUSED); the cart service down is 503.
 */
export async function cartRoutes(app: FastifyInstance, { tokens, cart }: { tokens: TokenSigner; cart: ServiceClient }): Promise<void> {
  app.get(
    "/api/cart",
    { schema: { tags: ["cart"], summary: "My cart", security: bearer, response: { 200: cartAnswer, ...errors(401, 403, 503) } } },
    async (request) => cart.call({ method: "GET", path: "/cart", caller: authorize(request, tokens, "buyer"), requestId: request.id }),
  );

  app.put<{ Params: { productId: string }; Body: { quantity: number } }>(
    "/api/cart/lines/:productId",
    {
      schema: {
        tags: ["cart"], summary: "Set a line of my cart (1..99 units); 409 NOT_FOR_SALE for a product whose stock was never set; 409 CART_FULL",
        security: bearer, params: idParams("productId"), body: cartLineBody, response: { 200: cartAnswer, ...errors(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => cart.call({ method: "PUT", path: `/cart/lines/${request.params.productId}`, body: request.body, caller: authorize(request, tokens, "buyer"), requestId: request.id }),
  );

  app.delete<{ Params: { productId: string } }>(
    "/api/cart/lines/:productId",
    { schema: { tags: ["cart"], summary: "Remove a line of my cart", security: bearer, params: idParams("productId"), response: { 200: cartAnswer, ...errors(400, 401, 403, 503) } } },
    async (request) => cart.call({ method: "DELETE", path: `/cart/lines/${request.params.productId}`, caller: authorize(request, tokens, "buyer"), requestId: request.id }),
  );

  app.post<{ Body: { paymentMethod: string }; Headers: Record<typeof IDEMPOTENCY_KEY, string> }>(
    "/api/cart/checkout",
    {
      schema: {
        tags: ["cart"],
        summary: "Check out my cart: every line held under one order, or none (409 LINE_UNAVAILABLE {productId, available}); then payment through the saga",
        security: bearer, headers: checkoutHeaders, body: checkoutBody,
        response: { 201: checkoutAnswer, ...errors(400, 401, 403, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const caller = authorize(request, tokens, "buyer");
      const answer = await cart.call({
        method: "POST", path: "/cart/checkout", body: request.body, caller, requestId: request.id,
        headers: { [IDEMPOTENCY_KEY]: request.headers[IDEMPOTENCY_KEY] },
      });
      return reply.status(201).send(answer);
    },
  );
}
