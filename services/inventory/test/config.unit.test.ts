import t from "tap";
import { readConfig } from "../src/config.ts";

t.test("STOCK_REDIS_CLUSTER_NODES: empty by default (the stock on REDIS_URL), else the checked node list", async (t) => {
  t.same(readConfig({}).STOCK_REDIS_CLUSTER_NODES, []);
  t.same(readConfig({ STOCK_REDIS_CLUSTER_NODES: "127.0.0.1:7000,127.0.0.1:7001" }).STOCK_REDIS_CLUSTER_NODES, ["127.0.0.1:7000", "127.0.0.1:7001"]);
  t.throws(() => readConfig({ STOCK_REDIS_CLUSTER_NODES: "127.0.0.1" }), /STOCK_REDIS_CLUSTER_NODES="127.0.0.1" is invalid: not host:port/);
});

t.test("Redlock on independent nodes: a REDLOCK_URLS entry that is a node of the stock cluster is refused", async (t) => {
  const cluster = { STOCK_REDIS_CLUSTER_NODES: "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002" };
  t.same(readConfig({ ...cluster }).REDLOCK_URLS, ["redis://127.0.0.1:6379"], "the default lock node is not a cluster node");
  t.same(readConfig({ ...cluster, REDLOCK_URLS: "redis://10.0.0.1:6379,redis://10.0.0.2:6379,redis://10.0.0.3:6379" }).REDLOCK_URLS.length, 3);
  t.throws(() => readConfig({ ...cluster, REDLOCK_URLS: "redis://127.0.0.1:6379,redis://localhost:7001" }), /REDLOCK_URLS must name independent Redis nodes.*redis:\/\/localhost:7001/);
});
