/** JSON-schema building blocks shared by the catalog's routes. */

export const uuid = { type: "string", format: "uuid" } as const;
export const email = { type: "string", format: "email", minLength: 3, maxLength: 254 } as const;
export const password = { type: "string", minLength: 8, maxLength: 128 } as const;
export const errorBody = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;

/** An object schema that rejects unknown properties. */
export function strictObject<P extends Record<string, object>, R extends readonly (keyof P & string)[]>(properties: P, required: R) {
  return { type: "object", additionalProperties: false, properties, required } as const;
}

export function idParams<K extends string>(name: K) {
  return strictObject({ [name]: uuid } as Record<K, typeof uuid>, [name] as const);
}
