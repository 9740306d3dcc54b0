// An order's status, live: GET /api/orders/:orderId/stream (SSE) where the gateway has it, else
// polling GET /api/orders/:orderId once a second. Stops at a final status.
import { call } from "./api.js";
import { stream } from "./sse.js";

export const FINAL = new Set(["confirmed", "cancelled", "expired", "refunded", "failed"]);

/** followOrder(orderId, onOrder({status, stage, ...})) -> stop(). */
export function followOrder(orderId, onOrder) {
  let stopped = false;
  let timer = null;
  let sse = null;
  const stop = () => {
    stopped = true;
    sse?.close();
    if (timer) clearTimeout(timer);
  };
  const seen = (order) => {
    if (stopped) return;
    onOrder(order);
    if (FINAL.has(order.status)) stop();
  };
  const poll = async () => {
    if (stopped) return;
    const r = await call("GET", `/api/orders/${orderId}`);
    if (r.ok) seen(r.body);
    if (!stopped) timer = setTimeout(poll, 1000);
  };
  sse = stream(`/api/orders/${orderId}/stream`, {
    auth: true,
    onEvent: (type, data) => {
      if (type === "order" && data && typeof data === "object") seen(data);
    },
    onGone: () => void poll(),
  });
  return stop;
}
