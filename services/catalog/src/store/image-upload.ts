/**
 * One uploaded file on its way into the image storage: its first bytes decide its type (before
 * anything is stored), then it streams into the storage while its bytes are counted and hashed.
 * Never more than IMAGE_MAX_BYTES is passed on: past that the storage write is failed (nothing is
 * kept) and the rest of the file is read and discarded, so the multipart parser can finish.
 */
import { createHash } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { AppError, badRequest, unavailable } from "@drops/http";
import { SNIFF_BYTES, sniffImageType, type ImageType } from "../domain/image-type.ts";
import type { ImageStorage } from "./image-storage.ts";

export type ReceivedImage = { contentType: ImageType; bytes: number; sha256: string };

const tooLarge = (maxBytes: number) => new AppError("PAYLOAD_TOO_LARGE", `the image is larger than ${maxBytes} bytes`, { maxBytes });
const notAnImage = () => new AppError("UNSUPPORTED_MEDIA_TYPE", "the file is not a PNG, JPEG or WebP image (judged by its content, not its name or declared type)");

type Metered = { stream: PassThrough; type: Promise<ImageType>; done: Promise<{ bytes: number; sha256: string }>; failure: () => Error | undefined };

/** `source` passed through with its type sniffed, its size capped at `maxBytes`, and its SHA-256. */
function meter(source: Readable, maxBytes: number): Metered {
  const hash = createHash("sha256");
  const stream = new PassThrough();
  let bytes = 0;
  let head: Buffer | undefined = Buffer.alloc(0);
  let failure: Error | undefined;
  let settleType!: { resolve: (t: ImageType) => void; reject: (e: unknown) => void };
  let settleDone!: { resolve: (v: { bytes: number; sha256: string }) => void; reject: (e: unknown) => void };
  const type = new Promise<ImageType>((resolve, reject) => (settleType = { resolve, reject }));
  const done = new Promise<{ bytes: number; sha256: string }>((resolve, reject) => (settleDone = { resolve, reject }));
  type.catch(() => {});
  done.catch(() => {});
  // A refusal destroys the stream before (or while) the storage reads it; the promises report it.
  stream.on("error", () => {});

  const fail = (err: Error) => {
    if (failure !== undefined) return;
    failure = err;
    settleType.reject(err);
    settleDone.reject(err);
    stream.destroy(err);
    source.resume(); // keep reading (and discarding) so the parser reaches the end of the request
  };
  const decide = (): boolean => {
    const sniffed = sniffImageType(head!);
    if (!sniffed) {
      fail(bytes === 0 ? badRequest("the file part is empty") : notAnImage());
      return false;
    }
    settleType.resolve(sniffed);
    const first = head!;
    head = undefined;
    return stream.write(first);
  };

  source.on("data", (chunk: Buffer) => {
    if (failure !== undefined) return;
    bytes += chunk.length;
    if (bytes > maxBytes) return fail(tooLarge(maxBytes));
    hash.update(chunk);
    let flowing: boolean;
    if (head !== undefined) {
      head = Buffer.concat([head, chunk]);
      if (head.length < SNIFF_BYTES) return;
      flowing = decide();
    } else {
      flowing = stream.write(chunk);
    }
    if (!flowing && failure === undefined) source.pause();
  });
  stream.on("drain", () => {
    if (failure === undefined) source.resume();
  });
  source.on("end", () => {
    if (failure !== undefined) return;
    if (head !== undefined && !decide()) return;
    stream.end();
    settleDone.resolve({ bytes, sha256: hash.digest("hex") });
  });
  source.on("error", (err) => fail(err));
  return { stream, type, done, failure: () => failure };
}

/**
 * Stores `file` under `key` when it is a PNG, JPEG or WebP of at most `maxBytes`. Refusals: 415
 * UNSUPPORTED_MEDIA_TYPE (not an image), 413 PAYLOAD_TOO_LARGE, 400 (empty); a failing file stream
 * (malformed or aborted upload) rejects with its error; the storage failing is 503. Nothing is kept
 * under `key` when it rejects.
 */
export async function receiveImage(storage: ImageStorage, key: string, file: Readable, maxBytes: number, onStorageError: (err: unknown) => void): Promise<ReceivedImage> {
  const m = meter(file, maxBytes);
  const contentType = await m.type;
  try {
    await storage.put(key, m.stream, contentType);
  } catch (err) {
    const cause = m.failure();
    if (cause instanceof Error) throw cause;
    onStorageError(err);
    await storage.delete(key).catch(() => {});
    throw unavailable("the image storage is unavailable; retry shortly");
  }
  const { bytes, sha256 } = await m.done;
  return { contentType, bytes, sha256 };
}
