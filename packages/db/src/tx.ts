/** One PostgreSQL transaction on a pooled connection (the pool's search_path names the schema). */
import type pg from "pg";

export type Tx = pg.PoolClient;

export async function inTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  // A checked-out connection has no pool listener: PostgreSQL ending it while `fn` awaits something
  // else (the outbox relay waits for Kafka's acks inside its transaction; `pg_ctl stop -m fast`, a
  // failover) would be an unhandled 'error' event, which kills the process. Kept here instead: the
  // next query rejects, and the broken connection is destroyed rather than pooled again.
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  tx.on("error", onError);
  try {
    await tx.query("BEGIN");
    const result = await fn(tx);
    await tx.query("COMMIT");
    return result;
  } catch (err) {
    await tx.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    tx.off("error", onError);
    tx.release(broken);
  }
}
