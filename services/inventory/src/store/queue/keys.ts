/**
 * Redis keys of a queued drop's waiting room: under the drop's own hash tag `{drop:<id>}`, beside its
 * stock keys, so the queue scripts (and reserve-admitted, which spends an admission with the hold)
 * touch one cluster slot. See the stock README "Waiting room keys".
 */
import { dropKeys } from "../stock/keys.ts";

export type QueueKeys = {
  queue: string;
  line: string;
  early: string;
  members: string;
  admitted: string;
  away: string;
  fairness: string;
  /** The pub/sub channel every change of the line is announced on (queueChanged in the scripts). */
  changes: string;
};

export function queueKeys(dropId: string, prefix = ""): QueueKeys {
  const tag = dropKeys(dropId, prefix).meta.slice(0, -":meta".length);
  const queue = `${tag}:queue`;
  return {
    queue, line: `${tag}:line`, early: `${tag}:early`, members: `${tag}:members`, admitted: `${tag}:admitted`,
    away: `${tag}:away`, fairness: `${tag}:fairness`, changes: `${queue}:changes`,
  };
}
