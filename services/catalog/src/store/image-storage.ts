/**
 * Where image bytes live: behind one interface, a folder on disk (the default) or an
 * S3-compatible bucket (IMAGE_STORAGE=s3). The catalog's `images` table is the source of truth
 * for what exists and its content type; the storage only keeps bytes under a key (the image id).
 */
import type { Readable } from "node:stream";

export type StoredImage = {
  /** The bytes, streamed; the caller must consume or destroy it. */
  body: Readable;
  bytes: number;
};

export interface ImageStorage {
  /** "disk" or "s3", for logs and the README's table. */
  readonly kind: string;
  /** Checked once at start: disk creates its folder and proves it writable; S3 reaches the bucket. Throws a clear message otherwise. */
  init(): Promise<void>;
  /**
   * Stores `body` under `key` (replacing what was there). All or nothing: when the body stream fails
   * or is destroyed, nothing is left under the key and the promise rejects with the stream's error.
   */
  put(key: string, body: Readable | Buffer, contentType: string): Promise<{ bytes: number }>;
  /** The bytes under `key`, or undefined when there are none. */
  get(key: string): Promise<StoredImage | undefined>;
  /** Removes `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Keys are ids: letters, digits, `-` and `_` (no dot, no slash, so never a path outside the store). */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{1,199}$/;

export function assertKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`invalid image storage key ${JSON.stringify(key)}`);
  return key;
}
