/** The catalog's `images` table: which images a product has (the bytes are in the image storage under the image id). */
import { conflict, notFound } from "@drops/http";
import type { Db } from "./prisma.ts";
import { isUniqueViolation } from "./errors.ts";
import { imageUrl, imageView, type ImageRef, type ImageRow, type ImageView } from "../domain/images.ts";
import type { ImageType } from "../domain/image-type.ts";

export type NewImage = { imageId: string; productId: string; contentType: ImageType; bytes: number; sha256: string; createdAt: Date };

const tooMany = (max: number) => conflict(`a product holds at most ${max} images; delete one first`, "TOO_MANY_IMAGES", { maxImages: max });

/** 409 TOO_MANY_IMAGES when the product already holds `max` images (checked before an upload is read). */
export async function mustHaveRoom(db: Db, productId: string, max: number): Promise<void> {
  if ((await db.image.count({ where: { productId } })) >= max) throw tooMany(max);
}

/**
 * Records a stored image. The product's row is locked (its `updatedAt` bumped: it changed) so the
 * count and the insert are one step per product: never more than `max`. The same bytes again for the
 * same product answer the image already recorded (`created: false`; the caller drops the new copy).
 */
export async function recordImage(db: Db, image: NewImage, max: number, urlPrefix: string): Promise<{ image: ImageView; created: boolean }> {
  const existing = async () => db.image.findUnique({ where: { productId_sha256: { productId: image.productId, sha256: image.sha256 } } });
  try {
    return await db.$transaction(async (tx) => {
      await tx.product.update({ where: { id: image.productId }, data: { updatedAt: image.createdAt } });
      const same = await tx.image.findUnique({ where: { productId_sha256: { productId: image.productId, sha256: image.sha256 } } });
      if (same) return { image: imageView(same, urlPrefix), created: false };
      if ((await tx.image.count({ where: { productId: image.productId } })) >= max) throw tooMany(max);
      const row = await tx.image.create({
        data: { id: image.imageId, productId: image.productId, contentType: image.contentType, bytes: image.bytes, sha256: image.sha256, createdAt: image.createdAt },
      });
      return { image: imageView(row, urlPrefix), created: true };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const row = await existing();
    if (!row) throw err;
    return { image: imageView(row, urlPrefix), created: false };
  }
}

/** A product's images, oldest first, as its answer lists them. */
export async function productImages(db: Db, productId: string, urlPrefix: string): Promise<ImageView[]> {
  const rows = await db.image.findMany({ where: { productId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map((r) => imageView(r, urlPrefix));
}

/** `{imageId, url}` of a product's images, oldest first. */
export async function imageRefs(db: Db, productId: string, urlPrefix: string): Promise<ImageRef[]> {
  return (await productImages(db, productId, urlPrefix)).map(({ imageId, url }) => ({ imageId, url }));
}

export async function findImage(db: Db, imageId: string): Promise<ImageRow | null> {
  return db.image.findUnique({ where: { id: imageId } });
}

/** Deletes a product's image row; 404 IMAGE_NOT_FOUND when the product has no such image. */
export async function deleteImageRow(db: Db, productId: string, imageId: string): Promise<void> {
  const { count } = await db.image.deleteMany({ where: { id: imageId, productId } });
  if (count === 0) throw notFound("this product has no such image", "IMAGE_NOT_FOUND");
}

/**
 * `{imageId, url}` of each product's images, oldest first, for a page of answers (search, names):
 * one query for all of them (the (product_id, sha256) unique index leads with the product), never one per row. Products without
 * images are absent from the map.
 */
export async function imageRefsOf(db: Db, productIds: readonly string[], urlPrefix: string): Promise<Map<string, ImageRef[]>> {
  const ids = [...new Set(productIds)];
  const byProduct = new Map<string, ImageRef[]>();
  if (ids.length === 0) return byProduct;
  const rows = await db.image.findMany({
    where: { productId: { in: ids } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, productId: true },
  });
  for (const r of rows) {
    const refs = byProduct.get(r.productId) ?? [];
    refs.push({ imageId: r.id, url: imageUrl(urlPrefix, r.id) });
    byProduct.set(r.productId, refs);
  }
  return byProduct;
}

/** An answer with its product's pictures: `images` (oldest first) and `imageUrl`, the first one's URL or null. */
export function withImages<T extends { productId: string }>(item: T, refs: ReadonlyMap<string, ImageRef[]>): T & { images: ImageRef[]; imageUrl: string | null } {
  const images = refs.get(item.productId) ?? [];
  return { ...item, images, imageUrl: images[0]?.url ?? null };
}
