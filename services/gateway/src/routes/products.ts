import type { FastifyInstance } from "fastify";
import { authenticate } from "./authenticate.ts";
import { bearer, errors, idParams, listOf, pageQuery, productAnswer, productBody, productPatch, productWithStockAnswer, restockAnswer, restockBody } from "./schemas.ts";
import type { RouteDeps } from "./auth.ts";
import { productSearchQuery } from "./search-schemas.ts";

type ProductInput = { name: string; description: string; priceCents: number };

export type ProductRouteDeps = RouteDeps & {
  /** Live available units of a product's stock (0 when never set); 503 when stock cannot say. */
  availableOf: (productId: string) => Promise<number>;
};

/** Products: an approved seller creates (optionally with stock), edits and restocks its own; anyone reads one, with its live stock. */
export async function productRoutes(app: FastifyInstance, { catalog, tokens, availableOf }: ProductRouteDeps): Promise<void> {
  app.post<{ Body: ProductInput & { stock?: number } }>(
    "/api/products",
    { schema: { tags: ["products"], summary: "Create a product (approved seller), optionally with stock for carts", security: bearer, body: productBody, response: { 201: { type: "object", properties: { productId: { type: "string", format: "uuid" } }, required: ["productId"] }, ...errors(400, 401, 403, 503) } } },
    async (request, reply) => {
      const product = await catalog.call<{ productId: string }>({ method: "POST", path: "/products", body: request.body, caller: authenticate(request, tokens), requestId: request.id });
      return reply.status(201).send({ productId: product.productId });
    },
  );

  app.get<{ Querystring: Record<string, string | number | undefined> }>(
    "/api/products",
    { schema: { tags: ["products"], summary: "Search products: keywords, seller, price range, sort, page (stock.available as last known)", querystring: productSearchQuery, response: { 200: listOf(productWithStockAnswer), ...errors(400, 503) } } },
    async (request) => catalog.call({ method: "GET", path: "/products", query: request.query, requestId: request.id }),
  );

  app.get<{ Params: { productId: string } }>(
    "/api/products/:productId",
    { schema: { tags: ["products"], summary: "A product, with its live stock", params: idParams("productId"), response: { 200: productWithStockAnswer, ...errors(400, 404, 503) } } },
    async (request) => {
      const { productId } = request.params;
      const [product, available] = await Promise.all([
        catalog.call<Record<string, unknown>>({ method: "GET", path: `/products/${productId}`, requestId: request.id }),
        availableOf(productId),
      ]);
      return { ...product, stock: { available } };
    },
  );

  app.post<{ Params: { productId: string }; Body: { units: number } }>(
    "/api/products/:productId/restock",
    { schema: { tags: ["products"], summary: "Add units to my product's stock (set it when never set); ledgered like drop adjustments", security: bearer, params: idParams("productId"), body: restockBody, response: { 200: restockAnswer, ...errors(400, 401, 403, 404, 503) } } },
    async (request) => catalog.call({ method: "POST", path: `/products/${request.params.productId}/restock`, body: request.body, caller: authenticate(request, tokens), requestId: request.id }),
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
