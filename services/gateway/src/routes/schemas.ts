/** JSON schemas of the public API (validation + OpenAPI). Bodies reject unknown properties. */
import { UUID_SCHEMA } from "@drops/http";

/** A UUID (path params are lower-cased before routing, see @drops/http ids). */
export const uuid = UUID_SCHEMA;
export const email = { type: "string", format: "email", minLength: 3, maxLength: 254 } as const;
const nonBlank = (maxLength: number) => ({ type: "string", minLength: 1, maxLength, pattern: "\\S" }) as const;

export function strictObject<P extends Record<string, object>, R extends readonly (keyof P & string)[]>(properties: P, required: R) {
  return { type: "object", additionalProperties: false, properties, required } as const;
}
export function idParams<K extends string>(name: K) {
  return strictObject({ [name]: uuid } as Record<K, typeof uuid>, [name] as const);
}
/** An answer object: documents the fields, keeps any others the catalog adds. */
function answer<P extends Record<string, object>>(properties: P, required: readonly (keyof P & string)[]) {
  return { type: "object", properties, required } as const;
}

export const errorBody = {
  type: "object",
  description: "every error: a stable code and a human message",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
  additionalProperties: true,
} as const;
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorBody]));
export const bearer = [{ bearerAuth: [] }];

export const page = { type: "integer", minimum: 1, maximum: 100_000, default: 1 } as const;
export const pageSize = { type: "integer", minimum: 1, maximum: 100, default: 20 } as const;

// auth
export const signupBody = strictObject(
  { email, password: { type: "string", minLength: 8, maxLength: 128 }, displayName: nonBlank(100) },
  ["email", "password", "displayName"],
);
export const loginBody = strictObject(
  { email: { type: "string", minLength: 1, maxLength: 254 }, password: { type: "string", minLength: 1, maxLength: 128 } },
  ["email", "password"],
);
export const tokenAnswer = answer({ userId: uuid, accessToken: { type: "string" } }, ["userId", "accessToken"]);
export const meAnswer = answer(
  { userId: uuid, email: { type: "string" }, displayName: { type: "string" }, roles: { type: "array", items: { type: "string" } } },
  ["userId", "email", "displayName", "roles"],
);

// sellers
const sellerStatus = { type: "string", enum: ["pending", "approved", "rejected"] } as const;
export const applyBody = strictObject({ businessName: nonBlank(200), contactEmail: email }, ["businessName", "contactEmail"]);
export const sellerStatusAnswer = answer({ sellerId: uuid, status: sellerStatus }, ["sellerId", "status"]);
export const sellerAnswer = answer(
  { sellerId: uuid, userId: uuid, businessName: { type: "string" }, contactEmail: { type: "string" }, status: sellerStatus, createdAt: { type: "string", format: "date-time" } },
  ["sellerId", "userId", "businessName", "contactEmail", "status"],
);
export const sellerListQuery = strictObject({ status: sellerStatus, page, pageSize }, []);

// products
const productFields = {
  name: nonBlank(200),
  description: { type: "string", maxLength: 5000 },
  priceCents: { type: "integer", minimum: 0, maximum: 100_000_000 },
} as const;
/** Most units a product's stock is set to at creation or restocked by at once (the inventory's bound). */
export const MAX_STOCK_UNITS = 10_000_000;
export const productBody = strictObject(
  { ...productFields, stock: { type: "integer", minimum: 0, maximum: MAX_STOCK_UNITS, description: "units on sale for carts at once; left out: not for sale in carts until restocked" } },
  ["name", "description", "priceCents"],
);
export const restockBody = strictObject({ units: { type: "integer", minimum: 1, maximum: MAX_STOCK_UNITS } }, ["units"]);
export const restockAnswer = answer({ productId: uuid, stock: { type: "integer", description: "total units after the restock" }, available: { type: "integer" } }, ["productId", "stock", "available"]);
export const productPatch = { ...strictObject(productFields, []), minProperties: 1 } as const;
export const productAnswer = answer(
  { productId: uuid, sellerId: uuid, ...productFields, createdAt: { type: "string" }, updatedAt: { type: "string" } },
  ["productId", "sellerId", "name", "description", "priceCents"],
);
/** A product's pictures, on a product, a drop and their search results. */
const pictures = {
  images: { type: "array", description: "the product's images, oldest first", items: answer({ imageId: uuid, url: { type: "string" } }, ["imageId", "url"]) },
  imageUrl: { type: ["string", "null"], description: "the first image's URL (null: no image yet)" },
} as const;
export const productWithStockAnswer = answer(
  {
    ...productAnswer.properties,
    stock: answer({ available: { type: "integer", description: "units on sale for carts now (0 when the stock was never set)" } }, ["available"]),
    ...pictures,
  },
  [...productAnswer.required, "stock"],
);

// product images
export const imageAnswer = answer(
  {
    imageId: uuid,
    url: { type: "string", description: "where the image is served (GET /api/images/:imageId by default); cacheable forever" },
    productId: uuid,
    contentType: { type: "string", enum: ["image/png", "image/jpeg", "image/webp"] },
    bytes: { type: "integer" },
    sha256: { type: "string", description: "hex SHA-256 of the bytes (the ETag)" },
    createdAt: { type: "string", format: "date-time" },
  },
  ["imageId", "url"],
);
export const imageListAnswer = answer({ items: { type: "array", items: imageAnswer } }, ["items"]);
export const pageQuery = strictObject({ page, pageSize }, []);

// drops
export const dropBody = strictObject(
  {
    productId: uuid,
    startsAt: { type: "string", format: "date-time", maxLength: 40, description: "RFC 3339 with a time zone; now or later" },
    units: { type: "integer", minimum: 1, maximum: 1_000_000 },
    perBuyerLimit: { type: "integer", minimum: 1, maximum: 1_000_000 },
    holdSeconds: { type: "integer", minimum: 5, maximum: 3600 },
    queue: strictObject(
      { admitPerSecond: { type: "integer", minimum: 1, maximum: 10_000, description: "buyers admitted per second" } },
      ["admitPerSecond"],
    ),
  },
  ["productId", "startsAt", "units", "perBuyerLimit", "holdSeconds"],
);
const dropStatus = { type: "string", enum: ["scheduled", "open", "paused", "closed", "sold_out"] } as const;
export const dropAnswer = answer(
  {
    dropId: uuid, productId: uuid, name: { type: "string" }, startsAt: { type: "string", format: "date-time" },
    units: { type: "integer" }, available: { type: "integer" }, status: dropStatus,
    description: { type: "string" }, priceCents: { type: "integer" }, perBuyerLimit: { type: "integer" }, holdSeconds: { type: "integer" },
    sellerId: uuid,
    ...pictures,
    queue: answer(
      {
        admitPerSecond: { type: "integer", description: "buyers admitted from the waiting room per second" },
        seedHash: { type: "string", description: "hex SHA-256 of the seed that draws the early joiners' order at opening (published then: /queue/fairness)" },
      },
      ["admitPerSecond", "seedHash"],
    ),
  },
  ["dropId", "productId", "name", "startsAt", "units", "available", "status"],
);
export const listOf = (item: object) => answer({ items: { type: "array", items: item }, total: { type: "integer" } }, ["items", "total"]);
