import type { DropsEvent, StockChanged } from "@drops/events";
import { testEnvelope } from "../src/testing.ts";

let seq = 0;
/** A StockChanged event of `dropId` (a fresh id and seq each call). */
export function stockChanged(dropId = "d-1", available = 5): DropsEvent {
  const payload: StockChanged = { dropId, available, held: 0, sold: 10 - available, total: 10, status: "OPEN", seq: ++seq };
  return testEnvelope("StockChanged", payload);
}
