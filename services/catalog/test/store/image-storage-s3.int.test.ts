/**
 * The S3 storage against a real local S3-compatible server: moto's `moto_server` (Python, from the
 * machine's packages), started on a free port for this test, with a fresh bucket.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import t from "tap";
import { freePort, uniqueName } from "@drops/testing";
import { s3ImageStorage } from "../../src/store/image-storage-s3.ts";
import { storageContract } from "./image-storage-contract.ts";

async function startMoto(): Promise<{ endpoint: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  const endpoint = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const seen = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Running on")) resolve();
    };
    proc.stdout.on("data", seen);
    proc.stderr.on("data", seen);
    proc.once("error", (err) => reject(new Error(`moto_server could not start (is moto installed? pip install "moto[server]"): ${err.message}`)));
    proc.once("exit", (code) => reject(new Error(`moto_server exited ${code}: ${log}`)));
  });
  return { endpoint, proc };
}

const credentials = { accessKeyId: "test-key", secretAccessKey: "test-secret" };

t.test("the S3 storage keeps the ImageStorage contract (moto_server)", async (t) => {
  const { endpoint, proc } = await startMoto();
  t.teardown(() => void proc.kill());
  const bucket = uniqueName("images").replaceAll("_", "-");
  const admin = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();

  const storage = s3ImageStorage({ bucket, region: "us-east-1", endpoint, ...credentials, forcePathStyle: true, keyPrefix: "images/" });
  t.teardown(() => storage.close());
  await storage.init();
  storageContract(t, storage);

  t.test("init names the bucket and the endpoint when the bucket is not there", async (t) => {
    const missing = s3ImageStorage({ bucket: "no-such-bucket", region: "us-east-1", endpoint, ...credentials, forcePathStyle: true, keyPrefix: "" });
    t.teardown(() => missing.close());
    await t.rejects(missing.init(), { message: new RegExp(`^S3 bucket "no-such-bucket" at ${endpoint} is not reachable`) });
  });
});
