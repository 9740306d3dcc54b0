import t from "tap";
import { applicationData, applicationKind, decisionChanges, decisionReason, mustSell, roleGrantedBy, stopsSelling, type SellerView } from "../../src/domain/sellers.ts";

const seller = (status: SellerView["status"]): SellerView => ({
  sellerId: "5b0d9f8e-2c1a-4e3b-9f7d-1a2b3c4d5e6f", userId: "6c1e0a9f-3d2b-4f4c-8a8e-2b3c4d5e6f70", businessName: "B", contactEmail: "b@b.co", status, reason: null, createdAt: "2030-01-01T00:00:00.000Z",
});

t.test("seller applications: one per user, a rejected one may apply again", async (t) => {
  t.same(applicationData({ businessName: " Shop Ltd ", contactEmail: " Shop@Example.com " }), { businessName: "Shop Ltd", contactEmail: "shop@example.com" });
  t.equal(applicationKind(null), "create");
  t.equal(applicationKind({ id: "x", status: "rejected" }), "reapply");
  t.throws(() => applicationKind({ id: "x", status: "pending" }), { statusCode: 409, code: "SELLER_EXISTS" });
  t.throws(() => applicationKind({ id: "x", status: "approved" }), { statusCode: 409, code: "SELLER_EXISTS" });
});

t.test("only approved sellers sell; decisions are idempotent; approving grants the seller role", async (t) => {
  t.throws(() => mustSell(undefined), { statusCode: 403, code: "NOT_A_SELLER" });
  t.throws(() => mustSell(seller("pending")), { statusCode: 403, code: "SELLER_NOT_APPROVED" });
  t.equal(mustSell(seller("approved")).status, "approved");
  t.equal(decisionChanges("pending", "approved"), true);
  t.equal(decisionChanges("approved", "approved"), false);
  t.equal(roleGrantedBy("approved"), "seller");
  t.equal(roleGrantedBy("rejected"), undefined);
});

t.test("a rejection keeps its reason and stops the seller's stock; approving clears the reason", async (t) => {
  t.equal(decisionReason("rejected", "  fake goods "), "fake goods");
  t.equal(decisionReason("rejected", undefined), null);
  t.equal(decisionReason("rejected", "   "), null);
  t.equal(decisionReason("approved", "whatever"), null);
  t.equal(stopsSelling("rejected"), true, "every time: a second rejection finishes a pausing that failed part-way");
  t.equal(stopsSelling("approved"), false);
});
