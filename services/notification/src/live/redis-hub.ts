/**
 * Live push across instances: a stored notification is PUBLISHed on one Redis channel; every
 * instance SUBSCRIBEs and fans it out to its own streams through the in-process hub. The storing
 * instance hears its own message too, so it never emits locally first (no double push).
 * At-most-once, like any pub/sub: a stream that misses a push still finds the notification in
 * GET /notifications.
 */
import { createRedis } from "@drops/redis";
import type { NotificationView } from "../read/notification-view.ts";
import { createLiveHub, type LiveHub } from "./hub.ts";

export type RedisHubOptions = { url: string; channel: string; onError?: (err: Error) => void };

export function createRedisLiveHub(opts: RedisHubOptions): LiveHub {
  const local = createLiveHub();
  const onError = opts.onError ?? (() => {});
  const pub = createRedis(opts.url, { connectionName: "notification-live-pub" });
  // a subscriber connection retries its commands forever: it must survive Redis restarts
  const sub = createRedis(opts.url, { connectionName: "notification-live-sub", maxRetriesPerRequest: null });
  pub.on("error", onError);
  sub.on("error", onError);
  sub.on("message", (channel: string, message: string) => {
    if (channel !== opts.channel) return;
    try {
      local.publish(JSON.parse(message) as NotificationView);
    } catch (err) {
      onError(err as Error);
    }
  });
  const ready = sub.subscribe(opts.channel).then(() => {});
  ready.catch(onError);
  return {
    publish: (n) => void pub.publish(opts.channel, JSON.stringify(n)).catch(onError),
    subscribe: local.subscribe,
    listeners: local.listeners,
    ready,
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
      await local.close();
    },
  };
}
