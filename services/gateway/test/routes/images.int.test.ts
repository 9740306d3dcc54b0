/**
 * Product images through the gateway on a real socket (uploads are streams), in front of a real
 * catalog with its disk storage in the test's own folder.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import t from "tap";
import { testStack, type Stack } from "../helpers.ts";

const MB = 1024 * 1024;
const png = (size = 2000, fill = 7) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size - 8, fill)]);
const jpeg = (size = 1500) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size - 4, 3)]);
const webp = (size = 1200) => Buffer.concat([Buffer.from("RIFF"), Buffer.from([0, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.alloc(size - 16, 5)]);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

type Answer = { status: number; json: Record<string, unknown>; headers: Headers; bytes: Buffer };

async function setUp(t: { teardown: (fn: () => unknown) => void }) {
  const s = await testStack(t);
  const base = await s.gateway.listen({ host: "127.0.0.1", port: 0 });
  const a = await s.seller("a");
  const product = await s.call("POST", "/api/products", { token: a.accessToken, body: { name: "Print", description: "Risograph", priceCents: 4000 } });
  const { productId } = product.json<{ productId: string }>();
  const send = async (path: string, init: RequestInit & { token?: string } = {}): Promise<Answer> => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    const res = await fetch(base + path, { ...init, headers });
    const bytes = Buffer.from(await res.arrayBuffer());
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(bytes.toString());
    } catch {
      json = {};
    }
    return { status: res.status, json, headers: res.headers, bytes };
  };
  const form = (...files: { bytes: Buffer; name?: string; type?: string; field?: string }[]) => {
    const f = new FormData();
    for (const file of files) f.append(file.field ?? "file", new Blob([file.bytes], { type: file.type ?? "application/octet-stream" }), file.name ?? "photo.png");
    return f;
  };
  const upload = (body: FormData | string | Buffer, opts: { token?: string; productId?: string; headers?: Record<string, string> } = {}) =>
    send(`/api/products/${opts.productId ?? productId}/images`, { method: "POST", body, token: opts.token ?? a.accessToken, ...(opts.headers ? { headers: opts.headers } : {}) });
  return { s, base, a, productId, send, form, upload };
}

/** A multipart upload sent chunked (no Content-Length), as a client streaming from disk would. */
function chunkedUpload(base: string, path: string, token: string, file: Buffer): Promise<{ status: number; body: string }> {
  const boundary = "----e1boundary";
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (err) => reject(err));
    req.write(head);
    for (let i = 0; i < file.length; i += 64 * 1024) req.write(file.subarray(i, i + 64 * 1024));
    req.end(tail);
  });
}

