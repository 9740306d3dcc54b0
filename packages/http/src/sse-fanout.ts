/**
 * Coalescing, versioned fan-out of one value per key (e.g. a drop's latest stock snapshot) to the
 * SSE streams that follow that key:
 *
 * - **Coalesced**: the first change after a quiet period goes out at once; changes while a flush
 *   waits replace each other and the latest goes out when the wait ends. The wait after a flush is
 *   the longer of `tickMs` and the time the flush spent writing (so with tens of thousands of
 *   streams the writes take at most about half the process's time and purchases keep being served).
 * - **Urgent values go at once**: a value `urgent` says is final or a status change (a sold-out)
 *   does not wait: it starts a flush immediately, and a flush in progress is abandoned for it.
 * - **Written in slices**: a flush writes `sliceSize` streams, then yields to the event loop
 *   (setImmediate) before the next slice, so requests, Kafka and newer values get in between.
 * - **Preempted by newer values**: when a newer value arrives while a flush is writing, the streams
 *   not written yet get the newer frame instead of the stale one (from the next slice on); an urgent
 *   one also restarts the flush over every stream at once. A flush always writes the stalest streams
 *   first (those the previous flush had not reached), so repeated preemption cannot starve the tail.
 * - **Serialized once**: a value's frame is rendered once (`id:` = its version) and the same Buffer is
 *   written to every stream of the key.
 * - **Versioned**: values whose version is not above the last one published are dropped, and a
 *   stream is only written a version above its own (set from what it was sent on joining).
 * - **Unchanged values skipped**: a value whose rendered data equals the latest frame of the key
 *   (e.g. a drop's confirmations after it sold out: `held` moves, `available` does not) writes nothing.
 * - One timer per key with a pending value, never one per stream; a key with no streams holds nothing.
 */
import type { SseStream } from "./sse.ts";

export type SseFanoutOptions<T> = {
  tickMs: number;
  /** The frame of `value` for `key`: called once per published value. */
  render: (key: string, value: T) => { event: string; data: unknown };
  /**
   * True when the rendered `data` must not wait (a final value, a status change): it is flushed at
   * once, preempting a flush in progress. `previous` is the key's latest frame data (undefined: none).
   */
  urgent?: (data: unknown, previous: unknown) => boolean;
  /** Streams written per slice before yielding to the event loop (default 500). */
  sliceSize?: number;
  /** Clock, timer and yield, for tests (default: Date.now, setTimeout, setImmediate). */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  defer?: (fn: () => void) => void;
};

export type SseFanout<T> = {
  /** `stream` follows `key` from `version` on (what it has been sent; -1: nothing). Leaves when the stream closes. */
  join(key: string, stream: SseStream, version: number): void;
  /** A new value of `key`; stale (not above the last published version) values are ignored. */
  publish(key: string, value: T, version: number): void;
  /** Starts writing the pending value of `key` (every key without one) now. */
  flush(key?: string): void;
  /** Streams following `key` (every key without one). */
  members(key?: string): number;
  /** Frames written since the fan-out was made (one per stream per flush). */
  readonly writes: number;
  /** Flushes started since the fan-out was made. */
  readonly flushes: number;
  /** Published values that wrote nothing because the data had not changed. */
  readonly unchanged: number;
  /** Flushes abandoned for an urgent value before they reached every stream. */
  readonly preempted: number;
  /** True while a flush of `key` (any key without one) is still writing its slices. */
  writing(key?: string): boolean;
  /** Cancels every pending timer and flush (app close). */
  close(): void;
};

export const DEFAULT_SLICE_SIZE = 500;

type Frame = { version: number; json: string; data: unknown; event: string; urgent: boolean; buf: Buffer | undefined };

type Pass = {
  frame: Frame;
  list: SseStream[];
  i: number;
  /** Milliseconds spent in this pass's slices (not counting the yields). */
  spent: number;
  /** The version of the pass's first frame: every stream this pass wrote is at or above it, every one it has not reached below. */
  startVersion: number;
};

type KeyState = {
  streams: Set<SseStream>;
  published: number;
  /** The latest distinct value: what every stream should end up with. */
  frame: Frame | undefined;
  /** A frame newer than what the running pass started with, that some streams lack. */
  pending: boolean;
  pass: Pass | undefined;
  /** When the next non-urgent flush may start. */
  nextAt: number;
  timer: unknown;
};

function bufferOf(f: Frame): Buffer {
  return (f.buf ??= Buffer.from(`id: ${f.version}\nevent: ${f.event}\ndata: ${f.json}\n\n`));
}

