/**
 * The catalog's image routes that are not JSON: an upload streamed through to the catalog as it
 * arrives (the gateway never holds an image in memory), and an image's bytes streamed back.
 * JSON calls (the upload check, delete) go through the ordinary catalog client.
 */
import type { IncomingMessage } from "node:http";
import { Readable, Transform } from "node:stream";
import type { FastifyBaseLogger } from "fastify";
import { AppError, isErrorCode, unavailable, type Caller, type InternalAuth } from "@drops/http";

export type ImageUpload = { productId: string; body: IncomingMessage; contentType: string; caller: Caller; requestId: string; limitBytes: number };
export type ImageBytes = { status: 200 | 304; headers: Record<string, string>; body: Readable | undefined };

export type ImageClient = {
  /** Streams a multipart upload to the catalog; its JSON answer (201) or its refusal (AppError). Past `limitBytes` the stream is cut: 413. */
  upload: (u: ImageUpload) => Promise<unknown>;
  /** An image's bytes and caching headers (200), or 304 when `ifNoneMatch` matches; 404 IMAGE_NOT_FOUND. */
  get: (imageId: string, ifNoneMatch: string | undefined, requestId: string) => Promise<ImageBytes>;
};

/** Headers of the catalog's image answer passed on to the client. */
const PASSED_HEADERS = ["content-type", "content-length", "etag", "cache-control", "x-content-type-options"];

class UploadTooLarge extends Error {}

async function refusal(res: Response, service: string, log: FastifyBaseLogger | undefined, path: string): Promise<AppError> {
  const text = await res.text().catch(() => "");
  let body: { code?: unknown; message?: unknown; [k: string]: unknown } = {};
  try {
    body = text ? (JSON.parse(text) as typeof body) : {};
  } catch {
    body = {};
  }
  if (res.status >= 500 || typeof body !== "object" || body === null) {
    log?.warn({ status: res.status, url: path, service }, "service failed");
    return unavailable(`the ${service} is unavailable; retry shortly`);
  }
  const { code, message, ...details } = body;
  return new AppError(isErrorCode(code) ? code : "BAD_REQUEST", typeof message === "string" ? message : `request refused by the ${service}`, Object.keys(details).length ? details : undefined);
}

export function createImageClient(baseUrl: string, opts: { uploadTimeoutMs: number; timeoutMs: number; auth: InternalAuth; log?: FastifyBaseLogger }): ImageClient {
  const base = baseUrl.replace(/\/+$/, "");
  const { log, auth } = opts;
  const down = () => unavailable("the catalog is unavailable; retry shortly");

  return {
    async upload(u) {
      const path = `/products/${u.productId}/images`;
      let seen = 0;
      let tooLarge = false;
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > u.limitBytes) {
            tooLarge = true;
            done(new UploadTooLarge("upload larger than allowed"));
          } else done(null, chunk);
        },
      });
      let clientFailed = false;
      u.body.on("aborted", () => (clientFailed = true));
      u.body.on("error", (err) => {
        clientFailed = true;
        counted.destroy(err);
      });
      u.body.pipe(counted);
      let res: Response;
      try {
        res = await fetch(base + path, {
          method: "POST",
          headers: { "content-type": u.contentType, accept: "application/json", "x-request-id": u.requestId, ...auth.headers("catalog", u.caller, u.requestId) },
          body: Readable.toWeb(counted),
          duplex: "half",
          signal: AbortSignal.timeout(opts.uploadTimeoutMs),
        });
      } catch (err) {
        u.body.unpipe(counted);
        if (tooLarge) throw new AppError("PAYLOAD_TOO_LARGE", `the upload is larger than allowed (${u.limitBytes} bytes with its multipart envelope)`);
        if (clientFailed) throw new AppError("BAD_REQUEST", "the upload was cut off before its end");
        if ((err as Error).name === "TimeoutError" && !u.body.readableEnded) throw new AppError("REQUEST_TIMEOUT", "the upload took too long");
        log?.warn({ err, url: path, service: "catalog" }, "service unreachable");
        throw down();
      }
      if (!res.ok) throw await refusal(res, "catalog", log, path);
      try {
        return await res.json();
      } catch {
        throw down();
      }
    },

    async get(imageId, ifNoneMatch, requestId) {
      const path = `/images/${imageId}`;
      // The timeout covers the answer's headers only: the bytes then flow at the client's pace.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error("catalog timeout")), opts.timeoutMs);
      let res: Response;
      try {
        res = await fetch(base + path, { headers: { "x-request-id": requestId, ...auth.headers("catalog", undefined, requestId), ...(ifNoneMatch ? { "if-none-match": ifNoneMatch } : {}) }, signal: abort.signal });
      } catch (err) {
        log?.warn({ err, url: path, service: "catalog" }, "service unreachable");
        throw down();
      } finally {
        clearTimeout(timer);
      }
      if (res.status !== 200 && res.status !== 304) throw await refusal(res, "catalog", log, path);
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) headers[name] = v;
      }
      const body = res.status === 200 && res.body ? Readable.fromWeb(res.body) : undefined;
      if (res.status === 304) await res.body?.cancel();
      return { status: res.status, headers, body };
    },
  };
}
