import t from "tap";
import { randomUUID } from "node:crypto";
import { inTransaction } from "@drops/db";
import { lockOverduePayments } from "../../src/store/orders.ts";
import { testDatabase } from "../helpers.ts";

t.test("lockOverduePayments: a charge past its deadline is overdue only when unanswered and no longer resumable", async (t) => {
  const { pool } = await testDatabase(t, "overdue");
  const now = Date.now();
  const past = new Date(now - 60_000);
  const insert = async (payment: string | null, attempts = 1): Promise<string> => {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO orders (id, drop_id, buyer_id, quantity, amount_cents, currency, payment_method, status, hold_expires_at, payment_deadline_at, created_at, updated_at)
       VALUES ($1, 'd', 'b', 1, 500, 'EUR', 'pm_card_ok', 'payment_pending', $2, $3, $3, $3)`,
      [id, new Date(now + 60_000), past],
    );
    if (payment) {
      await pool.query(`INSERT INTO payments (order_id, status, amount_cents, attempts, created_at, updated_at) VALUES ($1, $2, 500, $4, $3, $3)`, [id, payment, past, attempts]);
    }
    return id;
  };
  const resumable = await insert("processing", 3);
  const exhausted = await insert("processing", 10);
  const neverStarted = await insert(null);
  const paid = await insert("succeeded");
  const declined = await insert("failed");
  const overdue = await inTransaction(pool, (tx) => lockOverduePayments(tx, now, 100, 10));
  t.same(overdue.sort(), [exhausted, neverStarted].sort(), "timed out: the unanswered charges that cannot be sent again");
  t.notOk(overdue.includes(resumable), "an interrupted charge with attempts left is resumed (new deadline), not timed out");
  t.notOk(overdue.includes(paid), "a charge that succeeded waits for its PaymentSucceeded, not the deadline");
  t.notOk(overdue.includes(declined), "a declined charge waits for its PaymentFailed");
});
