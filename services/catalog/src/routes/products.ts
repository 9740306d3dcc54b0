import type { FastifyInstance } from "fastify";
import { callerOf } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import { createProduct, getProduct, myProducts, restockProduct, updateProduct } from "../store/products.ts";
import type { ProductStock } from "../store/inventory.ts";
import { imageRefs, imageRefsOf, withImages } from "../store/images.ts";
import { MAX_STOCK_UNITS, type ProductInput } from "../domain/products.ts";
import { idParams, page, pageSize, priceRange, strictObject, uuid } from "./schemas.ts";
import { searchProducts } from "../store/product-search.ts";
import { PRODUCT_SORTS, productSearch, type ProductQuery } from "../domain/search.ts";

const productFields = {
  name: { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" },
  description: { type: "string", maxLength: 5000 },
  priceCents: { type: "integer", minimum: 0, maximum: 100_000_000 },
} as const;
const createBody = strictObject({ ...productFields, stock: { type: "integer", minimum: 0, maximum: MAX_STOCK_UNITS } }, ["name", "description", "priceCents"]);
const restockBody = strictObject({ units: { type: "integer", minimum: 1, maximum: MAX_STOCK_UNITS } }, ["units"]);
const patchBody = { ...strictObject(productFields, []), minProperties: 1 } as const;
const pageQuery = strictObject({ page, pageSize }, []);
const searchQuery = strictObject(
  { q: { type: "string", maxLength: 200 }, sort: { type: "string", enum: PRODUCT_SORTS, default: "-createdAt" }, sellerId: uuid, ...priceRange, page, pageSize },
  [],
);

/** Products: create (approved seller, optionally with stock), read and search (anyone), edit, restock and list own (owner only). */
export async function productRoutes(app: FastifyInstance, opts: { db: Db; stock: ProductStock; imageUrlPrefix: string }): Promise<void> {
  const { db, stock, imageUrlPrefix } = opts;

  app.post<{ Body: ProductInput & { stock?: number } }>("/products", { schema: { body: createBody } }, async (request, reply) => {
    const product = await createProduct(db, callerOf(request).userId, request.body, stock);
    return reply.status(201).send(product);
  });

  app.post<{ Params: { productId: string }; Body: { units: number } }>(
    "/products/:productId/restock",
    { schema: { params: idParams("productId"), body: restockBody } },
    async (request) => restockProduct(db, callerOf(request).userId, request.params.productId, request.body.units, stock),
  );

  app.get<{ Querystring: ProductQuery }>("/products", { schema: { querystring: searchQuery } }, async (request) => {
    const found = await searchProducts(db, productSearch(request.query));
    const refs = await imageRefsOf(db, found.items.map((p) => p.productId), imageUrlPrefix);
    return { items: found.items.map((p) => withImages(p, refs)), total: found.total };
  });

  app.get<{ Params: { productId: string } }>("/products/:productId", { schema: { params: idParams("productId") } }, async (request) => {
    const [product, images] = await Promise.all([getProduct(db, request.params.productId), imageRefs(db, request.params.productId, imageUrlPrefix)]);
    return { ...product, images, imageUrl: images[0]?.url ?? null };
  });

  app.patch<{ Params: { productId: string }; Body: Partial<ProductInput> }>(
    "/products/:productId",
    { schema: { params: idParams("productId"), body: patchBody } },
    async (request) => updateProduct(db, callerOf(request).userId, request.params.productId, request.body),
  );

  app.get<{ Querystring: { page: number; pageSize: number } }>("/sellers/me/products", { schema: { querystring: pageQuery } }, async (request) => {
    return myProducts(db, callerOf(request).userId, request.query.page, request.query.pageSize);
  });
}
