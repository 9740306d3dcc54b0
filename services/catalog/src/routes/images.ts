import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import multipart from "@fastify/multipart";
import { AppError, badRequest, callerOf, notFound, unavailable } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import type { ImageStorage } from "../store/image-storage.ts";
import { receiveImage, type ReceivedImage } from "../store/image-upload.ts";
import { deleteImageRow, findImage, mustHaveRoom, productImages, recordImage } from "../store/images.ts";
import { getProduct, ownedProduct } from "../store/products.ts";
import { ifNoneMatchHits, imageEtag } from "../domain/image-type.ts";
import { idParams, strictObject, uuid } from "./schemas.ts";

export type ImageRouteOptions = {
  db: Db;
  storage: ImageStorage;
  maxBytes: number;
  maxPerProduct: number;
  urlPrefix: string;
};

/** An image id never names other bytes (a fresh UUID per stored image), so its answer may be cached for a year. */
export const IMAGE_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** What busboy may read of one upload besides the file: a few small text fields, no more parts. */
const multipartLimits = (maxBytes: number) => ({
  files: 1,
  // one byte more than allowed, so an oversize file is seen (and refused) rather than silently cut
  fileSize: maxBytes + 1,
  fields: 10,
  fieldSize: 1024,
  parts: 12,
  headerPairs: 50,
});

/** Turns what the multipart parser throws into a 4xx with a clear message. */
function multipartRefusal(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown }).code;
  if (code === "FST_FILES_LIMIT") return badRequest("send exactly one file part: this request has more than one");
  if (code === "FST_PARTS_LIMIT" || code === "FST_FIELDS_LIMIT") return badRequest("too many parts: send one file part (and at most 10 small fields)");
  if (code === "FST_PROTO_VIOLATION") return badRequest("a part's name is not allowed");
  if (code === "FST_MP_PREMATURE_CLOSE") return badRequest("the upload was cut off before its end");
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 500) return err;
  return badRequest(`the multipart/form-data body is malformed (${(err as Error).message ?? "unreadable"})`);
}

const imageIdParams = idParams("imageId");
const productImageParams = strictObject({ productId: uuid, imageId: uuid }, ["productId", "imageId"]);

/**
 * Product images: its seller uploads (multipart/form-data, one file, PNG/JPEG/WebP by content, at
 * most `maxBytes`) and deletes; anyone lists a product's images and reads an image's bytes. The
 * bytes go to `storage` under the image id; the `images` table says what exists.
 */
export async function imageRoutes(app: FastifyInstance, opts: ImageRouteOptions): Promise<void> {
  const { db, storage, maxBytes, maxPerProduct, urlPrefix } = opts;
  // Registered in this plugin only: the other routes keep refusing multipart bodies (415).
  await app.register(multipart, { limits: multipartLimits(maxBytes), throwFileSizeLimit: false });

  /** The gateway asks this before it streams an upload: the caller owns the product and it has room for one more image. */
  app.get<{ Params: { productId: string } }>("/products/:productId/images/upload-check", { schema: { params: idParams("productId") } }, async (request) => {
    const { productId } = request.params;
    await ownedProduct(db, callerOf(request).userId, productId);
    await mustHaveRoom(db, productId, maxPerProduct);
    return { productId, maxBytes };
  });

  app.post<{ Params: { productId: string } }>("/products/:productId/images", { schema: { params: idParams("productId") } }, async (request, reply) => {
    const { productId } = request.params;
    // Who and where first, before a byte of the body is read.
    await ownedProduct(db, callerOf(request).userId, productId);
    if (!request.isMultipart()) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "send multipart/form-data with one file part (a PNG, JPEG or WebP image)");
    await mustHaveRoom(db, productId, maxPerProduct);

    let stored: (ReceivedImage & { imageId: string }) | undefined;
    const dropStored = async () => {
      if (stored) await storage.delete(stored.imageId).catch((err: unknown) => request.log.warn({ err, imageId: stored?.imageId }, "could not delete a refused image's bytes"));
    };
    try {
      for await (const part of request.parts()) {
        if (part.type !== "file") continue;
        if (stored) throw badRequest("send exactly one file part: this request has more than one");
        const imageId = randomUUID();
        const received = await receiveImage(storage, imageId, part.file, maxBytes, (err) => request.log.error({ err, imageId }, "image storage failed"));
        stored = { ...received, imageId };
      }
    } catch (err) {
      await dropStored();
      throw multipartRefusal(err);
    }
    if (!stored) throw badRequest("no file part: send the image as one file part of a multipart/form-data body");

    let recorded;
    try {
      recorded = await recordImage(db, { ...stored, productId, createdAt: new Date() }, maxPerProduct, urlPrefix);
    } catch (err) {
      await dropStored();
      throw err;
    }
    if (!recorded.created) await dropStored(); // the product already holds these bytes: its image answers
    return reply.status(201).send(recorded.image);
  });

  app.get<{ Params: { productId: string } }>("/products/:productId/images", { schema: { params: idParams("productId") } }, async (request) => {
    const { productId } = request.params;
    await getProduct(db, productId);
    return { items: await productImages(db, productId, urlPrefix) };
  });

  app.delete<{ Params: { productId: string; imageId: string } }>("/products/:productId/images/:imageId", { schema: { params: productImageParams } }, async (request, reply) => {
    const { productId, imageId } = request.params;
    await ownedProduct(db, callerOf(request).userId, productId);
    await deleteImageRow(db, productId, imageId);
    // The row is the truth: once it is gone the image is not served, whatever happens to the bytes.
    await storage.delete(imageId).catch((err: unknown) => request.log.warn({ err, imageId }, "image row deleted but its bytes could not be removed"));
    return reply.status(204).send();
  });

  app.get<{ Params: { imageId: string } }>("/images/:imageId", { schema: { params: imageIdParams } }, async (request, reply: FastifyReply) => {
    const { imageId } = request.params;
    const row = await findImage(db, imageId);
    if (!row) throw notFound("no such image", "IMAGE_NOT_FOUND");
    const etag = imageEtag(row.sha256);
    reply.header("cache-control", IMAGE_CACHE_CONTROL).header("etag", etag).header("x-content-type-options", "nosniff");
    if (ifNoneMatchHits(request.headers["if-none-match"], etag)) return reply.status(304).send();
    const object = await storage.get(imageId).catch((err: unknown) => {
      request.log.error({ err, imageId }, "image storage failed");
      throw unavailable("the image storage is unavailable; retry shortly");
    });
    if (!object) {
      request.log.error({ imageId }, "an image's row exists but its bytes are missing from the storage");
      reply.removeHeader("cache-control").removeHeader("etag");
      throw notFound("no such image", "IMAGE_NOT_FOUND");
    }
    return reply.header("content-type", row.contentType).header("content-length", object.bytes).send(object.body);
  });
}