async function storedFiles(s: Stack): Promise<string[]> {
  return (await readdir(s.catalog.imageDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
}

t.test("its seller uploads PNG, JPEG and WebP (judged by content); anyone reads them, cached forever, 304 on If-None-Match", async (t) => {
  const { s, productId, send, form, upload } = await setUp(t);
  const image = png();
  const created = await upload(form({ bytes: image, name: "photo.png", type: "image/png" }));
  t.equal(created.status, 201, JSON.stringify(created.json));
  const { imageId, url } = created.json as { imageId: string; url: string };
  t.match(created.json, { imageId: /^[0-9a-f-]{36}$/, url: `/api/images/${imageId}`, productId, contentType: "image/png", bytes: image.length, sha256: sha(image) });

  const got = await send(url);
  t.equal(got.status, 200);
  t.same(
    [got.headers.get("content-type"), got.headers.get("cache-control"), got.headers.get("etag"), got.headers.get("x-content-type-options"), got.headers.get("content-length")],
    ["image/png", "public, max-age=31536000, immutable", `"${sha(image)}"`, "nosniff", String(image.length)],
  );
  t.ok(got.bytes.equals(image), "the same bytes");
  const again = await send(url, { headers: { "if-none-match": `"${sha(image)}"` } });
  t.same([again.status, again.bytes.length, again.headers.get("etag"), again.headers.get("cache-control")], [304, 0, `"${sha(image)}"`, "public, max-age=31536000, immutable"]);
  t.equal((await send(url, { headers: { "if-none-match": '"something-else"' } })).status, 200, "another ETag: the bytes");

  const asJpeg = await upload(form({ bytes: jpeg(), name: "notes.txt", type: "text/plain" }));
  t.same([asJpeg.status, asJpeg.json["contentType"]], [201, "image/jpeg"], "a JPEG named .txt and declared text/plain is a JPEG");
  const asWebp = await upload(form({ bytes: webp(), name: "x.gif", type: "image/gif" }));
  t.same([asWebp.status, asWebp.json["contentType"]], [201, "image/webp"]);
  t.equal((await send(asWebp.json["url"] as string)).headers.get("content-type"), "image/webp");

  const same = await upload(form({ bytes: image, name: "again.png" }));
  t.same([same.status, same.json["imageId"]], [201, imageId], "the same bytes again: the same image, not a copy");

  const product = await send(`/api/products/${productId}`);
  t.same((product.json as { images: unknown }).images, [
    { imageId, url },
    { imageId: asJpeg.json["imageId"], url: asJpeg.json["url"] },
    { imageId: asWebp.json["imageId"], url: asWebp.json["url"] },
  ], "the product lists its images, oldest first");
  const list = await send(`/api/products/${productId}/images`);
  t.same([list.status, (list.json["items"] as unknown[]).length], [200, 3]);
  t.equal((await storedFiles(s)).length, 3, "three files stored: one per image");

  const unknown = await send("/api/images/00000000-0000-4000-8000-000000000000");
  t.same([unknown.status, unknown.json["code"], unknown.headers.get("content-type")?.startsWith("application/json")], [404, "IMAGE_NOT_FOUND", true]);
  t.same([(await send("/api/images/not-an-id")).status], [400]);

  const docs = (await send("/docs/json")).json as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> };
  const documented = docs.paths["/api/products/{productId}/images"]?.["post"]?.requestBody?.content["multipart/form-data"];
  t.match(documented?.schema.properties["file"], { type: "string", format: "binary" }, "the OpenAPI document shows the multipart form");
  t.ok(docs.paths["/api/images/{imageId}"]?.["get"], "and the image route");
});

t.test("refused: no token, a buyer, another seller, not an image, too large, no file, two files, not multipart; nothing stored", async (t) => {
  const { s, base, a, productId, send, form, upload } = await setUp(t);
  const b = await s.seller("b");
  const buyer = await s.signup("buyer");
  const ok = form({ bytes: png() });

  t.same([(await send(`/api/products/${productId}/images`, { method: "POST", body: form({ bytes: png() }) })).status], [401], "no token");
  const asBuyer = await upload(form({ bytes: png() }), { token: buyer.accessToken });
  t.same([asBuyer.status, asBuyer.json["code"]], [403, "NOT_A_SELLER"]);
  const other = await upload(form({ bytes: png() }), { token: b.accessToken });
  t.same([other.status, other.json["code"]], [403, "NOT_OWNER"], "another seller's product");
  const unknownProduct = await upload(ok, { productId: "00000000-0000-4000-8000-000000000000" });
  t.same([unknownProduct.status, unknownProduct.json["code"]], [404, "PRODUCT_NOT_FOUND"]);

  const text = await upload(form({ bytes: Buffer.from("just some text, renamed to look like a picture\n".repeat(20)), name: "photo.png", type: "image/png" }));
  t.same([text.status, text.json["code"]], [415, "UNSUPPORTED_MEDIA_TYPE"], "a text file renamed .png");
  t.match(text.json["message"], /not a PNG, JPEG or WebP/);
  const svg = await upload(form({ bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), name: "x.png", type: "image/png" }));
  t.same([svg.status, svg.json["code"]], [415, "UNSUPPORTED_MEDIA_TYPE"], "SVG (scriptable) is refused");

  const big = await upload(form({ bytes: png(6 * MB) }));
  t.same([big.status, big.json["code"]], [413, "PAYLOAD_TOO_LARGE"], "6 MB with its Content-Length: refused before the body is read");
  const bigChunked = await chunkedUpload(base, `/api/products/${productId}/images`, a.accessToken, png(6 * MB));
  t.same([bigChunked.status, JSON.parse(bigChunked.body).code], [413, "PAYLOAD_TOO_LARGE"], "6 MB sent chunked: cut off as it streams");
  const justOver = await upload(form({ bytes: png(5 * MB + 1) }));
  t.same([justOver.status, justOver.json["code"], justOver.json["maxBytes"]], [413, "PAYLOAD_TOO_LARGE", 5 * MB], "one byte over 5 MB: refused by the catalog's exact count");
  const atLimit = await upload(form({ bytes: png(5 * MB, 9) }));
  t.equal(atLimit.status, 201, "exactly 5 MB is accepted");

  const noFile = new FormData();
  noFile.append("caption", "no file here");
  const none = await upload(noFile);
  t.same([none.status, none.json["code"]], [400, "BAD_REQUEST"]);
  t.match(none.json["message"], /no file part/);
  const two = await upload(form({ bytes: png(3000, 1) }, { bytes: png(3000, 2), field: "second" }));
  t.same([two.status, two.json["code"]], [400, "BAD_REQUEST"]);
  t.match(two.json["message"], /exactly one file/);
  const empty = await upload(form({ bytes: Buffer.alloc(0) }));
  t.same([empty.status, empty.json["message"]], [400, "the file part is empty"]);
  const json = await upload(JSON.stringify({ file: "aGVsbG8=" }), { headers: { "content-type": "application/json" } });
  t.same([json.status, json.json["code"]], [415, "UNSUPPORTED_MEDIA_TYPE"], "a JSON body");
  const noBoundary = await upload(Buffer.from("x"), { headers: { "content-type": "multipart/form-data" } });
  t.same([noBoundary.status, noBoundary.json["code"]], [415, "UNSUPPORTED_MEDIA_TYPE"], "multipart without a boundary");
  const garbage = await upload(Buffer.from("this is not multipart at all"), { headers: { "content-type": "multipart/form-data; boundary=abc" } });
  t.same([garbage.status, garbage.json["code"]], [400, "BAD_REQUEST"], "a malformed multipart body");

  const list = await send(`/api/products/${productId}/images`);
  t.equal((list.json["items"] as unknown[]).length, 1, "only the accepted image is recorded");
  t.same((await storedFiles(s)).filter((n) => n.endsWith(".tmp")), [], "no temporary file left");
  t.equal((await storedFiles(s)).length, 1, "only its bytes are stored");

  const imageId = (list.json["items"] as { imageId: string }[])[0]!.imageId;
  const path = `/api/products/${productId}/images/${imageId}`;
  t.same([(await send(path, { method: "DELETE", token: b.accessToken })).json["code"]], ["NOT_OWNER"], "another seller cannot delete it");
  t.equal((await send(path, { method: "DELETE" })).status, 401);
  t.equal((await send(path, { method: "DELETE", token: a.accessToken })).status, 204);
  t.equal((await send(`/api/images/${imageId}`)).status, 404, "gone");
  t.same([(await send(path, { method: "DELETE", token: a.accessToken })).json["code"]], ["IMAGE_NOT_FOUND"]);
  t.same(await storedFiles(s), [], "its bytes removed");
});

t.test("the catalog down: 503, never a 5xx from the gateway's own code", async (t) => {
  const { s, productId, send, form, upload } = await setUp(t);
  await s.catalog.app.close();
  const up = await upload(form({ bytes: png() }));
  t.same([up.status, up.json["code"]], [503, "UNAVAILABLE"]);
  t.same([(await send(`/api/images/00000000-0000-4000-8000-000000000000`)).status], [503]);
  t.ok(productId);
});
