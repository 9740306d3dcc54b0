import type { FastifyInstance } from "fastify";
import { AppError, strictValidatorCompiler, type ServiceClient } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import type { ImageClient } from "../store/images.ts";
import { authenticate } from "./authenticate.ts";
import { bearer, errorBody, errors, idParams, imageAnswer, imageListAnswer, strictObject, uuid } from "./schemas.ts";

export type ImageRouteDeps = { catalog: ServiceClient; tokens: TokenSigner; images: ImageClient };

/** Room for a multipart body's boundaries and part headers around the file (the file itself is limited exactly by the catalog). */
export const MULTIPART_ENVELOPE_BYTES = 16 * 1024;

const MULTIPART = /^multipart\/form-data\s*;.*\bboundary=/i;
const notMultipart = () => new AppError("UNSUPPORTED_MEDIA_TYPE", "send multipart/form-data with one file part (a PNG, JPEG or WebP image)");

const uploadBody = {
  type: "object",
  required: ["file"],
  properties: { file: { type: "string", format: "binary", description: "one PNG, JPEG or WebP file (judged by its bytes, not its name or type), at most IMAGE_MAX_BYTES (5 MB by default)" } },
} as const;
const imageBytes = {
  description: "the image's bytes, with its Content-Type (image/png, image/jpeg or image/webp), `Cache-Control: public, max-age=31536000, immutable`, `ETag` and `X-Content-Type-Options: nosniff`",
  type: "string",
  format: "binary",
} as const;

/**
 * Product images. An upload is checked here (token; multipart; the catalog's answer that the
 * caller owns the product, with its size limit; a declared length over it) before a byte of the
 * body is read, then streamed as it arrives to the catalog, which judges the file by its bytes,
 * stores it and records it. Images are read through here from the catalog.
 */
export async function imageRoutes(app: FastifyInstance, { catalog, tokens, images }: ImageRouteDeps): Promise<void> {
  // In this plugin only: no body is parsed here, an upload stays a stream for the catalog.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
  const strict = strictValidatorCompiler();

  app.post<{ Params: { productId: string } }>(
    "/api/products/:productId/images",
    {
      schema: {
        tags: ["products"], summary: "Upload an image of my product (multipart/form-data, one file part)", security: bearer, consumes: ["multipart/form-data"],
        params: idParams("productId"), body: uploadBody,
        response: { 201: imageAnswer, ...errors(400, 401, 403, 404, 408, 409, 413, 415, 503) },
      },
      // The body schema documents the form; the stream itself is judged by the catalog.
      validatorCompiler: (route) => (route.httpPart === "body" ? () => true : strict(route)),
    },
    async (request, reply) => {
      const { productId } = request.params;
      const caller = authenticate(request, tokens);
      const contentType = request.headers["content-type"];
      if (typeof contentType !== "string" || !MULTIPART.test(contentType)) throw notMultipart();
      const { maxBytes } = await catalog.call<{ maxBytes: number }>({ method: "GET", path: `/products/${productId}/images/upload-check`, caller, requestId: request.id });
      const limitBytes = maxBytes + MULTIPART_ENVELOPE_BYTES;
      const declared = Number(request.headers["content-length"] ?? Number.NaN);
      try {
        if (declared > limitBytes) throw new AppError("PAYLOAD_TOO_LARGE", `the image is larger than ${maxBytes} bytes`, { maxBytes });
        const image = await images.upload({ productId, body: request.raw, contentType, caller, requestId: request.id, limitBytes });
        return await reply.status(201).send(image);
      } catch (err) {
        // Refused before its end: the rest of the body is not read; the connection closes with the answer.
        if (!request.raw.readableEnded) {
          reply.header("connection", "close");
          reply.raw.once("finish", () => request.raw.destroy());
        }
        throw err;
      }
    },
  );

  app.get<{ Params: { imageId: string }; Headers: { "if-none-match"?: string } }>(
    "/api/images/:imageId",
    {
      schema: {
        tags: ["products"], summary: "An image's bytes (cacheable forever; 304 on If-None-Match)", params: idParams("imageId"),
        response: { 200: imageBytes, 304: { description: "not modified (If-None-Match matched the ETag)", type: "null" }, 404: errorBody, 400: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      reply.header("x-content-type-options", "nosniff");
      const ifNoneMatch = request.headers["if-none-match"];
      const image = await images.get(request.params.imageId, typeof ifNoneMatch === "string" ? ifNoneMatch : undefined, request.id);
      reply.headers(image.headers).status(image.status);
      return reply.send(image.body);
    },
  );

  app.get<{ Params: { productId: string } }>(
    "/api/products/:productId/images",
    { schema: { tags: ["products"], summary: "A product's images, oldest first", params: idParams("productId"), response: { 200: imageListAnswer, ...errors(400, 404, 503) } } },
    async (request) => catalog.call({ method: "GET", path: `/products/${request.params.productId}/images`, requestId: request.id }),
  );

  app.delete<{ Params: { productId: string; imageId: string } }>(
    "/api/products/:productId/images/:imageId",
    {
      schema: {
        tags: ["products"], summary: "Delete an image of my product", security: bearer,
        params: strictObject({ productId: uuid, imageId: uuid }, ["productId", "imageId"]),
        response: { 204: { description: "deleted", type: "null" }, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const { productId, imageId } = request.params;
      await catalog.call({ method: "DELETE", path: `/products/${productId}/images/${imageId}`, caller: authenticate(request, tokens), requestId: request.id });
      return reply.status(204).send();
    },
  );
}
