/**
 * Coalescing, versioned fan-out of one value per key (e.g. a drop's latest stock snapshot) to the
 * SSE streams that follow that key:
 *
 * - **Coalesced**: at most one write per key per `tickMs`. The first change after a quiet tick goes
 *   out at once; changes inside a tick replace each other and the latest goes out when the tick
 *   ends, so the last value (a sold-out) is always delivered, at most `tickMs` late.
 * - **Serialized once**: a flush renders the frame once (`id:` = the value's version) and writes the
 *   same Buffer to every stream of the key.
 * - **Versioned**: values whose version is not above the last one published are dropped, and a
 *   stream is only written a version above its own (set from what it was sent on joining), so a
 *   stream that got a newer snapshot on connect is not sent an older change.
 * - **Unchanged frames skipped**: a value whose rendered data equals the last one written for the key
 *   (e.g. a drop's confirmations after it sold out: `held` moves, `available` does not) writes nothing.
 * - **Bounded write time**: the next flush of a key waits `tickMs` or as long as the last flush took
 *   to write, whichever is longer, so with tens of thousands of streams the writes take at most
 *   about half the process's time and purchases and Kafka keep being served.
 * - One timer per key with a pending value, never one per stream; a key with no streams holds nothing.
 */
import type { SseStream } from "./sse.ts";

export type SseFanoutOptions<T> = {
  tickMs: number;
  /** The frame of `value` for `key`: called once per flush of the key. */
  render: (key: string, value: T) => { event: string; data: unknown };
  /** Clock and timer, for tests (default: Date.now and setTimeout). */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

export type SseFanout<T> = {
  /** `stream` follows `key` from `version` on (what it has been sent; -1: nothing). Leaves when the stream closes. */
  join(key: string, stream: SseStream, version: number): void;
  /** A new value of `key`; stale (not above the last published version) values are ignored. */
  publish(key: string, value: T, version: number): void;
  /** Writes the pending value of `key` (every key without one) now. */
  flush(key?: string): void;
  /** Streams following `key` (every key without one). */
  members(key?: string): number;
  /** Frames written since the fan-out was made (one per stream per flush). */
  readonly writes: number;
  /** Flushes since the fan-out was made (one per key per tick at most). */
  readonly flushes: number;
  /** Flushes that wrote nothing because the data had not changed. */
  readonly unchanged: number;
  /** Cancels every pending timer (app close). */
  close(): void;
};

type KeyState<T> = {
  streams: Set<SseStream>;
  pending: { value: T; version: number } | undefined;
  published: number;
  /** When the next flush may run (the last one's end plus the longer of tickMs and its duration). */
  nextAt: number;
  lastData: string | undefined;
  timer: unknown;
};

export function createSseFanout<T>(opts: SseFanoutOptions<T>): SseFanout<T> {
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const keys = new Map<string, KeyState<T>>();
  let writes = 0;
  let flushes = 0;
  let unchanged = 0;

  const forget = (key: string, st: KeyState<T>): void => {
    if (st.streams.size > 0) return;
    if (st.timer !== undefined) clearTimer(st.timer);
    keys.delete(key);
  };

  const flushKey = (key: string, st: KeyState<T>): void => {
    if (st.timer !== undefined) {
      clearTimer(st.timer);
      st.timer = undefined;
    }
    const p = st.pending;
    if (!p) return;
    st.pending = undefined;
    const started = now();
    flushes++;
    const { event, data } = opts.render(key, p.value);
    const json = JSON.stringify(data);
    if (json === st.lastData) {
      unchanged++;
      st.nextAt = started + opts.tickMs;
      return;
    }
    st.lastData = json;
    const frame = Buffer.from(`id: ${p.version}\nevent: ${event}\ndata: ${json}\n\n`);
    for (const s of st.streams) {
      if (s.version < p.version && s.write(frame, p.version)) writes++;
    }
    const ended = now();
    st.nextAt = ended + Math.max(opts.tickMs, ended - started);
  };

  return {
    join(key, stream, version) {
      if (stream.closed) return;
      let st = keys.get(key);
      if (!st) keys.set(key, (st = { streams: new Set(), pending: undefined, published: -1, nextAt: -Infinity, lastData: undefined, timer: undefined }));
      stream.version = Math.max(stream.version, version);
      st.streams.add(stream);
      const joined = st;
      stream.onClose(() => {
        joined.streams.delete(stream);
        if (keys.get(key) === joined) forget(key, joined);
      });
    },
    publish(key, value, version) {
      const st = keys.get(key);
      if (!st || version <= st.published) return;
      st.published = version;
      st.pending = { value, version };
      if (st.timer !== undefined) return;
      const wait = st.nextAt - now();
      if (wait <= 0) flushKey(key, st);
      else st.timer = setTimer(() => flushKey(key, st), wait);
    },
    flush(key) {
      if (key === undefined) for (const [k, st] of keys) flushKey(k, st);
      else {
        const st = keys.get(key);
        if (st) flushKey(key, st);
      }
    },
    members(key) {
      if (key !== undefined) return keys.get(key)?.streams.size ?? 0;
      let n = 0;
      for (const st of keys.values()) n += st.streams.size;
      return n;
    },
    get writes() {
      return writes;
    },
    get flushes() {
      return flushes;
    },
    get unchanged() {
      return unchanged;
    },
    close() {
      for (const st of keys.values()) {
        if (st.timer !== undefined) clearTimer(st.timer);
        st.timer = undefined;
        st.pending = undefined;
      }
    },
  };
}
