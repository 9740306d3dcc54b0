import t from "tap";
import { createSseFanout } from "../src/sse-fanout.ts";
import { createTestSseRegistry, type SseSocket } from "../src/sse.ts";

function fakeSocket() {
  const written: Buffer[] = [];
  const s = {
    written,
    writableLength: 0,
    destroyed: false,
    write(chunk: Buffer) {
      written.push(chunk);
      return true;
    },
    destroy() {
      s.destroyed = true;
      return s;
    },
  };
  return s as typeof s & SseSocket;
}

/** A manual clock and timer queue. */
function clock() {
  let now = 1000;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (h: unknown) => void timers.delete(h as number),
    pending: () => timers.size,
    advance(ms: number) {
      now += ms;
      for (const [id, tm] of [...timers]) {
        if (tm.at <= now) {
          timers.delete(id);
          tm.fn();
        }
      }
    },
  };
}

type V = { available: number };
const DROP = "d1";

function setUp(tickMs = 100) {
  const c = clock();
  const registry = createTestSseRegistry({ heartbeatMs: 60_000 });
  let renders = 0;
  const fanout = createSseFanout<V>({
    tickMs,
    render: (key, v) => {
      renders++;
      return { event: "stock", data: { dropId: key, available: v.available } };
    },
    now: c.now,
    setTimer: c.setTimer,
    clearTimer: c.clearTimer,
  });
  const client = (version = -1) => {
    const socket = fakeSocket();
    const stream = registry.attach(socket);
    fanout.join(DROP, stream, version);
    const frames = () => socket.written.map((b) => b.toString());
    return { socket, stream, frames };
  };
  return { c, registry, fanout, client, renders: () => renders };
}

const frame = (id: number, available: number) => `id: ${id}\nevent: stock\ndata: {"dropId":"${DROP}","available":${available}}\n\n`;

t.test("coalescing: the first change at once, then at most one write per tick, the latest wins", async (t) => {
  const { c, fanout, client, renders } = setUp();
  const a = client();
  const b = client();
  fanout.publish(DROP, { available: 10 }, 1);
  t.same(a.frames(), [frame(1, 10)], "after a quiet tick: at once");
  for (let i = 2; i <= 50; i++) fanout.publish(DROP, { available: 11 - i / 5 }, i);
  fanout.publish(DROP, { available: 0 }, 51);
  t.equal(a.frames().length, 1, "inside the tick: nothing more yet");
  c.advance(99);
  t.equal(a.frames().length, 1);
  c.advance(1);
  t.same(a.frames(), [frame(1, 10), frame(51, 0)], "the tick's end: only the latest, the final sold-out value");
  t.same(b.frames(), a.frames(), "every stream the same frames");
  t.ok(a.socket.written[1] === b.socket.written[1], "the very same Buffer: serialized once for all streams");
  t.equal(renders(), 51, "rendered once per published value (its data decides urgent / unchanged), the Buffer once per flush");
  t.equal(fanout.flushes, 2);
  t.equal(fanout.writes, 4);
  c.advance(1000);
  t.equal(a.frames().length, 2, "nothing pending, nothing written");
  t.equal(c.pending(), 0, "no timer left");
});

t.test("stale and already-seen versions are not written", async (t) => {
  const { fanout, client, c } = setUp();
  const fresh = client();
  const ahead = client(5); // it got snapshot 5 when it connected
  fanout.publish(DROP, { available: 9 }, 4);
  t.same(fresh.frames(), [frame(4, 9)]);
  t.same(ahead.frames(), [], "older than what the stream has");
  fanout.publish(DROP, { available: 8 }, 3);
  c.advance(100);
  t.same(fresh.frames(), [frame(4, 9)], "a stale version is dropped");
  fanout.publish(DROP, { available: 7 }, 6);
  t.same(ahead.frames(), [frame(6, 7)], "newer: written");
  t.equal(ahead.stream.version, 6);
});

t.test("streams leave when they close; a drop without streams holds nothing", async (t) => {
  const { fanout, client, c } = setUp();
  const a = client();
  const b = client();
  t.equal(fanout.members(DROP), 2);
  a.stream.close();
  t.equal(fanout.members(DROP), 1);
  fanout.publish(DROP, { available: 3 }, 1);
  fanout.publish(DROP, { available: 2 }, 2);
  t.equal(c.pending(), 1);
  b.stream.close();
  t.equal(fanout.members(), 0);
  t.equal(c.pending(), 0, "its timer cancelled");
  fanout.publish(DROP, { available: 1 }, 3);
  t.equal(c.pending(), 0, "no streams: nothing kept, no timer");
  t.same(a.frames(), []);
});

