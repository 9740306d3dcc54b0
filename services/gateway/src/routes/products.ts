import type { FastifyInstance } from "fastify";
import { authenticate } from "./authenticate.ts";
import { bearer, errors, idParams, listOf, pageQuery, productAnswer, productBody, productPatch } from "./schemas.ts";
import type { RouteDeps } from "./auth.ts";

type ProductInput = { name: string; description: string; priceCents: number };

/** Products: an approved seller creates and edits its own; anyone reads one. */
export async function productRoutes(app: FastifyInstance, { catalog, tokens }: RouteDeps): Promise<void> {
  app.post<{ Body: ProductInput }>(
    "/api/products",
    { schema: { tags: ["products"], summary: "Create a product (approved seller)", security: bearer, body: productBody, response: { 201: { type: "object", properties: { productId: { type: "string", format: "uuid" } }, required: ["productId"] }, ...errors(400, 401, 403, 503) } } },
    async (request, reply) => {
      const product = await catalog.call<{ productId: string }>({ method: "POST", path: "/products", body: request.body, caller: authenticate(request, tokens), requestId: request.id });
      return reply.status(201).send({ productId: product.productId });
    },
  );

  app.get<{ Params: { productId: string } }>(
    "/api/products/:productId",
    { schema: { tags: ["products"], summary: "A product", params: idParams("productId"), response: { 200: productAnswer, ...errors(400, 404, 503) } } },
    async (request) => catalog.call({ method: "GET", path: `/products/${request.params.productId}`, requestId: request.id }),
  );

  app.patch<{ Params: { productId: string }; Body: Partial<ProductInput> }>(
    "/api/products/:productId",
    { schema: { tags: ["products"], summary: "Edit my product", security: bearer, params: idParams("productId"), body: productPatch, response: { 200: productAnswer, ...errors(400, 401, 403, 404, 503) } } },
    async (request) => catalog.call({ method: "PATCH", path: `/products/${request.params.productId}`, body: request.body, caller: authenticate(request, tokens), requestId: request.id }),
  );

  app.get<{ Querystring: { page: number; pageSize: number } }>(
    "/api/sellers/me/products",
    { schema: { tags: ["products"], summary: "My products, newest first", security: bearer, querystring: pageQuery, response: { 200: listOf(productAnswer), ...errors(400, 401, 503) } } },
    async (request) => catalog.call({ method: "GET", path: "/sellers/me/products", query: request.query, caller: authenticate(request, tokens), requestId: request.id }),
  );
}
