/**
 * Writes an HAProxy configuration for the platform (scripts/haproxy/render.ts, from the templates of
 * infra/haproxy/). One argument per service:
 *   node scripts/haproxy-config.ts --out .run/haproxy.cfg [--socket .run/haproxy.sock] \
 *     gateway=127.0.0.1:3000=127.0.0.1:3010,127.0.0.1:3011,127.0.0.1:3012 catalog=...
 *   node scripts/haproxy-config.ts --out infra/haproxy/compose.cfg --dns 3 --nameserver 127.0.0.11:53 \
 *     gateway=:3000=gateway:3000 ...        (each instance list is one DNS name, up to 3 replicas)
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { renderHaproxyConfig, type ProxySpec } from "./haproxy/render.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: "string" }, socket: { type: "string" }, dns: { type: "string" }, nameserver: { type: "string" } },
});
if (values.out === undefined || positionals.length === 0) {
  process.stderr.write("usage: node scripts/haproxy-config.ts --out FILE [--socket PATH] [--dns SLOTS --nameserver HOST:PORT] NAME=BIND=SERVER[,SERVER...] ...\n");
  process.exit(2);
}
const slots = values.dns === undefined ? undefined : Number(values.dns);
const proxies: ProxySpec[] = positionals.map((arg) => {
  const [name, bind, servers] = arg.split("=");
  if (!name || !bind || !servers) throw new Error(`bad proxy argument ${JSON.stringify(arg)} (NAME=BIND=SERVER[,SERVER...])`);
  return { name, bind, servers: slots === undefined ? servers.split(",") : { dns: servers, slots } };
});
writeFileSync(
  values.out,
  renderHaproxyConfig({ proxies, ...(values.socket ? { statsSocket: values.socket } : {}), ...(values.nameserver ? { nameserver: values.nameserver } : {}) }),
);
