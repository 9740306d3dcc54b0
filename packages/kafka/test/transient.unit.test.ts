// Broker-free: which failures are transient (retried until they pass) and which permanent (dead-lettered).
import t from "tap";
import { TransientError, classifyFailure, isTransient } from "../src/index.ts";

const withCode = (code: string, message = "x"): Error => Object.assign(new Error(message), { code });
const named = (name: string, message = "x"): Error => Object.assign(new Error(message), { name });

t.test("a dependency down or timing out is transient", async (t) => {
  const cases: [string, unknown][] = [
    ["TransientError", new TransientError("try later")],
    ["a TransientError wrapping a cause", new TransientError("wrapped", { cause: new Error("x") })],
    ["connection refused", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["connection reset", withCode("ECONNRESET")],
    ["socket timeout", withCode("ETIMEDOUT")],
    ["localhost refused on every address (AggregateError)", new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "")],
    ["PostgreSQL admin shutdown 57P01", withCode("57P01", "terminating connection due to administrator command")],
    ["PostgreSQL cannot connect now 57P03", withCode("57P03", "the database system is starting up")],
    ["PostgreSQL connection failure 08006", withCode("08006")],
    ["PostgreSQL connection does not exist 08003", withCode("08003")],
    ["PostgreSQL too many connections", withCode("53300")],
    ["PostgreSQL serialization failure", withCode("40001")],
    ["PostgreSQL deadlock", withCode("40P01")],
    ["pg: Connection terminated unexpectedly", new Error("Connection terminated unexpectedly")],
    ["pg-pool: connect timeout", new Error("timeout exceeded when trying to connect")],
    ["Prisma can't reach the database", withCode("P1001")],
    ["Prisma pool timeout", withCode("P2024")],
    ["Prisma initialization", named("PrismaClientInitializationError")],
    ["Prisma through the pg adapter, no code", named("PrismaClientKnownRequestError", "Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:43905`")],
    ["Prisma pool exhausted", named("PrismaClientKnownRequestError", "Timed out fetching a new connection from the connection pool.")],
    ["ioredis: connection closed", new Error("Connection is closed.")],
    ["ioredis: no offline queue", new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ["ioredis: command timeout", new Error("Command timed out")],
    ["ioredis: max retries per request", named("MaxRetriesPerRequestError")],
    ["Redis loading", new Error("LOADING Redis is loading the dataset in memory")],
    ["Redis cluster down", new Error("CLUSTERDOWN The cluster is down")],
    ["kafkajs connection error", named("KafkaJSConnectionError")],
    ["kafkajs request timeout", named("KafkaJSRequestTimeoutError")],
    ["kafkajs retriable protocol error", Object.assign(named("KafkaJSProtocolError"), { retriable: true })],
    ["AbortSignal.timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError")],
    ["another service answered 503", Object.assign(new Error("unavailable"), { statusCode: 503 })],
    ["another service answered 504", Object.assign(new Error("gateway timeout"), { status: 504 })],
    ["a driver error wrapping a refused connection", new Error("query failed", { cause: withCode("ECONNREFUSED") })],
  ];
  for (const [what, err] of cases) t.equal(classifyFailure(err), "transient", what);
});

t.test("what can never succeed on retry is permanent", async (t) => {
  const cases: [string, unknown][] = [
    ["a plain bug", new Error("cannot read properties of undefined")],
    ["a TypeError", new TypeError("x is not a function")],
    ["a validation failure", Object.assign(new Error("invalid"), { code: "VALIDATION_FAILED", statusCode: 400 })],
    ["PostgreSQL unique violation", withCode("23505")],
    ["PostgreSQL syntax error", withCode("42601")],
    ["PostgreSQL undefined table", withCode("42P01")],
    ["PostgreSQL check violation", withCode("23514")],
    ["a non-retriable kafkajs error", Object.assign(named("KafkaJSProtocolError"), { retriable: false })],
    ["another service answered 404", Object.assign(new Error("not found"), { statusCode: 404 })],
    ["another service answered 500", Object.assign(new Error("boom"), { statusCode: 500 })],
    ["a Redis script error", new Error("ERR Error running script")],
    ["an AggregateError mixing a bug with a refusal", new AggregateError([withCode("ECONNREFUSED"), new TypeError("bug")])],
    ["an empty AggregateError", new AggregateError([])],
    ["a thrown string", "nope"],
    ["undefined", undefined],
    ["null", null],
  ];
  for (const [what, err] of cases) t.equal(classifyFailure(err), "permanent", what);
});

t.test("a cycle in the cause chain ends the search", async (t) => {
  const a = new Error("a") as Error & { cause?: unknown };
  const b = new Error("b", { cause: a });
  a.cause = b;
  t.equal(isTransient(a), false);
});
