import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { diskImageStorage } from "../../src/store/image-storage-disk.ts";
import { storageContract } from "./image-storage-contract.ts";

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

t.test("the disk storage keeps the ImageStorage contract", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "images-disk-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const storage = diskImageStorage(join(dir, "made", "at", "start"));
  await storage.init();
  storageContract(t, storage);
  t.test("no temporary file is left behind, and no probe", async (t) => {
    t.same((await filesUnder(dir)).filter((n) => n.endsWith(".tmp") || n.startsWith(".write-probe")), []);
  });
});

t.test("init: the folder is created; a folder that cannot be written is a clear error at start", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "images-disk-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await diskImageStorage(join(dir, "new")).init();
  t.same(await readdir(join(dir, "new")), [], "created, empty (the probe removed)");
  const file = join(dir, "a-file");
  await writeFile(file, "not a folder");
  await t.rejects(diskImageStorage(join(file, "images")).init(), { message: new RegExp(`^IMAGE_DIR ${file}/images is not a writable folder`) });
});
