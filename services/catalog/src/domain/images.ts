/** Product images as the API shows them. Pure. */
import type { ImageType } from "./image-type.ts";

export type ImageRow = { id: string; productId: string; contentType: string; bytes: number; sha256: string; createdAt: Date };
export type ImageView = { imageId: string; productId: string; url: string; contentType: ImageType; bytes: number; sha256: string; createdAt: string };
/** What a product answer lists of each image. */
export type ImageRef = { imageId: string; url: string };

/** An image's public URL: `<IMAGE_URL_PREFIX>/<imageId>` (the gateway's GET /api/images/:imageId by default). */
export function imageUrl(prefix: string, imageId: string): string {
  return `${prefix}/${imageId}`;
}

export function imageView(row: ImageRow, urlPrefix: string): ImageView {
  return {
    imageId: row.id, productId: row.productId, url: imageUrl(urlPrefix, row.id), contentType: row.contentType as ImageType,
    bytes: row.bytes, sha256: row.sha256, createdAt: row.createdAt.toISOString(),
  };
}
