import t from "tap";
import type { StockChanged } from "@drops/events";
import { openingStock, resumeSends } from "../../src/domain/live-stock.ts";

const DROP = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const START = 1_000_000;
const NOW = START + 5;
const change = (seq: number, available: number): StockChanged => ({ dropId: DROP, available, held: 0, sold: 10 - available, total: 10, status: "OPEN", seq });
const catalog = { available: 10, status: "scheduled" };

t.test("the first event: the newer of the Redis read and Kafka's latest, else the catalog's figures unversioned", async (t) => {
  const read = { available: 4, status: "open", seq: 200 };
  t.same(openingStock(read, undefined, catalog, START, NOW), { available: 4, status: "open", seq: 200 }, "Redis alone");
  t.same(openingStock(read, change(150, 6), catalog, START, NOW), { available: 4, status: "open", seq: 200 }, "Kafka behind Redis: Redis");
  t.same(openingStock(read, change(250, 3), catalog, START, NOW), { available: 3, status: "open", seq: 250 }, "a change consumed after the read began: Kafka");
  t.same(openingStock(null, change(250, 0), catalog, START, NOW), { available: 0, status: "sold_out", seq: 250 }, "Redis failed: Kafka's latest");
  t.same(openingStock(null, undefined, catalog, START, NOW), { available: 10, status: "scheduled", seq: undefined }, "neither: the catalog");
  t.same(openingStock({ available: 4, status: "open", seq: 9 }, undefined, catalog, NOW + 1000, NOW).status, "scheduled", "loaded before its start");
});

t.test("Last-Event-ID resume: the current snapshot only if newer than the client's id", async (t) => {
  const current = { available: 3, status: "open", seq: 250 };
  t.equal(resumeSends(current, undefined), true, "a first connection gets it");
  t.equal(resumeSends(current, 249), true, "the client is behind: sent at once");
  t.equal(resumeSends(current, 250), false, "the client has it: nothing");
  t.equal(resumeSends(current, 9_000_000_000_000), false, "a claimed future id: nothing now (the stream then follows from 250)");
  t.equal(resumeSends({ available: 10, status: "scheduled", seq: undefined }, 250), true, "unversioned figures are always sent");
});
