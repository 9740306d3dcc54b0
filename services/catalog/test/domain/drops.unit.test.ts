import t from "tap";
import { START_GRACE_MS, dropStartMs, effectiveStatus } from "../../src/domain/drops.ts";

const NOW = Date.parse("2030-01-01T10:00:00.000Z");

t.test("dropStartMs: a date-time now or later, with grace for latency and skew", async (t) => {
  t.equal(dropStartMs("2030-01-01T10:05:00.000Z", NOW), NOW + 300_000);
  t.equal(dropStartMs(new Date(NOW - START_GRACE_MS).toISOString(), NOW), NOW - START_GRACE_MS, "the edge of the grace is allowed");
  t.throws(() => dropStartMs(new Date(NOW - START_GRACE_MS - 1).toISOString(), NOW), { statusCode: 400, code: "STARTS_IN_PAST" });
  t.throws(() => dropStartMs("tomorrow", NOW), { statusCode: 400, code: "VALIDATION_FAILED" });
});

t.test("effectiveStatus: a scheduled drop past its start is open; other statuses are as stored", async (t) => {
  const start = new Date(NOW);
  t.equal(effectiveStatus("scheduled", start, NOW - 1), "scheduled");
  t.equal(effectiveStatus("scheduled", start, NOW), "open");
  t.equal(effectiveStatus("paused", start, NOW + 1), "paused");
  t.equal(effectiveStatus("closed", start, NOW + 1), "closed");
});
