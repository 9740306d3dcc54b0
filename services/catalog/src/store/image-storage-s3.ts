/**
 * The S3-compatible image storage (IMAGE_STORAGE=s3): AWS S3, MinIO, Ceph, R2, ... through
 * `@aws-sdk/client-s3`. Objects are `<S3_KEY_PREFIX><key>` in S3_BUCKET with their Content-Type,
 * so a bucket behind a CDN can serve them directly (IMAGE_URL_PREFIX). A put collects the body
 * (at most IMAGE_MAX_BYTES, bounded by the upload route) and sends it in one PutObject with its
 * length: nothing is written when the body stream fails, and no multipart-upload parts are left.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { assertKey, type ImageStorage, type StoredImage } from "./image-storage.ts";

export type S3StorageOptions = {
  bucket: string;
  region: string;
  /** Empty: AWS's own endpoint for the region. */
  endpoint: string;
  /** Empty: the SDK's default credential chain (environment, profile, instance role). */
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which most S3-compatible servers need. */
  forcePathStyle: boolean;
  keyPrefix: string;
};

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
}

export function s3ImageStorage(opts: S3StorageOptions): ImageStorage {
  const client = new S3Client({
    region: opts.region,
    forcePathStyle: opts.forcePathStyle,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.accessKeyId ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } } : {}),
    // Checksums only where S3 requires them: S3-compatible servers differ in what they verify.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = opts.bucket;
  const objectKey = (key: string) => `${opts.keyPrefix}${assertKey(key)}`;

  return {
    kind: "s3",

    async init() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (err) {
        const where = opts.endpoint || `AWS ${opts.region}`;
        throw new Error(`S3 bucket ${JSON.stringify(Bucket)} at ${where} is not reachable (${(err as Error).name}: ${(err as Error).message})`, { cause: err });
      }
    },

    async put(key, body, contentType) {
      const Key = objectKey(key);
      const bytes = Buffer.isBuffer(body) ? body : await collect(body);
      await client.send(new PutObjectCommand({ Bucket, Key, Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
      return { bytes: bytes.length };
    },

    async get(key): Promise<StoredImage | undefined> {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        if (!res.Body) return undefined;
        return { body: res.Body as Readable, bytes: res.ContentLength ?? 0 };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },

    async close() {
      client.destroy();
    },
  };
}
