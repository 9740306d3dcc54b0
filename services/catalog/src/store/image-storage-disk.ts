/**
 * The default image storage: one file per key under a folder (IMAGE_DIR), sharded by the key's
 * first two characters (`<dir>/ab/ab12...`) so no folder grows huge. A put writes a temporary file
 * beside the target and renames it into place, so a reader never sees half an image and a failed
 * upload leaves nothing.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertKey, type ImageStorage, type StoredImage } from "./image-storage.ts";

export function diskImageStorage(folder: string): ImageStorage {
  const dir = resolve(folder);
  const pathOf = (key: string) => join(dir, assertKey(key).slice(0, 2), key);

  return {
    kind: "disk",

    async init() {
      const probe = join(dir, `.write-probe-${process.pid}-${randomUUID()}`);
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(probe, "");
        await rm(probe, { force: true });
      } catch (err) {
        throw new Error(`IMAGE_DIR ${dir} is not a writable folder (${(err as Error).message}); create it or point IMAGE_DIR elsewhere`, { cause: err });
      }
    },

    async put(key, body) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${randomUUID()}.tmp`;
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      try {
        await pipeline(source, createWriteStream(temp, { flags: "wx" }));
        const { size } = await stat(temp);
        await rename(temp, target);
        return { bytes: size };
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },

    async get(key): Promise<StoredImage | undefined> {
      let handle;
      try {
        handle = await open(pathOf(key), "r");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
      try {
        const { size } = await handle.stat();
        return { body: handle.createReadStream({ autoClose: true }), bytes: size };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },

    async close() {},
  };
}
