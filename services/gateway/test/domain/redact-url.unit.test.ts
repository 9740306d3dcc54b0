import t from "tap";
import { REDACTED, redactUrl, safeRequest } from "../../src/domain/redact-url.ts";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

t.test("the access token's value is replaced, everything else kept", async (t) => {
  t.equal(redactUrl(`/api/notifications/stream?access_token=${TOKEN}`), `/api/notifications/stream?access_token=${REDACTED}`);
  t.equal(redactUrl(`/a?x=1&access_token=${TOKEN}&y=2#frag`), `/a?x=1&access_token=${REDACTED}&y=2#frag`);
  t.equal(redactUrl(`/a?access_token=${TOKEN}&access_token=${TOKEN}`), `/a?access_token=${REDACTED}&access_token=${REDACTED}`, "every occurrence");
  t.equal(redactUrl("/a?q=access_token"), "/a?q=access_token", "a value that says access_token is no secret");
  t.equal(redactUrl("/a/access_token=x"), "/a/access_token=x", "no query: unchanged");
  t.equal(redactUrl("/a?q=shoes&page=2"), "/a?q=shoes&page=2");
});

t.test("names are compared as the query parser reads them: decoded, any case", async (t) => {
  for (const name of ["access%5Ftoken", "ACCESS_TOKEN", "Access_Token", "access%5ftoken"]) {
    const out = redactUrl(`/s?${name}=${TOKEN}`);
    t.notOk(out.includes(TOKEN), `${name}: ${out}`);
  }
  t.equal(redactUrl(`/s?%E0%A4%A=${TOKEN}`), `/s?%E0%A4%A=${TOKEN}`, "an undecodable name is compared raw (and is not the token's)");
  t.equal(redactUrl(`/s?access_token`), `/s?access_token=${REDACTED}`, "a bare name");
});

t.test("the request serializer logs the redacted URL", async (t) => {
  const logged = safeRequest({ method: "GET", url: `/api/notifications/stream?access_token=${TOKEN}`, host: "h", ip: "1.2.3.4", headers: {}, socket: { remotePort: 5 } });
  t.same(logged, { method: "GET", url: `/api/notifications/stream?access_token=${REDACTED}`, version: undefined, host: "h", remoteAddress: "1.2.3.4", remotePort: 5 });
  t.notOk(JSON.stringify(logged).includes(TOKEN));
});
