/** JSON-schema building blocks shared by the catalog's routes. */
import { UUID_SCHEMA } from "@drops/http";

export const uuid = UUID_SCHEMA;
export const email = { type: "string", format: "email", minLength: 3, maxLength: 254 } as const;
export const password = { type: "string", minLength: 8, maxLength: 128 } as const;
/** `?page=&pageSize=`: pages from 1, 1..100 items (default 20). */
export const page = { type: "integer", minimum: 1, maximum: 100_000, default: 1 } as const;
export const pageSize = { type: "integer", minimum: 1, maximum: 100, default: 20 } as const;
/** `?minPriceCents=&maxPriceCents=` of the searches (min > max is refused by domain/search.ts). */
const priceCents = { type: "integer", minimum: 0, maximum: 100_000_000 } as const;
export const priceRange = { minPriceCents: priceCents, maxPriceCents: priceCents } as const;

/** An object schema that rejects unknown properties. */
export function strictObject<P extends Record<string, object>, R extends readonly (keyof P & string)[]>(properties: P, required: R) {
  return { type: "object", additionalProperties: false, properties, required } as const;
}

export function idParams<K extends string>(name: K) {
  return strictObject({ [name]: uuid } as Record<K, typeof uuid>, [name] as const);
}
