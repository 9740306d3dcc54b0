import t from "tap";
import { withTestSchema } from "@drops/db/testing";
import { buildApp } from "../src/app.ts";
import { openClients } from "../src/clients.ts";
import { readConfig } from "../src/config.ts";
import { migrationsDir } from "./helpers.ts";
import { testKafka, testTopic } from "@drops/kafka/testing";
import { uniqueName } from "@drops/testing";

t.test("the start-up workers ensure the admin from ADMIN_EMAIL / ADMIN_PASSWORD, idempotently", async (t) => {
  const schema = await withTestSchema(migrationsDir, { prefix: "catalogw" });
  t.teardown(schema.cleanup);
  const config = readConfig({
    LOG_LEVEL: "silent", DATABASE_URL: schema.url, DB_SCHEMA: schema.schema, ADMIN_EMAIL: "Root@Test.Local", ADMIN_PASSWORD: "root-password",
    CONSUMER_GROUP: uniqueName("catalogw"), CATALOG_KEY_PREFIX: `${uniqueName("catalogw")}:`,
  });
  const clients = openClients(config);
  // The stock-change consumers on a topic of this test only (never the platform's, never its groups).
  const { topic } = await testTopic(t, testKafka("catalogw"), "catalogw_stock_changes");
  const { app, workers } = await buildApp(config, clients, { topics: { stockChanges: topic } });
  t.teardown(() => app.close());
  t.equal(await clients.db.user.count(), 0, "building the app seeds nothing");
  await workers!.start();
  await workers!.start();
  await workers!.stop();
  await t.resolves(workers!.stop(), "stopping twice is harmless");
  const admins = await clients.db.user.findMany();
  t.same(admins.map((u) => ({ email: u.email, roles: u.roles })), [{ email: "root@test.local", roles: ["buyer", "admin"] }]);
  const login = await app.inject({ method: "POST", url: "/users/login", payload: { email: "root@test.local", password: "root-password" } });
  t.equal(login.statusCode, 200);
});

t.test("a database that is not reachable is logged, not fatal", async (t) => {
  const config = readConfig({ LOG_LEVEL: "silent", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/drops", CONSUMER_GROUP: uniqueName("catalogw") });
  const { topic } = await testTopic(t, testKafka("catalogw"), "catalogw_stock_changes");
  const { app, workers } = await buildApp(config, undefined, { topics: { stockChanges: topic } });
  t.teardown(() => app.close());
  await t.resolves(workers!.start());
  await workers!.stop();
});
