/**
 * Fault suite, a network pause: SIGSTOP of an order instance (one of two) for longer than its Kafka
 * session timeout, then SIGCONT, during a running drop with purchases in flight. Its partitions and
 * lapsed charges move to the other instance; when it wakes, its late work must be idempotent and its
 * deadline timers must not count the frozen time: every accepted order confirmed (all pay with
 * pm_card_ok: none cancelled), sold == confirmed, the stock consistent. Runs on the shared
 * infrastructure (it pauses only the stack's own process).
 *
 * It cancelled 1 to 4 of its 30 orders (PAYMENT_FAILED:TIMEOUT) in most runs until 2026-12-01: the
 * instance froze inside its begin-charge transaction; the other, given the redelivered request, did
 * not see the uncommitted payment row, waited on the order's lock, and started the charge afresh
 * under the frozen one's deadline, long past by then. beginCharge now locks the order first and reads
 * the clock after its locks; a charge frozen between begin and send gets its whole timeout.
 */
import t from "tap";
import { FAULT_ENV, startDrillStack, waveDrill } from "../../src/index.ts";
import type { Api, Stack } from "../../src/index.ts";

t.setTimeout(600_000);

let stack: Stack;
let client: Api;

t.before(async () => {
  ({ stack, client } = await startDrillStack());
});

t.teardown(async () => {
  await stack?.stop();
});

t.test("SIGSTOP of an order instance for longer than its session timeout, then SIGCONT: none cancelled, nothing applied twice", async (t) => {
  await waveDrill(t, stack, client, {
    label: "SIGSTOP order",
    why: "",
    outageMs: Number(FAULT_ENV.order.CONSUMER_SESSION_TIMEOUT_MS) + 4_000, // its session expires: the other instance takes over
    inject: () => stack.pause("order", 1),
    heal: () => stack.resume("order", 1),
  });
});
