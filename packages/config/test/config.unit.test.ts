import t from "tap";
import { ConfigError, bool, commonSpec, hostPorts, int, list, loadConfig, oneOf, port, str, url, num } from "../src/index.ts";

t.test("applies defaults and parses values", async (t) => {
  const cfg = loadConfig(
    { PORT: port(3000), NAME: str("x"), ON: bool(false), BROKERS: list(["a:1"]), RATE: num(0.5, { min: 0, max: 1 }) },
    { ON: "yes", BROKERS: "h1:9092, h2:9092", RATE: "0.25" },
  );
  t.same(cfg, { PORT: 3000, NAME: "x", ON: true, BROKERS: ["h1:9092", "h2:9092"], RATE: 0.25 });
});

t.test("reports every problem at once with the variable name", async (t) => {
  const err = t.throws(() =>
    loadConfig(
      { PORT: port(), LEVEL: oneOf(["a", "b"] as const), DB: url(undefined, ["postgres"]), N: int(1, { min: 1, max: 5 }), F: bool() },
      { PORT: "abc", LEVEL: "c", DB: "mysql://x", N: "9", F: "maybe" },
    ),
  ) as ConfigError;
  t.type(err, ConfigError);
  t.equal(err.problems.length, 5);
  t.match(err.message, /PORT="abc" is invalid: not an integer/);
  t.match(err.message, /LEVEL="c" is invalid/);
  t.match(err.message, /DB="mysql:\/\/x" is invalid: protocol must be one of postgres/);
  t.match(err.message, /N="9" is invalid: out of range 1..5/);
  t.match(err.message, /F="maybe" is invalid: not a boolean/);
});

t.test("required values without default are reported", async (t) => {
  t.throws(() => loadConfig({ SECRET: str() }, {}), /SECRET is required/);
  t.throws(() => loadConfig({ L: list() }, { L: " , " }), /empty list/);
  t.throws(() => loadConfig({ U: url() }, { U: "not a url" }), /not a URL/);
  t.throws(() => loadConfig({ R: num() }, { R: "x" }), /not a number/);
  t.throws(() => loadConfig({ R: num(undefined, { max: 1 }) }, { R: "2" }), /out of range/);
});

t.test("common spec has working defaults", async (t) => {
  const cfg = loadConfig(commonSpec, {});
  t.equal(cfg.KAFKA_BROKERS[0], "127.0.0.1:9092");
  t.equal(cfg.NODE_ENV, "development");
});

t.test("hostPorts: a host:port list, each bad item named; empty is the default", async (t) => {
  const spec = { NODES: hostPorts([], "cluster nodes") };
  t.same(loadConfig(spec, {}), { NODES: [] });
  t.same(loadConfig(spec, { NODES: "127.0.0.1:7000, redis-a:7001,[::1]:7002" }), { NODES: ["127.0.0.1:7000", "redis-a:7001", "[::1]:7002"] });
  const err = t.throws(() => loadConfig(spec, { NODES: "127.0.0.1:7000,redis://h:1,h:0,h:70000,nohost" })) as ConfigError;
  t.match(err.message, /NODES=".*" is invalid: not host:port: "redis:\/\/h:1", "h:0", "h:70000", "nohost" \(cluster nodes\)/);
});

