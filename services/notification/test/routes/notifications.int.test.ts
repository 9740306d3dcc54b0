/** The buyer's notification routes (and the stream's caller check) against bad input: 4xx with the error shape, never 5xx. */
import t from "tap";
import { ids, startNotifyEnv } from "../helpers.ts";
import { asUser } from "@drops/http/testing";

t.test("bad input answers 4xx with the error shape, never 5xx", async (t) => {
  const env = await startNotifyEnv(t);
  const { buyerId } = ids();
  const h = asUser("notification", buyerId);
  const cases: { name: string; method: "GET" | "POST"; url: string; headers?: Record<string, string>; payload?: string; status: number }[] = [
    { name: "list without an assertion", method: "GET", url: "/notifications", status: 401 },
    { name: "an assertion naming no user id", method: "GET", url: "/notifications", headers: asUser("notification", "a b/c"), status: 401 },
    { name: "page 0", method: "GET", url: "/notifications?page=0", headers: h, status: 400 },
    { name: "pageSize too big", method: "GET", url: "/notifications?pageSize=1000", headers: h, status: 400 },
    { name: "page not a number", method: "GET", url: "/notifications?page=abc", headers: h, status: 400 },
    { name: "read: id not a uuid", method: "POST", url: "/notifications/not-a-uuid/read", headers: h, status: 400 },
    { name: "read: unknown id", method: "POST", url: "/notifications/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/read", headers: h, status: 404 },
    { name: "read: without an assertion", method: "POST", url: "/notifications/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/read", status: 401 },
    {
      name: "read: malformed JSON body",
      method: "POST",
      url: "/notifications/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/read",
      headers: { ...h, "content-type": "application/json" },
      payload: "{bad json",
      status: 400,
    },
    { name: "stream without an assertion", method: "GET", url: "/notifications/stream", status: 401 },
  ];
  for (const c of cases) {
    const res = await env.app.inject({ method: c.method, url: c.url, headers: c.headers ?? {}, ...(c.payload !== undefined ? { payload: c.payload } : {}) });
    t.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
    t.type(res.json().code, "string", `${c.name}: error shape`);
  }
});
