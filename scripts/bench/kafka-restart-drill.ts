/**
 * Drill: a Kafka broker restart during a drop. Starts a stack, sells `units` units to as many
 * buyers, restarts the local broker (scripts/infra.sh down + up) right after the burst, then waits
 * until every accepted order is terminal and checks the stock invariant.
 *
 *   node scripts/bench/kafka-restart-drill.ts [units=200] [waitSeconds=180]
 *
 * Only for a broker that scripts/infra.sh started (it stops and starts it): not for CI, where
 * other tests share the broker.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { eventually } from "@drops/testing";
import { ROOT, api, mintBuyer, purchase, runScript, setUpDrop, sleepUntil, startStack } from "@drops/e2e";

const units = Number(process.argv[2] ?? 200);
const waitSeconds = Number(process.argv[3] ?? 180);
const infra = (cmd: string) => execFileSync("bash", [join(ROOT, "scripts/infra.sh"), cmd], { stdio: "inherit" });

const stack = await startStack({ instances: { inventory: 2, order: 2 } });
try {
  const client = api(stack.gatewayUrl);
  const drop = await setUpDrop(client, { units, perBuyerLimit: 1, holdSeconds: 600, startsInMs: 2000 });
  await sleepUntil(drop.startsAt);
  const buyers = Array.from({ length: units }, mintBuyer);
  const replies = await Promise.all(buyers.map((b) => purchase(client, drop.dropId, b)));
  const winners = replies.flatMap((r, i) => (r.status === 201 ? [{ buyer: buyers[i]!, orderId: r.body.orderId! }] : []));
  console.log(`held ${winners.length}/${units}; restarting Kafka now`);
  const t0 = Date.now();
  infra("down");
  infra("up");
  console.log(`broker back after ${Date.now() - t0} ms`);
  const statuses = new Map<string, string>();
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    await Promise.all(
      winners.map(async (w) => {
        const s = statuses.get(w.orderId);
        if (s && s !== "held" && s !== "payment_pending" && s !== "paid") return;
        const r = await client.call<{ status: string }>("GET", `/api/orders/${w.orderId}`, { token: w.buyer.token });
        if (r.status === 200) statuses.set(w.orderId, r.body.status);
      }),
    );
    const open = winners.filter((w) => ["held", "payment_pending", "paid", undefined].includes(statuses.get(w.orderId))).length;
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const tally: Record<string, number> = {};
  for (const w of winners) tally[statuses.get(w.orderId) ?? "unknown"] = (tally[statuses.get(w.orderId) ?? "unknown"] ?? 0) + 1;
  console.log(`after ${Math.round((Date.now() - t0) / 1000)} s:`, tally);
  const stock = await eventually(async () => {
    const r = await client.call<{ consistent: boolean; available: number; held: number; sold: number }>("GET", `/api/admin/drops/${drop.dropId}/stock`, { token: drop.adminToken });
    return r.status === 200 ? r.body : undefined;
  });
  console.log("stock:", stock);
  const rec = await runScript("scripts/reconcile.ts", [drop.dropId], stack.envFor("inventory"));
  console.log(rec.output.trim(), `(exit ${rec.code})`);
} finally {
  await stack.stop();
}
