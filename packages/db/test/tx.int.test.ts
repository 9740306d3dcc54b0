// inTransaction when PostgreSQL ends the connection between two queries (a restart, `pg_ctl stop -m
// fast`, a failover): the transaction rejects, the process lives on, and the pool's next transaction
// gets a healthy connection.
import t from "tap";
import { testEnv } from "@drops/testing";
import { createPool, inTransaction } from "../src/index.ts";

t.test("a connection terminated while the transaction awaits something else: rejected, not a crash", async (t) => {
  const pool = createPool(testEnv.databaseUrl, { max: 2 });
  pool.on("error", () => undefined); // idle clients, as @drops/clients does
  t.teardown(() => pool.end());
  const admin = createPool(testEnv.databaseUrl, { max: 1 });
  t.teardown(() => admin.end());

  let uncaught: unknown;
  const onUncaught = (err: unknown): void => {
    uncaught = err;
  };
  process.on("uncaughtException", onUncaught);
  t.teardown(() => process.off("uncaughtException", onUncaught));

  const failed = inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    // Ended by the server while this transaction waits (as the outbox relay waits for Kafka's acks).
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    await new Promise((r) => setTimeout(r, 200));
    await tx.query("SELECT 1");
  });
  await t.rejects(failed, "the transaction rejects");
  t.equal(uncaught, undefined, "no uncaught 'error' event");
  t.same(await inTransaction(pool, async (tx) => (await tx.query<{ one: number }>("SELECT 1 AS one")).rows), [{ one: 1 }], "the next transaction runs on a healthy connection");
});
