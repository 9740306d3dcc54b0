/**
 * A buyer's place in a queued drop's waiting room as the API shows it (GET .../queue/me, the join's
 * answer and every `queue` event of the stream). Pure.
 */
import type { QueuePlace } from "@drops/inventory-service/queue";
import type { AdmissionTokens } from "./admission-token.ts";

export type QueueView = {
  status: QueuePlace["status"];
  /** 1 = next to be admitted; null before the opening draw (the early joiners' order is drawn at opening); 0 when not waiting. */
  position: number | null;
  /** Seconds until admission at the drop's rate: ceil(position / admitPerSecond); 0 once admitted; null when not known. */
  etaSeconds: number | null;
  receipt: string;
  admissionToken?: string;
  admissionExpiresAt?: string;
  /** The order that used the admission. */
  orderId?: string;
};

export function queueView(place: QueuePlace, ctx: { dropId: string; buyerId: string; admitPerSecond: number; tokens: AdmissionTokens }): QueueView {
  const { status, position } = place;
  const etaSeconds = status === "admitted" ? 0 : position !== null && position > 0 ? Math.ceil(position / ctx.admitPerSecond) : null;
  const view: QueueView = { status, position, etaSeconds, receipt: place.receipt };
  if (place.admission) {
    view.admissionToken = ctx.tokens.sign({ dropId: ctx.dropId, buyerId: ctx.buyerId, ...place.admission });
    view.admissionExpiresAt = new Date(place.admission.expiresAtMs).toISOString();
  }
  if (place.orderId !== undefined) view.orderId = place.orderId;
  return view;
}
