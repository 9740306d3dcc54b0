import t from "tap";
import { createServer } from "node:net";
import { eventually, freePort, uniqueName } from "../src/index.ts";

t.test("uniqueName is unique and safe for topics, keys and schemas", async (t) => {
  const a = uniqueName("My-Topic");
  const b = uniqueName("My-Topic");
  t.not(a, b);
  t.match(a, /^my_topic_[a-z0-9]+$/);
});

t.test("eventually resolves once the condition holds and fails after the timeout", async (t) => {
  let n = 0;
  t.equal(await eventually(() => (++n >= 3 ? n : undefined), 1000, 1), 3);
  await t.rejects(eventually(() => { throw new Error("boom"); }, 20, 5), /within 20 ms: Error: boom/);
  await t.rejects(eventually(() => false, 20, 5), /within 20 ms$/);
});

t.test("freePort gives a port that can be listened on at once", async (t) => {
  const port = await freePort();
  const srv = createServer();
  await new Promise<void>((resolve, reject) => srv.once("error", reject).listen(port, "127.0.0.1", resolve));
  t.equal((srv.address() as { port: number }).port, port);
  await new Promise((r) => srv.close(r));
});
