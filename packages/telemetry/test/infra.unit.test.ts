/**
 * infra/ checked without Docker: the Grafana dashboard against the provisioning format (valid JSON,
 * every panel with a type, a grid position, the provisioned Prometheus datasource and targets with
 * an expr; every metric it queries is created somewhere in the code), the provisioning files, the
 * scrape config's targets, the collector's pipeline, and `docker-compose config -q` (Debian's
 * docker-compose; when it is not installed the check says so and passes without it).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

type Target = { refId?: string; expr?: string; datasource?: { type?: string; uid?: string } };
type Panel = { id?: number; type?: string; title?: string; gridPos?: { h: number; w: number; x: number; y: number }; datasource?: { type?: string; uid?: string }; targets?: Target[] };
type Dashboard = { uid?: string; title?: string; schemaVersion?: number; panels?: Panel[]; templating?: { list: { name: string; query?: unknown }[] } };

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "test" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

const code = [...sourceFiles(join(ROOT, "packages")), ...sourceFiles(join(ROOT, "services"))].map((f) => readFileSync(f, "utf8")).join("\n");

/** Prometheus names of the OpenTelemetry instruments: counters get _total, histograms _bucket/_sum/_count. */
const baseName = (metric: string) => metric.replace(/_(total|bucket|count|sum)$/, "");

t.test("the dashboard is a provisionable Grafana dashboard querying metrics the code creates", async (t) => {
  const dash = JSON.parse(read("infra/grafana/dashboards/drops.json")) as Dashboard;
  t.type(dash.uid, "string");
  t.type(dash.title, "string");
  t.type(dash.schemaVersion, "number");
  const panels = dash.panels ?? [];
  t.ok(panels.length >= 7);
  const ids = new Set<number>();
  const datasources = read("infra/grafana/provisioning/datasources/datasources.yml");
  const metrics = new Set<string>();
  for (const p of panels) {
    t.type(p.id, "number", `${p.title}: id`);
    t.notOk(ids.has(p.id!), `${p.title}: unique id`);
    ids.add(p.id!);
    t.ok(p.type && ["timeseries", "stat", "gauge", "table", "bargauge"].includes(p.type), `${p.title}: a panel type`);
    t.ok(p.gridPos && p.gridPos.w > 0 && p.gridPos.w <= 24 && p.gridPos.h > 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title}: gridPos`);
    t.equal(p.datasource?.type, "prometheus", `${p.title}: datasource`);
    t.match(datasources, new RegExp(`uid: ${p.datasource?.uid}\\b`), `${p.title}: the datasource uid is provisioned`);
    t.ok((p.targets ?? []).length > 0, `${p.title}: targets`);
    for (const target of p.targets ?? []) {
      t.type(target.refId, "string");
      t.ok(target.expr && target.expr.length > 0, `${p.title}: expr`);
      for (const m of target.expr!.matchAll(/\bdrops_[a-z0-9_]+/g)) metrics.add(m[0]);
    }
  }
  for (const title of ["attempts", "latency p99", "Stock", "Holds", "Saga outcomes", "Saga duration p99", "consumer lag", "Dead letters"]) {
    t.ok(panels.some((p) => p.title?.toLowerCase().includes(title.toLowerCase())), `a panel for ${title}`);
  }
  for (const metric of metrics) t.ok(code.includes(`"${baseName(metric)}"`), `${metric} is created in the code (${baseName(metric)})`);
  const variable = dash.templating?.list.find((v) => v.name === "drop");
  t.ok(variable, "a drop variable");
});

t.test("provisioning, scrape config and collector", async (t) => {
  const providers = read("infra/grafana/provisioning/dashboards/dashboards.yml");
  t.match(providers, /apiVersion: 1/);
  t.match(providers, /type: file/);
  t.match(providers, /path: \/var\/lib\/grafana\/dashboards/);
  const compose = read("docker-compose.yml");
  t.match(compose, /\.\/infra\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards/);
  const scrape = read("infra/prometheus/prometheus.yml");
  for (const target of ["gateway:9464", "catalog:3001", "inventory:3002", "order:3003", "cart:3004", "notification:3005"]) t.match(scrape, target);
  const collector = read("infra/otel/collector.yaml");
  t.match(collector, /tail_sampling/);
  t.match(collector, /drops\.sampling\.force/);
  t.match(collector, /processors: \[memory_limiter, tail_sampling, batch\]/);
  t.match(compose, /otel-collector:/);
  t.match(compose, /infra\/otel\/collector\.yaml/);
});

t.test("docker-compose config -q", async (t) => {
  const which = spawnSync("sh", ["-c", "command -v docker-compose"], { encoding: "utf8" });
  // scripts/test.sh installs it (ensure_docker_compose): without it the compose file is unchecked, a failure.
  if (which.status !== 0) {
    t.fail("docker-compose is not installed (Debian: apt-get install docker-compose; scripts/test.sh installs it): docker-compose.yml was not validated");
    return;
  }
  // The variables compose requires (secrets, no committed defaults), set to throwaway values.
  const required = [...read("docker-compose.yml").matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!);
  const env = { ...process.env, ...Object.fromEntries(required.map((v) => [v, "config-check-0123456789abcdef0123456789abcdef"])) };
  const out = spawnSync(which.stdout.trim(), ["config", "-q"], { cwd: ROOT, env, encoding: "utf8" });
  t.equal(out.status, 0, out.stderr);
});
