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
  t.equal(renders(), 2, "rendered once per flush");
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
