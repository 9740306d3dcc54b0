/**
 * The HAProxy configuration of the platform, from infra/haproxy/haproxy.cfg.template and one
 * infra/haproxy/proxy.cfg.template per service: a frontend on the service's public address and a
 * backend of its instances, each health-checked on GET /ready and listed a second time as an
 * unchecked backup (used only when none is ready). Instances are fixed addresses (scripts/up.sh, the
 * e2e balancer) or a DNS name that resolves to every replica (docker-compose: `server-template`).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../../infra/haproxy/", import.meta.url));

/** One service behind the balancer: where it listens, and its instances. */
export type ProxySpec = {
  name: string;
  /** HAProxy `bind` address, e.g. `127.0.0.1:3000` or `:3000`. */
  bind: string;
  /** Fixed `host:port` instances, or a DNS name resolving to every replica (up to `slots`). */
  servers: string[] | { dns: string; slots: number };
};

export type RenderOptions = {
  proxies: ProxySpec[];
  /** Path of the runtime API socket (`set server ... state drain`, `show servers state`). */
  statsSocket?: string;
  /** The DNS server of `{ dns }` instances (docker's embedded one is 127.0.0.11:53). */
  nameserver?: string;
};

const NAME = /^[a-z][a-z0-9-]*$/;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`haproxy template: no value for {{${key}}}`);
    return v;
  });
}

function serverLines(p: ProxySpec): string[] {
  if (Array.isArray(p.servers)) {
    if (p.servers.length === 0) throw new Error(`haproxy: ${p.name} has no instances`);
    return [
      ...p.servers.map((addr, i) => `    server ${p.name}${i + 1} ${addr} check`),
      ...p.servers.map((addr, i) => `    server ${p.name}${i + 1}-fallback ${addr} backup`),
    ];
  }
  const { dns, slots } = p.servers;
  return [
    `    server-template ${p.name} ${slots} ${dns} check resolvers dns init-addr none`,
    `    server-template ${p.name}-fallback ${slots} ${dns} backup resolvers dns init-addr none`,
  ];
}

export function renderHaproxyConfig(opts: RenderOptions): string {
  const main = readFileSync(`${DIR}haproxy.cfg.template`, "utf8");
  const proxy = readFileSync(`${DIR}proxy.cfg.template`, "utf8");
  for (const p of opts.proxies) if (!NAME.test(p.name)) throw new Error(`haproxy: bad proxy name ${JSON.stringify(p.name)}`);
  const usesDns = opts.proxies.some((p) => !Array.isArray(p.servers));
  if (usesDns && opts.nameserver === undefined) throw new Error("haproxy: DNS instances need a nameserver");
  const global = opts.statsSocket ? `    stats socket ${opts.statsSocket} mode 600 level admin` : "";
  const resolvers = usesDns ? `\nresolvers dns\n    nameserver dns ${opts.nameserver}\n    hold valid 5s\n` : "";
  const proxies = opts.proxies.map((p) => fill(proxy, { name: p.name, bind: p.bind, servers: serverLines(p).join("\n") })).join("");
  return fill(main, { global, proxies: `${resolvers}${proxies}` });
}