t.test("a slow stream evicted by a flush does not stop the others", async (t) => {
  const c = clock();
  const registry = createTestSseRegistry({ heartbeatMs: 60_000, maxBufferedBytes: 10 });
  const fanout = createSseFanout<V>({ tickMs: 0, render: (_k, v) => ({ event: "stock", data: v }), now: c.now, setTimer: c.setTimer, clearTimer: c.clearTimer });
  const stuck = fakeSocket();
  stuck.write = (chunk: Buffer) => {
    stuck.written.push(chunk);
    stuck.writableLength += chunk.length;
    return false;
  };
  const ok = fakeSocket();
  fanout.join(DROP, registry.attach(stuck), -1);
  fanout.join(DROP, registry.attach(ok), -1);
  fanout.publish(DROP, { available: 1 }, 1);
  fanout.publish(DROP, { available: 0 }, 2);
  t.equal(stuck.destroyed, true);
  t.equal(stuck.written.length, 1, "written once, then dropped");
  t.equal(ok.written.length, 2, "tickMs 0: every change, to the reading client");
  t.equal(fanout.members(DROP), 1);
  t.equal(registry.stats().evicted, 1);
});

t.test("a value whose data did not change writes nothing (only the seq moved)", async (t) => {
  const { fanout, client, c } = setUp();
  const a = client();
  fanout.publish(DROP, { available: 0 }, 1);
  c.advance(100);
  fanout.publish(DROP, { available: 0 }, 2);
  c.advance(100);
  fanout.publish(DROP, { available: 0 }, 3);
  t.same(a.frames(), [frame(1, 0)], "the sold-out once, not once per confirmation");
  t.equal(fanout.unchanged, 2);
  fanout.publish(DROP, { available: 1 }, 4);
  c.advance(100);
  t.same(a.frames(), [frame(1, 0), frame(4, 1)], "a unit back: written");
});

t.test("the next flush waits at least as long as the last one took to write", async (t) => {
  const c = clock();
  const registry = createTestSseRegistry({ heartbeatMs: 60_000 });
  const fanout = createSseFanout<V>({ tickMs: 10, render: (_k, v) => ({ event: "stock", data: v }), now: c.now, setTimer: c.setTimer, clearTimer: c.clearTimer });
  const sockets = Array.from({ length: 3 }, () => {
    const s = fakeSocket();
    const write = s.write.bind(s);
    s.write = (chunk: Buffer) => {
      c.advance(10); // each write takes 10 ms: the flush takes 30
      return write(chunk);
    };
    fanout.join(DROP, registry.attach(s), -1);
    return s;
  });
  fanout.publish(DROP, { available: 2 }, 1);
  fanout.publish(DROP, { available: 1 }, 2);
  c.advance(29);
  t.equal(sockets[0]!.written.length, 1, "not after tickMs: the flush took 30 ms");
  c.advance(1);
  t.equal(sockets[0]!.written.length, 2, "after 30 ms");
});

/** A fan-out over `n` streams with a manual clock and a manual yield queue; every write is logged as `stream:version`. */
function sliced(n: number, opts: { sliceSize: number; tickMs?: number; urgent?: (data: unknown, previous: unknown) => boolean }) {
  const c = clock();
  const yields: (() => void)[] = [];
  const registry = createTestSseRegistry({ heartbeatMs: 60_000 });
  const log: string[] = [];
  const fanout = createSseFanout<V>({
    tickMs: opts.tickMs ?? 100,
    sliceSize: opts.sliceSize,
    render: (_k, v) => ({ event: "stock", data: v }),
    ...(opts.urgent ? { urgent: opts.urgent } : {}),
    now: c.now,
    setTimer: c.setTimer,
    clearTimer: c.clearTimer,
    defer: (fn) => void yields.push(fn),
  });
  const sockets = Array.from({ length: n }, (_, k) => {
    const s = fakeSocket();
    const write = s.write.bind(s);
    s.write = (chunk: Buffer) => {
      log.push(`${k}:${/^id: (\d+)/.exec(chunk.toString())?.[1]}`);
      return write(chunk);
    };
    fanout.join(DROP, registry.attach(s), -1);
    return s;
  });
  /** Runs the queued yields (the event loop's turns) until none is left. */
  const drain = () => {
    let turns = 0;
    while (yields.length > 0) {
      yields.shift()!();
      turns++;
    }
    return turns;
  };
  const takeLog = () => log.splice(0);
  return { c, fanout, sockets, yields, drain, takeLog };
}

const soldOutUrgent = (data: unknown, previous: unknown) => (data as V).available === 0 && (previous as V | undefined)?.available !== 0;

t.test("a flush writes in slices, yielding to the event loop between them", async (t) => {
  const { fanout, yields, drain, takeLog } = sliced(5, { sliceSize: 2 });
  fanout.publish(DROP, { available: 3 }, 1);
  t.same(takeLog(), ["0:1", "1:1"], "the first slice at once");
  t.equal(yields.length, 1, "then a yield before the next slice");
  t.equal(fanout.writing(DROP), true);
  t.equal(drain(), 2, "two more turns");
  t.same(takeLog(), ["2:1", "3:1", "4:1"]);
  t.equal(fanout.writing(DROP), false);
  t.equal(fanout.flushes, 1);
});

