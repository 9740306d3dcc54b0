/** A buyer's place in a queued drop's waiting room, as the queue scripts answer it. Pure types. */

export type QueueStatus = "waiting" | "admitted" | "sold_out" | "expired";

export type QueuePlace = {
  status: QueueStatus;
  /** 1 = next to be admitted; null = not drawn yet (joined before the opening); 0 = not in the line. */
  position: number | null;
  receipt: string;
  /** An unspent, unexpired admission (status admitted). */
  admission?: { admissionId: string; expiresAtMs: number };
  /** The order that spent the admission. */
  orderId?: string;
};

export type JoinOutcome = { status: "JOINED"; created: boolean; place: QueuePlace } | { status: "NOT_QUEUED" };

export type PlaceOutcome = { status: "MEMBER"; place: QueuePlace } | { status: "NONE" } | { status: "NOT_QUEUED" };

export type AdmitOutcome =
  | { status: "TICKED"; admitted: number; expired: number; dropped: number; room: number; waiting: number }
  | { status: "NOT_SHUFFLED" }
  | { status: "STALE_FENCE"; fence: number };

export type ShuffleOutcome =
  | { status: "SHUFFLED"; count: number }
  | { status: "ALREADY" }
  | { status: "NOT_YET"; startsAtMs: number }
  | { status: "CHANGED" }
  | { status: "STALE_FENCE"; fence: number };

/** After the opening: what anyone needs to recompute the early joiners' order. */
export type Fairness = { seed: string; algorithm: string; joinedBeforeOpening: string[] };