export function createSseFanout<T>(opts: SseFanoutOptions<T>): SseFanout<T> {
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const defer = opts.defer ?? ((fn) => void setImmediate(fn));
  const sliceSize = Math.max(1, opts.sliceSize ?? DEFAULT_SLICE_SIZE);
  const keys = new Map<string, KeyState>();
  let writes = 0;
  let flushes = 0;
  let unchanged = 0;
  let preempted = 0;
  let closed = false;

  const cancelTimer = (st: KeyState): void => {
    if (st.timer === undefined) return;
    clearTimer(st.timer);
    st.timer = undefined;
  };

  const forget = (key: string, st: KeyState): void => {
    if (st.streams.size > 0) return;
    cancelTimer(st);
    st.pass = undefined;
    keys.delete(key);
  };

  /**
   * Starts writing the key's latest frame to every stream that lacks it. After an abandoned pass
   * (`from`), the streams it had not reached come first, in its order, then those it wrote: each
   * pass continues where the last one stopped, so repeated preemption cannot starve the tail.
   * (A stream that joins is caught up at once, so every stream outside a pass's list is at or
   * above its start version.)
   */
  const startPass = (key: string, st: KeyState, from?: Pass): void => {
    cancelTimer(st);
    st.pending = false;
    const frame = st.frame;
    if (!frame) return;
    const list: SseStream[] = [];
    if (from) {
      for (let j = from.i; j < from.list.length; j++) {
        const s = from.list[j]!;
        if (!s.closed && s.version < frame.version) list.push(s);
      }
      for (const s of st.streams) if (s.version >= from.startVersion && s.version < frame.version) list.push(s);
    } else {
      for (const s of st.streams) if (s.version < frame.version) list.push(s);
    }
    if (list.length === 0) return;
    flushes++;
    const pass: Pass = { frame, list, i: 0, spent: 0, startVersion: frame.version };
    st.pass = pass;
    slice(key, st, pass);
  };

  const slice = (key: string, st: KeyState, pass: Pass): void => {
    if (closed || st.pass !== pass || keys.get(key) !== st) return;
    const latest = st.frame!;
    if (latest !== pass.frame) {
      if (latest.urgent) {
        // abandon the stale pass: the urgent value goes to every stream now, those not reached yet first
        preempted++;
        st.pass = undefined;
        startPass(key, st, pass);
        return;
      }
      // the streams not written yet get the newer frame; those already written get it from the next pass
      pass.frame = latest;
    }
    const started = now();
    const end = Math.min(pass.i + sliceSize, pass.list.length);
    const buf = bufferOf(pass.frame);
    const version = pass.frame.version;
    for (; pass.i < end; pass.i++) {
      const s = pass.list[pass.i]!;
      if (!s.closed && s.version < version && s.write(buf, version)) writes++;
    }
    pass.spent += now() - started;
    if (pass.i < pass.list.length) {
      defer(() => slice(key, st, pass));
      return;
    }
    st.pass = undefined;
    st.nextAt = now() + Math.max(opts.tickMs, pass.spent);
    // a newer (ordinary) value arrived during the pass: the streams written before it need the next one
    if (st.pending) schedule(key, st);
  };

  const schedule = (key: string, st: KeyState): void => {
    if (st.timer !== undefined || st.pass) return;
    const wait = st.nextAt - now();
    if (wait <= 0) startPass(key, st);
    else
      st.timer = setTimer(() => {
        st.timer = undefined;
        if (keys.get(key) === st && !st.pass) startPass(key, st);
      }, wait);
  };

  return {
    join(key, stream, version) {
      if (stream.closed) return;
      let st = keys.get(key);
      if (!st) {
        st = { streams: new Set(), published: -1, frame: undefined, pending: false, pass: undefined, nextAt: -Infinity, timer: undefined };
        keys.set(key, st);
      }
      stream.version = Math.max(stream.version, version);
      st.streams.add(stream);
      // it opened with an older value than the latest frame (a change between its read and now): catch it up
      if (st.frame && stream.version < st.frame.version && stream.write(bufferOf(st.frame), st.frame.version)) writes++;
      if (stream.closed) {
        st.streams.delete(stream);
        forget(key, st);
        return;
      }
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
      const { event, data } = opts.render(key, value);
      const json = JSON.stringify(data);
      if (st.frame && json === st.frame.json && event === st.frame.event) {
        unchanged++;
        return;
      }
      const urgent = opts.urgent?.(data, st.frame?.data) ?? false;
      st.frame = { version, json, data, event, urgent, buf: undefined };
      st.pending = true;
      if (st.pass) return; // the running pass picks it up at its next slice
      if (urgent) startPass(key, st);
      else schedule(key, st);
    },
    flush(key) {
      const run = (k: string, st: KeyState): void => {
        if (st.pending && !st.pass) startPass(k, st);
      };
      if (key === undefined) for (const [k, st] of keys) run(k, st);
      else {
        const st = keys.get(key);
        if (st) run(key, st);
      }
    },
    members(key) {
      if (key !== undefined) return keys.get(key)?.streams.size ?? 0;
      let n = 0;
      for (const st of keys.values()) n += st.streams.size;
      return n;
    },
    writing(key) {
      if (key !== undefined) return keys.get(key)?.pass !== undefined;
      for (const st of keys.values()) if (st.pass) return true;
      return false;
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
    get preempted() {
      return preempted;
    },
    close() {
      closed = true;
      for (const st of keys.values()) {
        cancelTimer(st);
        st.pass = undefined;
        st.pending = false;
      }
    },
  };
}
