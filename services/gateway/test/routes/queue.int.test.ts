import t from "tap";
import { createAdmitterStore } from "@drops/inventory-service/queue";
import { createAdmissionTokens } from "../../src/domain/admission-token.ts";
import { DEV_ADMISSION_SECRET } from "../../src/config.ts";
import { inSeconds, testStack } from "../helpers.ts";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";

t.test("the waiting room's routes: join, me, leave, fairness before the opening, and the hostile paths", async (t) => {
  const s = await testStack(t);
  const seller = await s.seller("ann");
  const productId = (await s.call("POST", "/api/products", { token: seller.accessToken, body: { name: "Print", description: "Numbered", priceCents: 900 } })).json().productId as string;
  const body = { productId, startsAt: inSeconds(120), units: 10, perBuyerLimit: 1, holdSeconds: 60 };
  const queued = await s.call("POST", "/api/drops", { token: seller.accessToken, body: { ...body, queue: { admitPerSecond: 25 } } });
  t.equal(queued.statusCode, 201, queued.body);
  const dropId = queued.json().dropId as string;
  const plainId = (await s.call("POST", "/api/drops", { token: seller.accessToken, body })).json().dropId as string;
  const drop = (await s.call("GET", `/api/drops/${dropId}`)).json();
  t.match(drop.queue, { admitPerSecond: 25, seedHash: /^[0-9a-f]{64}$/ }, "the drop shows its waiting room");
  t.equal((await s.call("GET", `/api/drops/${plainId}`)).json().queue, undefined);
  for (const queue of [{ admitPerSecond: 0 }, { admitPerSecond: 10_001 }, { admitPerSecond: 2, seed: "ab" }]) {
    const bad = await s.call("POST", "/api/drops", { token: seller.accessToken, body: { ...body, queue } });
    t.same([bad.statusCode, bad.json().code], [400, "VALIDATION_FAILED"], `queue ${JSON.stringify(queue)}`);
  }
  // what the inventory does when it gets the schedule (no inventory runs in this test)
  await createAdmitterStore(s.redis, { prefix: s.prefix }).configure(dropId, { admitPerSecond: 25, startsAtMs: Date.parse(body.startsAt), seed: "ab".repeat(32) });

  const ann = await s.signup("buyer");
  const bob = await s.signup("other");
  const joined = await s.call("POST", `/api/drops/${dropId}/queue`, { token: ann.accessToken });
  t.equal(joined.statusCode, 200, joined.body);
  t.match(joined.json(), { status: "waiting", position: null, etaSeconds: null, receipt: /^[0-9a-f-]{36}$/ });
  t.same((await s.call("POST", `/api/drops/${dropId}/queue`, { token: ann.accessToken })).json(), joined.json(), "joining again: the same place");
  t.same((await s.call("GET", `/api/drops/${dropId}/queue/me`, { token: ann.accessToken })).json(), joined.json());
  t.same((await s.call("GET", `/api/drops/${dropId}/queue/me`, { token: bob.accessToken })).json().code, "NOT_IN_QUEUE");
  t.same((await s.call("GET", `/api/drops/${dropId}/queue/fairness`)).json().code, "NOT_OPEN", "no seed before the opening");

  const refusals: [string, string, string | undefined, number, string][] = [
    ["POST", `/api/drops/${plainId}/queue`, ann.accessToken, 409, "NOT_QUEUED"],
    ["GET", `/api/drops/${plainId}/queue/me`, ann.accessToken, 409, "NOT_QUEUED"],
    ["GET", `/api/drops/${plainId}/queue/fairness`, undefined, 409, "NOT_QUEUED"],
    ["POST", `/api/drops/${UNKNOWN}/queue`, ann.accessToken, 404, "DROP_NOT_FOUND"],
    ["POST", "/api/drops/not-a-uuid/queue", ann.accessToken, 400, "VALIDATION_FAILED"],
    ["POST", `/api/drops/${dropId}/queue`, undefined, 401, "UNAUTHORIZED"],
    ["DELETE", `/api/drops/${dropId}/queue`, "forged.token.here", 401, "INVALID_TOKEN"],
    ["GET", `/api/drops/${dropId}/queue/stream`, undefined, 401, "UNAUTHORIZED"],
    ["GET", `/api/drops/${dropId}/queue/stream?access_token=${bob.accessToken}`, undefined, 404, "NOT_IN_QUEUE"],
    ["GET", `/api/orders/${UNKNOWN}/stream?access_token=nope`, undefined, 401, "INVALID_TOKEN"],
  ];
  for (const [method, url, token, status, code] of refusals) {
    const r = await s.call(method as "GET", url, token === undefined ? {} : { token });
    t.same([r.statusCode, r.json().code], [status, code], `${method} ${url.replace(/access_token=[^&]+/, "access_token=...")}`);
  }

  // a queued drop's purchase: the token is required, and must be this buyer's for this drop, and real
  const buy = (token: string, admission?: string) => s.call("POST", `/api/drops/${dropId}/purchases`, {
    token, headers: { "idempotency-key": `k-${Math.random()}`, ...(admission === undefined ? {} : { "admission-token": admission }) },
    body: { quantity: 1, paymentMethod: "pm_card_ok" },
  });
  t.equal((await buy(ann.accessToken)).json().code, "ADMISSION_REQUIRED");
  t.equal((await buy(ann.accessToken, "garbage")).json().code, "ADMISSION_INVALID");
  const admission = { dropId, buyerId: ann.userId, admissionId: "1", expiresAtMs: Date.now() + 60_000 };
  t.equal((await buy(ann.accessToken, createAdmissionTokens("z".repeat(32)).sign(admission))).json().code, "ADMISSION_INVALID", "signed with another secret");
  const signed = createAdmissionTokens(DEV_ADMISSION_SECRET).sign(admission);
  t.equal((await buy(bob.accessToken, signed)).json().code, "ADMISSION_INVALID", "another buyer's token");
  const unknown = await buy(ann.accessToken, signed);
  t.same([unknown.statusCode, unknown.json().code], [403, "ADMISSION_INVALID"], "well signed, but no such admission in Redis");
  t.equal((await buy(ann.accessToken, createAdmissionTokens(DEV_ADMISSION_SECRET).sign({ ...admission, expiresAtMs: Date.now() - 1 }))).json().code, "ADMISSION_INVALID", "expired");

  t.equal((await s.call("DELETE", `/api/drops/${dropId}/queue`, { token: ann.accessToken })).statusCode, 204);
  t.equal((await s.call("GET", `/api/drops/${dropId}/queue/me`, { token: ann.accessToken })).json().code, "NOT_IN_QUEUE", "left: no place");
  t.equal((await s.call("DELETE", `/api/drops/${dropId}/queue`, { token: ann.accessToken })).statusCode, 204, "leaving again: 204");
  const rejoined = await s.call("POST", `/api/drops/${dropId}/queue`, { token: ann.accessToken });
  t.not(rejoined.json().receipt, joined.json().receipt, "a new place, a new receipt");
});
