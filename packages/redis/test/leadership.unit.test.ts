/** createLeadership with a fake locker: busy, held, lost (logged once, tried again), released. */
import t from "tap";
import { createLeadership, LockNotAcquiredError, type LockHandle, type Locker } from "../src/index.ts";

function fakeLocker(): { locker: Pick<Locker, "acquire">; busy: { value: boolean }; handles: (LockHandle & { abort: () => void; released: boolean })[] } {
  const busy = { value: false };
  const handles: (LockHandle & { abort: () => void; released: boolean })[] = [];
  let token = 0;
  const locker = {
    acquire: async (resource: string) => {
      if (busy.value) throw new LockNotAcquiredError(resource);
      const ac = new AbortController();
      const h = {
        resource,
        token: ++token,
        signal: ac.signal,
        expiresAt: () => Date.now() + 1000,
        extend: async () => undefined,
        release: async () => {
          h.released = true;
          ac.abort();
        },
        abort: () => ac.abort(),
        released: false,
      };
      handles.push(h);
      return h;
    },
  };
  return { locker, busy, handles };
}

t.test("busy, then held, then lost and taken again, then released", async (t) => {
  const { locker, busy, handles } = fakeLocker();
  const lines: string[] = [];
  const logger = { info: (_o: object, m: string) => lines.push(`info ${m}`), warn: (_o: object, m: string) => lines.push(`warn ${m}`) };
  const lead = createLeadership(locker, "loop:x", 1000, { name: "the loop", logger });

  busy.value = true;
  t.equal(await lead.holds(), false, "another instance holds it");
  t.equal(lead.token, null);

  busy.value = false;
  t.equal(await lead.holds(), true, "acquired");
  t.equal(lead.token, 1);
  t.equal(await lead.holds(), true, "still held: no second acquire");
  t.equal(handles.length, 1);

  handles[0]!.abort();
  t.equal(lead.token, null, "a lost lock has no token");
  busy.value = true;
  t.equal(await lead.holds(), false, "lost, and someone else took it");
  busy.value = false;
  t.equal(await lead.holds(), true, "taken again later");
  t.equal(lead.token, 2);
  t.same(lines, ["info the loop active", "warn the loop lost its lock; standing by", "info the loop active"], "each change logged once");

  await lead.release();
  t.ok(handles[1]!.released, "released on stop");
  t.equal(lead.token, null);
  await lead.release();
});

t.test("an error other than 'busy' reaches the caller", async (t) => {
  const lead = createLeadership({ acquire: async () => Promise.reject(new Error("redis down")) }, "loop:y", 1000, { name: "y" });
  await t.rejects(lead.holds(), /redis down/);
});
