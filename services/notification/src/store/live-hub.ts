/**
 * Live push of stored notifications to the SSE streams, by buyer. `createLiveHub` fans out inside
 * this process (one instance, or tests); `createRedisLiveHub` puts Redis pub/sub in front of it so
 * that every instance's streams get every push, whichever instance stored the notification.
 */
import { EventEmitter } from "node:events";
import type { RedisClient } from "@drops/clients";
import type { NotificationView } from "./notifications.ts";

export type Listener = (n: NotificationView) => void;

export type LiveHub = {
  publish: (n: NotificationView) => void;
  /** Returns the unsubscribe function. */
  subscribe: (buyerId: string, listener: Listener) => () => void;
  listeners: (buyerId: string) => number;
  /** Resolves when the hub delivers what is published (Redis: subscribed). */
  ready: Promise<void>;
  /** Drops every listener (the Redis connections are the clients', closed with them). */
  close: () => Promise<void>;
};

export function createLiveHub(): LiveHub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one per open stream; unbounded by design
  return {
    publish: (n) => void emitter.emit(n.buyerId, n),
    subscribe: (buyerId, listener) => {
      emitter.on(buyerId, listener);
      return () => void emitter.off(buyerId, listener);
    },
    listeners: (buyerId) => emitter.listenerCount(buyerId),
    ready: Promise.resolve(),
    close: async () => void emitter.removeAllListeners(),
  };
}

export type RedisHubOptions = {
  /** Publishes; `sub` is in subscriber mode and must retry its commands forever (survive Redis restarts). */
  pub: RedisClient;
  sub: RedisClient;
  channel: string;
  /** A failed publish or an unreadable message (connection errors are logged by the clients). */
  onError?: (err: Error) => void;
};

/**
 * A stored notification is PUBLISHed on one channel; every instance SUBSCRIBEs and fans it out to its
 * own streams through the in-process hub. The storing instance hears its own message too, so it never
 * emits locally first (no double push). At-most-once, like any pub/sub: a stream that misses a push
 * still finds the notification in GET /notifications.
 */
export function createRedisLiveHub(opts: RedisHubOptions): LiveHub {
  const local = createLiveHub();
  const onError = opts.onError ?? (() => {});
  opts.sub.on("message", (channel: string, message: string) => {
    if (channel !== opts.channel) return;
    try {
      local.publish(JSON.parse(message) as NotificationView);
    } catch (err) {
      onError(err as Error);
    }
  });
  const ready = opts.sub.subscribe(opts.channel).then(() => {});
  ready.catch(onError);
  return {
    publish: (n) => void opts.pub.publish(opts.channel, JSON.stringify(n)).catch(onError),
    subscribe: local.subscribe,
    listeners: local.listeners,
    ready,
    close: local.close,
  };
}
