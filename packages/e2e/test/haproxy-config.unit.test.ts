/**
 * The balancer's configuration (scripts/haproxy/render.ts over infra/haproxy/*.template): what
 * scripts/up.sh renders with INSTANCES=3, and infra/haproxy/compose.cfg, which must be exactly the
 * rendering of the same templates (so compose and up.sh never drift apart).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { renderHaproxyConfig } from "../../../scripts/haproxy/render.ts";
import { ROOT, SERVICES } from "../src/index.ts";

const COMPOSE_PORTS: Record<(typeof SERVICES)[number], number> = { gateway: 3000, catalog: 3001, inventory: 3002, order: 3003, cart: 3004, notification: 3005 };

t.test("fixed instances: a frontend per service, each instance checked on /ready and listed again as an unchecked backup", async (t) => {
  const cfg = renderHaproxyConfig({
    statsSocket: "/tmp/x.sock",
    proxies: [
      { name: "gateway", bind: "127.0.0.1:3000", servers: ["127.0.0.1:3100", "127.0.0.1:3200", "127.0.0.1:3300"] },
      { name: "order", bind: "127.0.0.1:3003", servers: ["127.0.0.1:3103"] },
    ],
  });
  t.match(cfg, /frontend gateway\n {4}bind 127\.0\.0\.1:3000\n/);
  t.match(cfg, /backend gateway_instances\n {4}server gateway1 127\.0\.0\.1:3100 check\n {4}server gateway2 127\.0\.0\.1:3200 check\n {4}server gateway3 127\.0\.0\.1:3300 check\n {4}server gateway1-fallback 127\.0\.0\.1:3100 backup\n/);
  t.match(cfg, /server order1 127\.0\.0\.1:3103 check/);
  t.match(cfg, /option httpchk GET \/ready/);
  t.match(cfg, /retry-on conn-failure empty-response junk-response 503/);
  t.match(cfg, /hard-stop-after/);
  t.match(cfg, /stats socket \/tmp\/x\.sock mode 600 level admin/);
  t.notMatch(cfg, /\{\{/, "every placeholder filled");
  t.notMatch(cfg, /resolvers/, "no DNS without DNS instances");
});

t.test("bad input is refused", async (t) => {
  t.throws(() => renderHaproxyConfig({ proxies: [{ name: "gateway", bind: ":3000", servers: [] }] }), /no instances/);
  t.throws(() => renderHaproxyConfig({ proxies: [{ name: "Gate way", bind: ":3000", servers: ["a:1"] }] }), /bad proxy name/);
  t.throws(() => renderHaproxyConfig({ proxies: [{ name: "gateway", bind: ":3000", servers: { dns: "gateway:3000", slots: 3 } }] }), /nameserver/);
});

t.test("infra/haproxy/compose.cfg is the rendering of the templates for docker-compose's replicas", async (t) => {
  const expected = renderHaproxyConfig({
    nameserver: "127.0.0.11:53",
    proxies: SERVICES.map((s) => ({ name: s, bind: `:${COMPOSE_PORTS[s]}`, servers: { dns: `${s}:${COMPOSE_PORTS[s]}`, slots: 3 } })),
  });
  const committed = readFileSync(join(ROOT, "infra/haproxy/compose.cfg"), "utf8");
  t.equal(committed, expected, "render it again: node scripts/haproxy-config.ts --out infra/haproxy/compose.cfg --dns 3 --nameserver 127.0.0.11:53 catalog=:3001=catalog:3001 inventory=:3002=inventory:3002 order=:3003=order:3003 notification=:3005=notification:3005 cart=:3004=cart:3004 gateway=:3000=gateway:3000");
  t.match(committed, /server-template gateway 3 gateway:3000 check resolvers dns init-addr none/);
  const compose = readFileSync(join(ROOT, "docker-compose.yml"), "utf8");
  t.match(compose, /\.\/infra\/haproxy\/compose\.cfg:\/usr\/local\/etc\/haproxy\/haproxy\.cfg:ro/, "compose mounts it into the haproxy service");
  for (const s of SERVICES) t.match(compose, new RegExp(`image: drops/app:${s}\\n {4}deploy: \\*replicated`), `${s} replicated`);
  for (const s of SERVICES.filter((x) => x !== "gateway")) t.match(compose, new RegExp(`${s.toUpperCase()}_URL: http://haproxy:${COMPOSE_PORTS[s]}`), `${s} reached through the balancer`);
});