t.test("an urgent value (sold out) is flushed at once, not after the wait", async (t) => {
  const { c, fanout, drain, takeLog } = sliced(3, { sliceSize: 10, tickMs: 100, urgent: soldOutUrgent });
  fanout.publish(DROP, { available: 2 }, 1);
  t.same(takeLog(), ["0:1", "1:1", "2:1"]);
  fanout.publish(DROP, { available: 1 }, 2);
  t.same(takeLog(), [], "an ordinary change waits for the tick");
  fanout.publish(DROP, { available: 0 }, 3);
  t.same(takeLog(), ["0:3", "1:3", "2:3"], "the sold-out goes at once, superseding the waiting change");
  drain();
  c.advance(1000);
  t.same(takeLog(), [], "the waiting change is not written after it (it is older)");
});

t.test("an urgent value preempts a flush in progress: the streams not reached yet get it first, then the others; the stale frame is abandoned", async (t) => {
  const { fanout, drain, takeLog } = sliced(6, { sliceSize: 2, urgent: soldOutUrgent });
  fanout.publish(DROP, { available: 5 }, 1);
  t.same(takeLog(), ["0:1", "1:1"], "the flush of version 1 has written two streams");
  fanout.publish(DROP, { available: 0 }, 2);
  drain();
  t.same(takeLog(), ["2:2", "3:2", "4:2", "5:2", "0:2", "1:2"], "version 2 to every stream, those version 1 had not reached first; version 1 never to them");
  t.equal(fanout.preempted, 1);
  t.equal(fanout.flushes, 2);
});

t.test("a newer ordinary value mid-flush goes to the streams not written yet; those already written get it after the wait", async (t) => {
  const { c, fanout, drain, takeLog } = sliced(4, { sliceSize: 2, tickMs: 100 });
  fanout.publish(DROP, { available: 9 }, 1);
  fanout.publish(DROP, { available: 8 }, 2);
  drain();
  t.same(takeLog(), ["0:1", "1:1", "2:2", "3:2"], "the rest of the flush writes version 2 instead of the stale 1");
  c.advance(99);
  t.same(takeLog(), [], "not before the tick");
  c.advance(1);
  drain();
  t.same(takeLog(), ["0:2", "1:2"], "after the wait, the streams that had version 1");
  t.equal(fanout.preempted, 0);
});

t.test("repeated preemption cannot starve the tail: each flush starts where the abandoned one stopped", async (t) => {
  const { fanout, yields, takeLog, drain, sockets } = sliced(6, { sliceSize: 2, urgent: () => true });
  const turn = () => yields.shift()?.();
  fanout.publish(DROP, { available: 10 }, 1);
  t.same(takeLog(), ["0:1", "1:1"]);
  fanout.publish(DROP, { available: 9 }, 2);
  turn();
  t.same(takeLog(), ["2:2", "3:2"], "version 2 starts with the streams version 1 had not reached");
  fanout.publish(DROP, { available: 8 }, 3);
  turn();
  t.same(takeLog(), ["4:3", "5:3"], "version 3 with those neither reached");
  fanout.publish(DROP, { available: 7 }, 4);
  turn();
  t.same(takeLog(), ["0:4", "1:4"], "then round again");
  drain();
  t.same(takeLog(), ["2:4", "3:4", "4:4", "5:4"]);
  t.ok(sockets.every((s) => s.written.at(-1)?.toString().startsWith("id: 4\n")), "every stream ends with the latest version");
  t.equal(fanout.preempted, 3);
});

t.test("a stream joining with an older version than the latest frame is caught up at once", async (t) => {
  const { fanout, takeLog } = sliced(1, { sliceSize: 10 });
  fanout.publish(DROP, { available: 4 }, 7);
  takeLog();
  const registry = createTestSseRegistry({ heartbeatMs: 60_000 });
  const late = fakeSocket();
  fanout.join(DROP, registry.attach(late), 5);
  t.same(late.written.map((b) => b.toString()), [`id: 7\nevent: stock\ndata: {"available":4}\n\n`]);
  const ahead = fakeSocket();
  fanout.join(DROP, registry.attach(ahead), 9);
  t.same(ahead.written, [], "one that opened with a newer snapshot: nothing");
});

t.test("close stops a flush in progress", async (t) => {
  const { fanout, drain, takeLog } = sliced(4, { sliceSize: 1 });
  fanout.publish(DROP, { available: 1 }, 1);
  t.same(takeLog(), ["0:1"]);
  fanout.close();
  drain();
  t.same(takeLog(), [], "no slice after close");
});
