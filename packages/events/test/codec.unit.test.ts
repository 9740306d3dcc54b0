import t from "tap";
import { EVENT_TYPES, EventDecodeError, EventEncodeError, HEADER, buildRegistry, decodeEvent, encodeEvent, newEnvelope, schemaDefinitions } from "../src/index.ts";
import type { DropsEvent, EventType } from "../src/index.ts";
import { ID, TRACEPARENT, samplePayloads } from "./fixtures.ts";

function envelopeOf(type: EventType): DropsEvent {
  return newEnvelope({ type, payload: samplePayloads[type], correlationId: "o-1", causationId: "cause-1", traceparent: TRACEPARENT, tracestate: "k=v", now: 1_700_000_000_123, id: ID }) as DropsEvent;
}

function decodeFailure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof EventDecodeError) return err.reason;
    throw err;
  }
  return undefined;
}

t.test("every event type round-trips", async (t) => {
  for (const type of EVENT_TYPES) {
    const env = envelopeOf(type);
    const enc = encodeEvent(env);
    t.type(enc.value, Buffer);
    t.same(decodeEvent({ key: enc.key, value: enc.value, headers: enc.headers }), env, type);
  }
});

t.test("envelope fields travel in headers; value is the bare Avro payload; key follows the topic layout", async (t) => {
  const env = envelopeOf("StockChanged");
  const enc = encodeEvent(env);
  t.equal(enc.key, "d-1", "stock changes are keyed by dropId");
  t.equal(encodeEvent(envelopeOf("PaymentFailed")).key, "o-1", "payments are keyed by orderId");
  t.same(enc.headers, {
    [HEADER.eventId]: ID,
    [HEADER.type]: "StockChanged",
    [HEADER.version]: "1",
    [HEADER.occurredAt]: "1700000000123",
    [HEADER.correlationId]: "o-1",
    [HEADER.causationId]: "cause-1",
    [HEADER.traceparent]: TRACEPARENT,
    [HEADER.tracestate]: "k=v",
    [HEADER.contentType]: "application/avro",
  });
  const schema = JSON.parse(JSON.stringify(schemaDefinitions["StockChanged"]![1]));
  t.same(buildRegistry({ StockChanged: { 1: schema } }).read("StockChanged", 1, enc.value), samplePayloads.StockChanged);

  const bare = newEnvelope({ type: "StockConfirmed", payload: samplePayloads.StockConfirmed, correlationId: "o-1", now: 1, id: ID });
  const bareHeaders = encodeEvent(bare).headers;
  t.notOk(HEADER.causationId in bareHeaders, "null fields are left out");
  t.notOk(HEADER.traceparent in bareHeaders);
});

t.test("headers given as Buffers or arrays (as kafkajs delivers them) decode", async (t) => {
  const env = envelopeOf("OrderCancelled");
  const enc = encodeEvent(env);
  const bufHeaders = Object.fromEntries(Object.entries(enc.headers).map(([k, v]) => [k, k === HEADER.type ? [Buffer.from(v)] : Buffer.from(v)]));
  t.same(decodeEvent({ value: enc.value, headers: bufHeaders }), env);
});

t.test("decode failures carry a typed reason", async (t) => {
  const enc = encodeEvent(envelopeOf("OrderPlaced"));
  const h = enc.headers;
  t.equal(decodeFailure(() => decodeEvent({ value: Buffer.from([1, 2, 3]) })), "MISSING_HEADER", "random bytes without headers");
  t.equal(decodeFailure(() => decodeEvent({ value: enc.value, headers: { ...h, [HEADER.eventId]: undefined } })), "MISSING_HEADER");
  t.equal(decodeFailure(() => decodeEvent({ value: enc.value, headers: { ...h, [HEADER.type]: "OrderTeleported" } })), "UNKNOWN_TYPE");
  t.equal(decodeFailure(() => decodeEvent({ value: enc.value, headers: { ...h, [HEADER.type]: "toString" } })), "UNKNOWN_TYPE");
  t.equal(decodeFailure(() => decodeEvent({ value: enc.value, headers: { ...h, [HEADER.version]: "9" } })), "UNKNOWN_VERSION");
  t.equal(decodeFailure(() => decodeEvent({ value: enc.value, headers: { ...h, [HEADER.version]: "v1" } })), "BAD_HEADER");
  t.equal(decodeFailure(() => decodeEvent({ value: enc.value, headers: { ...h, [HEADER.occurredAt]: "yesterday" } })), "BAD_HEADER");
  t.equal(decodeFailure(() => decodeEvent({ value: null, headers: h })), "BAD_PAYLOAD", "tombstone");
  t.equal(decodeFailure(() => decodeEvent({ value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), headers: h })), "BAD_PAYLOAD", "random bytes");
  t.equal(decodeFailure(() => decodeEvent({ value: Buffer.concat([enc.value, Buffer.from([0])]), headers: h })), "BAD_PAYLOAD", "trailing bytes");
  t.equal(decodeFailure(() => decodeEvent({ value: enc.value.subarray(0, 4), headers: h })), "BAD_PAYLOAD", "truncated");
  const err = new EventDecodeError("UNKNOWN_TYPE", "x");
  t.equal(err.name, "EventDecodeError");
  t.match(err.message, /^UNKNOWN_TYPE: x/);
});

t.test("encode refuses payloads that do not fit and unknown versions", async (t) => {
  const bad = { ...envelopeOf("OrderPlaced"), payload: { ...samplePayloads.OrderPlaced, quantity: 1.5 } } as DropsEvent;
  const err = t.throws(() => encodeEvent(bad)) as EventEncodeError;
  t.type(err, EventEncodeError);
  t.match(err.problems, [/quantity=1\.5/]);
  t.throws(() => encodeEvent({ ...envelopeOf("OrderPlaced"), version: 7 }), EventEncodeError);
  const badEnum = { ...envelopeOf("StockRejected"), payload: { ...samplePayloads.StockRejected, reason: "MAYBE" } } as unknown as DropsEvent;
  t.throws(() => encodeEvent(badEnum), /reason="MAYBE"/);
});
