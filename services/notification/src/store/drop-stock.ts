/** What the back-in-stock handler remembers per drop (domain/stock-watch.ts): SQL over drop_stock. */
import type { Tx } from "@drops/db";
import type { StockWatchState } from "../domain/stock-watch.ts";

type Q = Pick<Tx, "query">;

/** The drop's state; `lock` takes its row lock for the caller's transaction. */
export async function stockStateOf(q: Q, dropId: string, lock = false): Promise<StockWatchState | null> {
  const res = await q.query<{ sold_out: boolean; seq: string }>(`SELECT sold_out, seq FROM drop_stock WHERE drop_id = $1${lock ? " FOR UPDATE" : ""}`, [dropId]);
  const row = res.rows[0];
  return row === undefined ? null : { soldOut: row.sold_out, seq: Number(row.seq) };
}

/** Stores the state unless a newer snapshot already did (the seq only grows). */
export async function saveStockState(q: Q, dropId: string, state: StockWatchState, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO drop_stock (drop_id, seq, sold_out, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (drop_id) DO UPDATE SET seq = EXCLUDED.seq, sold_out = EXCLUDED.sold_out, updated_at = EXCLUDED.updated_at
     WHERE drop_stock.seq < EXCLUDED.seq`,
    [dropId, state.seq, state.soldOut, now],
  );
}
