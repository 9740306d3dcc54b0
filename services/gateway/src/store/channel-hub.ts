/**
 * One Redis pub/sub subscriber connection per gateway instance, shared by every stream that follows
 * a channel: a channel is SUBSCRIBEd when its first listener comes and UNSUBSCRIBEd when its last
 * goes, so an instance holds one subscription per followed drop (the waiting room's
 * `{drop:<id>}:queue:changes`) however many buyers watch it. At-most-once, like any pub/sub: the
 * streams that use it also refresh on a timer, so a lost message only delays an update.
 */
import type { StockRedis } from "@drops/redis";

export type ChannelHub = {
  /** Calls `listener` with each message on `channel` until the returned function is called. */
  subscribe(channel: string, listener: (message: string) => void): () => void;
  /** Channels subscribed now (tests, metrics). */
  readonly channels: number;
};

export function createChannelHub(sub: StockRedis, onError: (err: Error, channel: string) => void): ChannelHub {
  const listeners = new Map<string, Set<(message: string) => void>>();
  sub.on("message", (channel: string, message: string) => {
    for (const l of listeners.get(channel) ?? []) {
      try {
        l(message);
      } catch (err) {
        onError(err as Error, channel);
      }
    }
  });
  return {
    get channels() {
      return listeners.size;
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        sub.subscribe(channel).catch((err: unknown) => onError(err as Error, channel));
      }
      set.add(listener);
      return () => {
        const s = listeners.get(channel);
        if (!s?.delete(listener) || s.size > 0) return;
        listeners.delete(channel);
        sub.unsubscribe(channel).catch((err: unknown) => onError(err as Error, channel));
      };
    },
  };
}
