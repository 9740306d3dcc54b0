/**
 * Stores the notifications caused by one consumed event, once: the event id is recorded for the
 * consumer in the same transaction as the inserts (a redelivery stores nothing), and each insert is
 * also unique per (event, buyer). Only after the commit are the new rows pushed to live streams.
 */
import type pg from "pg";
import { inTransaction, type Tx } from "@drops/db";
import type { Draft } from "../domain/notification.ts";
import type { LiveHub } from "./live-hub.ts";
import { insertNotifications, insertNotificationsOnce, notificationView, type NotificationView } from "./notifications.ts";
import { markProcessed } from "./processed-events.ts";

/** What the handlers need: the database, the live push, a clock (epoch ms) and ids. */
export type NotifyDeps = { pool: pg.Pool; hub: LiveHub; now: () => number; newId: () => string };

export type Drafting = (tx: Tx, now: Date) => Promise<Draft[]>;

export async function notifyOnce(deps: NotifyDeps, consumer: string, eventId: string, drafting: Drafting): Promise<NotificationView[]> {
  return notifyInTransaction(deps, async (tx, now) => {
    if (!(await markProcessed(tx, consumer, eventId))) return [];
    return (await drafting(tx, now)).map((d) => ({ ...d, sourceEventId: eventId }));
  });
}

/** A draft with the id of what caused it: one notification per (source, buyer). */
export type SourcedDraft = Draft & { sourceEventId: string };

/**
 * The general form: drafts decided in one transaction (the caller brings its own dedupe: a processed
 * event id, a snapshot seq, a row taken with SKIP LOCKED), each stored at most once per (source,
 * buyer), then pushed after the commit.
 */
export async function notifyInTransaction(deps: NotifyDeps, drafting: (tx: Tx, now: Date) => Promise<SourcedDraft[]>): Promise<NotificationView[]> {
  const rows = await inTransaction(deps.pool, async (tx) => {
    const now = new Date(deps.now());
    const drafts = await drafting(tx, now);
    return insertNotifications(tx, drafts.map((d) => ({ ...d, id: deps.newId(), createdAt: now })));
  });
  const views = rows.map(notificationView);
  for (const v of views) deps.hub.publish(v);
  return views;
}

/**
 * notifyOnce for drafts known without reading the database (an order's outcome): the event id and
 * the rows in one statement (insertNotificationsOnce), one round trip instead of four.
 */
export async function notifyDraftsOnce(deps: NotifyDeps, consumer: string, eventId: string, drafts: readonly Draft[]): Promise<NotificationView[]> {
  const now = new Date(deps.now());
  const rows = await insertNotificationsOnce(deps.pool, consumer, eventId, drafts.map((d) => ({ ...d, id: deps.newId(), sourceEventId: eventId, createdAt: now })));
  const views = rows.map(notificationView);
  for (const v of views) deps.hub.publish(v);
  return views;
}
