/**
 * One environment for the whole platform, as scripts/up.sh and docker-compose give it: the gateway
 * on PORT, every other service on its own <NAME>_PORT. A non-default PORT moves the gateway only.
 */
import t from "tap";
import { freePort } from "@drops/testing";
import { SERVICES, portVar, startStack } from "../src/index.ts";
import type { Stack } from "../src/index.ts";

let stack: Stack;
let gatewayPort: number;

t.before(async () => {
  gatewayPort = await freePort();
  stack = await startStack({ ports: { gateway: gatewayPort } });
});

t.teardown(async () => {
  await stack?.stop();
});

t.test("the gateway answers on PORT, every other service on its own variable, all ready", async (t) => {
  t.equal(stack.gatewayUrl, `http://127.0.0.1:${gatewayPort}`);
  const env = stack.envFor("catalog");
  t.same(
    SERVICES.map((s) => [s, env[portVar(s)]]),
    SERVICES.map((s) => [s, String(stack.instance(s).port)]),
    "every process sees every port variable (PORT is the gateway's)",
  );
  const problems: string[] = [];
  for (const inst of stack.instances) {
    const res = await fetch(`${inst.url}/ready`).catch((err: unknown) => err as Error);
    if (res instanceof Error) problems.push(`${inst.service}#${inst.index} (${portVar(inst.service)}=${inst.port}): ${res.message}`);
    else if (res.status !== 200) problems.push(`${inst.service}#${inst.index} (${portVar(inst.service)}=${inst.port}): /ready ${res.status}`);
  }
  t.same(problems, [], problems.length > 0 ? stack.logs() : "every instance ready on its own port");
  const docs = await fetch(`http://127.0.0.1:${gatewayPort}/docs/json`);
  t.equal(docs.status, 200);
  t.match(await docs.json(), { info: { title: "Drops storefront API" } }, "the gateway, not another service, is on PORT");
});

t.test("a restarted service comes back on its own port", async (t) => {
  const catalog = stack.instance("catalog");
  await stack.kill("catalog");
  t.equal(catalog.proc, undefined);
  await stack.start("catalog");
  const res = await fetch(`http://127.0.0.1:${catalog.port}/ready`);
  t.equal(res.status, 200);
});
