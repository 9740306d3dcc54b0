/** "Drop opening soon" (pure): which watches are due, and the notice's once-per-watcher-and-drop id. */

/**
 * The source id of a drop's opening-soon notices: with the unique (source_event_id, buyer_id) of
 * notifications, a buyer gets at most one per drop, whatever the number of workers, rounds or re-watches.
 */
export function openingSoonSourceId(dropId: string): string {
  return `drop-opening-soon:${dropId}`;
}

/**
 * The window of start times whose watchers are told now: after `nowMs` (a drop already open gets no
 * "opening soon") and at most `leadMs` ahead.
 */
export function openingWindow(nowMs: number, leadMs: number): { after: Date; until: Date } {
  return { after: new Date(nowMs), until: new Date(nowMs + leadMs) };
}
