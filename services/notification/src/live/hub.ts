/**
 * In-process fan-out of stored notifications to the SSE streams of this instance, by buyer.
 * Alone it serves one instance; `redis-hub.ts` puts Redis pub/sub in front of it for several.
 */
import { EventEmitter } from "node:events";
import type { NotificationView } from "../read/notification-view.ts";

export type Listener = (n: NotificationView) => void;

export type LiveHub = {
  publish: (n: NotificationView) => void;
  /** Returns the unsubscribe function. */
  subscribe: (buyerId: string, listener: Listener) => () => void;
  listeners: (buyerId: string) => number;
  /** Resolves when the hub delivers what is published (Redis: subscribed). */
  ready: Promise<void>;
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
