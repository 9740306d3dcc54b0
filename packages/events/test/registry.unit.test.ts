import t from "tap";
import {
  EVENT_TYPES,
  SchemaCompatibilityError,
  buildRegistry,
  checkBackwardCompatible,
  decodeEvent,
  encodeEvent,
  eventSchemas,
  newEnvelope,
  registry,
  schemaDefinitions,
} from "../src/index.ts";
import type { AvroSchema } from "../src/index.ts";
import { ID, samplePayloads } from "./fixtures.ts";

const orderPlacedV1 = schemaDefinitions["OrderPlaced"]![1]!;
const orderPlacedV2 = schemaDefinitions["OrderPlaced"]![2]!;

function withFields(base: AvroSchema, edit: (fields: { name: string; type: unknown; default?: unknown }[]) => void): AvroSchema {
  const copy = structuredClone(base) as { fields: { name: string; type: unknown; default?: unknown }[] };
  edit(copy.fields);
  return copy as unknown as AvroSchema;
}

t.test("every event type has a schema, and only those", async (t) => {
  t.same(registry.types().sort(), [...EVENT_TYPES].sort());
  for (const type of EVENT_TYPES) {
    const latest = eventSchemas[type];
    t.ok(latest, type);
    t.equal(latest!.version, registry.latest(type)!.version);
    t.ok(registry.latest(type)!.avroType.isValid(samplePayloads[type]), `${type} sample fits its latest schema`);
  }
  t.equal(eventSchemas["OrderPlaced"]!.version, 2, "OrderPlaced has a real v2");
});

t.test("data written with OrderPlaced v1 is read by the v2 reader (checkoutId defaults to null)", async (t) => {
  const { checkoutId: _drop, ...v1Payload } = samplePayloads.OrderPlaced;
  const raw = registry.get("OrderPlaced", 1)!.avroType.toBuffer(v1Payload);
  t.same(registry.read("OrderPlaced", 1, raw), { ...v1Payload, checkoutId: null });

  const env = newEnvelope({ type: "OrderPlaced", payload: samplePayloads.OrderPlaced, correlationId: "o-1", now: 1, id: ID, version: 1 });
  const decoded = decodeEvent(encodeEvent(env));
  t.equal(decoded.version, 2, "decoded into the reader's version");
  t.same(decoded.payload, { ...samplePayloads.OrderPlaced, checkoutId: null }, "v1 bytes carry no checkoutId");
});

t.test("StockReserved v1 and PaymentRequested v1 data read as v2 with the new fields null", async (t) => {
  const { amountCents: _a, currency: _c, paymentMethod: _p, ...reservedV1 } = samplePayloads.StockReserved;
  const raw = registry.get("StockReserved", 1)!.avroType.toBuffer(reservedV1);
  t.same(registry.read("StockReserved", 1, raw), { ...reservedV1, amountCents: null, currency: null, paymentMethod: null });
  const { paymentMethod: _m, ...requestedV1 } = samplePayloads.PaymentRequested;
  const raw2 = registry.get("PaymentRequested", 1)!.avroType.toBuffer(requestedV1);
  t.same(registry.read("PaymentRequested", 1, raw2), { ...requestedV1, paymentMethod: null });
});

t.test("the registry rejects a v2 that cannot read v1 data", async (t) => {
  const addedWithoutDefault = withFields(orderPlacedV1, (f) => f.push({ name: "channel", type: "string" }));
  const changedType = withFields(orderPlacedV1, (f) => {
    f.find((x) => x.name === "quantity")!.type = "string";
  });
  const narrowedEnum = structuredClone(schemaDefinitions["StockRejected"]![1]!) as unknown as { fields: { name: string; type: { symbols?: string[]; default?: string } }[] };
  const reason = narrowedEnum.fields.find((x) => x.name === "reason")!.type;
  reason.symbols = ["SOLD_OUT"];
  delete reason.default;

  for (const [label, schemas] of [
    ["added field without default", { OrderPlaced: { 1: orderPlacedV1, 2: addedWithoutDefault } }],
    ["changed field type", { OrderPlaced: { 1: orderPlacedV1, 2: changedType } }],
    ["removed enum symbols without a default", { StockRejected: { 1: schemaDefinitions["StockRejected"]![1]!, 2: narrowedEnum as unknown as AvroSchema } }],
    ["v3 incompatible with v1 though compatible with v2", { OrderPlaced: { 1: orderPlacedV1, 2: orderPlacedV2, 3: addedWithoutDefault } }],
  ] as const) {
    const err = t.throws(() => buildRegistry(schemas), label) as SchemaCompatibilityError;
    t.type(err, SchemaCompatibilityError, label);
    t.match(err.message, /cannot read data written with v1/, label);
  }
  t.equal(checkBackwardCompatible(orderPlacedV2, orderPlacedV1), null, "the shipped v2 reads v1");
  t.type(checkBackwardCompatible(addedWithoutDefault, orderPlacedV1), "string");
});

t.test("the registry rejects gaps, bad schemas and misnamed records", async (t) => {
  t.throws(() => buildRegistry({ OrderPlaced: { 1: orderPlacedV1, 3: orderPlacedV2 } }), /without gaps/);
  t.throws(() => buildRegistry({ OrderPlaced: { 1: { type: "record", name: "OrderPlaced", fields: [{ name: "x", type: "nope" }] } } }), /invalid schema/);
  t.throws(() => buildRegistry({ OrderConfirmed: { 1: orderPlacedV1 } }), /does not match/);
  t.same(buildRegistry({}).types(), []);
  t.throws(() => registry.read("Nope", 1, Buffer.alloc(0)), /no schema/);
});
