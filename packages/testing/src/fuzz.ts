/**
 * Property-based fuzzing of HTTP routes (fast-check), with generators derived from the routes' own
 * JSON schemas. `discoverRoutes` walks an app's registered routes (fastify's route table, and each
 * route's `schema` as fastify holds it); `requestFor` turns one route into an arbitrary of requests
 * (valid-shaped values, boundaries, wrong types, extra and missing properties, huge and hostile
 * strings, malformed JSON, wrong content types, path params that are not ids, odd query strings,
 * duplicated headers, bad Idempotency-Keys and credentials); `fuzzRoutes` sends `numRuns` of them
 * per route through `app.inject` and collects every answer that breaks the contract: a 5xx, or a
 * 4xx whose body is not JSON `{code, message}` with a code of the catalogue and that code's status.
 *
 * Runs are reproducible: FUZZ_SEED (default a fixed seed) and FUZZ_RUNS (default 1000 per route);
 * FUZZ_ROUTE=<substring> fuzzes only the matching routes. Every problem is reported with the seed,
 * the route and the request that caused it.
 */
import { createHmac, randomUUID } from "node:crypto";
import fc from "fast-check";

/** The JSON-schema subset the routes use (anything else generates free JSON). */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  nullable?: boolean;
  default?: unknown;
};

export type RouteSchema = { body?: JsonSchema; querystring?: JsonSchema; params?: JsonSchema; headers?: JsonSchema };
export type Route = { method: string; url: string; schema: RouteSchema };

/** What an answer of `app.inject` looks like (fastify's, without depending on fastify). */
export type InjectResponse = {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  raw: { res: { destroy: () => void } };
  stream: () => NodeJS.ReadableStream & { destroy: () => void };
};

export type InjectRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  payloadAsStream?: boolean;
};

/** The part of a fastify instance used here. */
export type FuzzApp = {
  inject: (req: InjectRequest) => Promise<InjectResponse>;
  printRoutes: (opts: { commonPrefix: boolean }) => string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addHook: (name: "onRequest" | "onSend", fn: (request: any, reply: any) => Promise<unknown>) => unknown;
  ready: () => PromiseLike<unknown>;
};

/**
 * A request identity: the headers that make the caller who it is (a token, a signed internal
 * assertion); a function when they must be fresh for each case (short-lived assertions).
 */
export type Credential = { name: string; headers: Record<string, string> | (() => Record<string, string>); forged?: boolean };

const headersOf = (c: Credential): Record<string, string> => (typeof c.headers === "function" ? c.headers() : c.headers);

export type FuzzContext = {
  /** Known-good values by property or path-param name (ids of real rows, the caller's own ids...). */
  known?: Record<string, readonly unknown[]>;
  /** The credentials to send: valid ones and forged ones, each picked with equal weight (plus none). */
  credentials: readonly Credential[];
  /** Extra headers some cases add (e.g. an Admission-Token). */
  extraHeaders?: readonly Credential[];
};

export type FuzzCase = { route: Route; request: InjectRequest; response: InjectResponse; body: unknown };

export type FuzzProblem = { route: string; signature: string; count: number; example: { request: InjectRequest; status: number; body: string } };

export type FuzzReport = { routes: number; cases: number; seed: number; numRuns: number; ms: number; problems: FuzzProblem[]; statuses: Record<string, number>; msPerRoute: Record<string, number> };

/** Runs per route (FUZZ_RUNS, default 1000). */
export function fuzzRuns(): number {
  const n = Number(process.env["FUZZ_RUNS"] ?? 1000);
  return Number.isInteger(n) && n > 0 ? n : 1000;
}

/** The base seed (FUZZ_SEED, default fixed so a run is replayable; the route's index is added). */
export function fuzzSeed(): number {
  const s = Number(process.env["FUZZ_SEED"] ?? 20_261_212);
  return Number.isInteger(s) ? s : 20_261_212;
}

/** A test file's timeout for `routes` routes of FUZZ_RUNS cases (a generous 20 ms a case, at least 5 min). */
export function fuzzTimeout(routes = 60): number {
  return Math.max(300_000, routes * fuzzRuns() * 20);
}

// ---------------------------------------------------------------------------------------------
// Route discovery

const PROBE_HEADER = "x-fuzz-probe";

/**
 * Adds the probe hook (call before `app.ready()`); `routes()` (after ready) lists every route of
 * the app with its schema: the route table from `printRoutes`, each route's schema read from
 * `request.routeOptions` by one probe request that the hook answers (204) before any handler runs.
 * HEAD routes fastify adds for GET are left out.
 */
export function routeDiscovery(app: FuzzApp): { routes: () => Promise<Route[]> } {
  const nonce = randomUUID();
  const seen = new Map<string, Route>();
  type Req = { headers: Record<string, unknown>; routeOptions: { url?: string; schema?: RouteSchema } };
  const record = (request: Req): boolean => {
    if (request.headers[PROBE_HEADER] !== nonce) return false;
    const { url, schema } = request.routeOptions;
    const method = String(request.headers["x-fuzz-method"]);
    if (url !== undefined) seen.set(`${method} ${url}`, { method, url, schema: schema ?? {} });
    return true;
  };
  // Answered before any handler when this hook is reached; an earlier onRequest hook that refuses the
  // probe (an identity check) is fine too: onSend still sees the route.
  app.addHook("onRequest", async (request: Req, reply: { code: (n: number) => { send: () => unknown } }) => {
    if (!record(request)) return;
    reply.code(204).send();
    return reply;
  });
  app.addHook("onSend", async (request: Req) => {
    record(request);
  });
  return {
    routes: async () => {
      const table = parseRouteTable(app.printRoutes({ commonPrefix: false }));
      for (const r of table) {
        if (r.method === "HEAD") continue;
        const url = fillPath(r.url, () => "00000000-0000-4000-8000-000000000000");
        await app.inject({ method: r.method, url, headers: { [PROBE_HEADER]: nonce, "x-fuzz-method": r.method } });
      }
      return table.filter((r) => r.method !== "HEAD").map((r) => seen.get(`${r.method} ${r.url}`) ?? { ...r, schema: {} });
    },
  };
}

/** `printRoutes({ commonPrefix: false })` as method + full path pairs. */
export function parseRouteTable(printed: string): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of printed.split("\n")) {
    const m = /^(.*?)(?:├── |└── )(\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? "") + m[2]!;
    stack[depth] = path;
    for (const method of (m[3] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) out.push({ method, url: path });
  }
  return out;
}

/** The operations of an OpenAPI document as `METHOD /path/:param` (to check every one is fuzzed). */
export function openApiOperations(doc: { paths?: Record<string, Record<string, unknown>> }): string[] {
  const ops: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of Object.keys(item)) {
      if (["get", "post", "put", "patch", "delete"].includes(method)) ops.push(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`);
    }
  }
  return ops.sort();
}

function fillPath(url: string, value: (name: string) => string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => value(name)).replace(/\*$/, () => value("*"));
}

// ---------------------------------------------------------------------------------------------
// Values

/** Strings that break naive code: NUL and control characters, unicode edge cases, injections, huge. */
export const HOSTILE_STRINGS: readonly string[] = [
  "", " ", "\t", "\u0000", "a\u0000b", "\u0001\u0002\u001f\u007f", "\r\n", "\u202e\u0645abc", "\ud800", "\udfff\ud800",
  "\ufeff", "😀".repeat(64), "👩‍👩‍👧‍👦", "e\u0301", "İıﬀß", "١٢٣", "null", "true", "undefined", "NaN", "-0", "1e309", "0x1F",
  "'; drop table users; --", "\" OR 1=1 --", "<script>alert(1)</script>", "../../../etc/passwd", "%00", "%", "${jndi:ldap://x/a}",
  "{{7*7}}", "__proto__", "constructor", "x".repeat(10_000), "é".repeat(3000),
];

/** Property names a client should never get to set (mass assignment) and prototype keys. */
const EXTRA_KEYS = ["isAdmin", "roles", "role", "sellerId", "userId", "buyerId", "status", "id", "createdAt", "__proto__", "constructor", "prototype", "stock", "price", "x"];

/** Raw bodies that are not valid JSON or are JSON of the wrong shape. */
export const RAW_BODIES: readonly string[] = [
  "", "{", "}", "[", "{\"a\":", "{'a':1}", "{a:1}", "nul", "tru", "\"unterminated", "{\"a\":1,}", "[1,]", "NaN", "Infinity",
  "null", "true", "0", "-1", "1e400", "\"s\"", "[]", "[{}]", "{}", "{\"__proto__\":{\"isAdmin\":true}}", "{\"constructor\":{\"prototype\":{\"x\":1}}}",
  "{\"a\":1,\"a\":2}", "\ufeff{}", "\u0000", "{\"k\":\"\\u0000\"}", "{\"k\":\"\\ud800\"}", "[".repeat(5000) + "]".repeat(5000),
  "{\"a\":".repeat(2000) + "1" + "}".repeat(2000), "{}".repeat(1000), "\u00ff\u00fe{}", "<xml/>", "a=1&b=2", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--",
];

const CONTENT_TYPES = [
  "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data", "application/xml",
  "application/json; charset=utf-16", "application/json; charset=latin1", "application/jsonx", "json", "", ";;;", "application/*",
  "image/png", "application/octet-stream", "application/json, text/plain", "APPLICATION/JSON",
];

const NOT_IDS = [
  "abc", "1", "0", "-1", "1.5", "null", "undefined", "true", "%00", "%E0%A4%A", "%FF", "..", "%2e%2e", "%2F", "a%2Fb", "%20", "+",
  "x".repeat(300), "%F0%9F%98%80", "__proto__", "constructor", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "00000000-0000-4000-8000-00000000000", "00000000-0000-4000-8000-0000000000000", "{00000000-0000-4000-8000-000000000000}",
  "00000000000040008000000000000000", "%3Cscript%3E", "9".repeat(40), "me", "%0D%0AX-Injected:%201",
];

const BAD_KEYS = ["", " ", "x".repeat(201), "x".repeat(5000), "a\u0001b", "ü", "😀", "key with spaces ", "a,b", "\t", "k".repeat(8)];

function lengthOf(s: string): number {
  return [...s].length;
}

/** An arbitrary of values valid for `schema` (as far as the schema says), known values mixed in by `name`. */
export function validValue(schema: JsonSchema | undefined, ctx: Pick<FuzzContext, "known">, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const base = validBase(schema ?? {}, ctx, depth);
  const known = name !== undefined ? ctx.known?.[name] : undefined;
  if (known !== undefined && known.length > 0) return fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, { arbitrary: base, weight: 1 });
  return base;
}

function validBase(s: JsonSchema, ctx: Pick<FuzzContext, "known">, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum !== undefined && s.enum.length > 0) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts !== undefined && alts.length > 0) return fc.oneof(...alts.map((a) => validBase(a, ctx, depth)));
  if (s.allOf !== undefined && s.allOf.length > 0) return validBase(Object.assign({}, ...s.allOf) as JsonSchema, ctx, depth);
  const types = Array.isArray(s.type) ? s.type : s.type !== undefined ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => validBase({ ...s, type }, ctx, depth)));
  const nullable = s.nullable === true ? (a: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: a, weight: 5 }, { arbitrary: fc.constant(null), weight: 1 }) : (a: fc.Arbitrary<unknown>) => a;
  switch (types[0] ?? (s.properties ? "object" : undefined)) {
    case "string":
      return nullable(validString(s));
    case "integer": {
      const min = s.exclusiveMinimum !== undefined ? Math.floor(s.exclusiveMinimum) + 1 : (s.minimum ?? -1_000_000);
      const max = s.exclusiveMaximum !== undefined ? Math.ceil(s.exclusiveMaximum) - 1 : (s.maximum ?? 1_000_000);
      return nullable(fc.oneof({ arbitrary: fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), weight: 3 }, { arbitrary: fc.constantFrom(min, max), weight: 1 }));
    }
    case "number": {
      const min = s.minimum ?? s.exclusiveMinimum ?? -1e6;
      const max = s.maximum ?? s.exclusiveMaximum ?? 1e6;
      return nullable(fc.double({ min, max, noNaN: true, noDefaultInfinity: true, minExcluded: s.exclusiveMinimum !== undefined, maxExcluded: s.exclusiveMaximum !== undefined }));
    }
    case "boolean":
      return nullable(fc.boolean());
    case "null":
      return fc.constant(null);
    case "array": {
      const minLength = s.minItems ?? 0;
      return nullable(fc.array(validValue(s.items, ctx, undefined, depth + 1), { minLength, maxLength: Math.min(s.maxItems ?? minLength + 4, minLength + 4) }));
    }
    case "object": {
      const props = s.properties ?? {};
      const keys = Object.keys(props);
      if (keys.length === 0) return nullable(s.additionalProperties === false ? fc.constant({}) : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }));
      const model = Object.fromEntries(keys.map((k) => [k, validValue(props[k], ctx, k, depth + 1)]));
      return nullable(fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) }));
    }
    default:
      return depth > 2 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function validString(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = s.maxLength ?? 10_000;
  const fits = (v: string) => lengthOf(v) >= minLength && lengthOf(v) <= maxLength;
  switch (s.format) {
    case "uuid":
      return fc.uuid();
    case "date-time":
      return fc.oneof(
        fc.integer({ min: -3600, max: 30 * 24 * 3600 }).map((sec) => new Date(Date.now() + sec * 1000).toISOString()),
        fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2999-12-31T23:59:59Z"), noInvalidDate: true }).map((d) => d.toISOString()),
      );
    case "email":
      return fc.emailAddress().filter(fits);
    default:
  }
  if (s.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern, "u");
    } catch {
      re = undefined;
    }
    if (re !== undefined) {
      // An anchored pattern defines the whole string; an unanchored one (e.g. "\S") only a part of it.
      const anchored = s.pattern.startsWith("^") && s.pattern.endsWith("$");
      const core = fc.stringMatching(re, { size: "xsmall" });
      const grown = anchored ? core : fc.tuple(fc.string({ maxLength: 6 }), core, fc.string({ maxLength: 6 })).map(([a, b, c]) => a + b + c);
      return fc.oneof(grown, core).map((v) => (lengthOf(v) > maxLength ? [...v].slice(0, maxLength).join("") : v)).filter((v) => fits(v) && re.test(v));
    }
  }
  const cap = Math.min(maxLength, minLength + 40);
  return fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength: cap }), weight: 4 },
    { arbitrary: fc.string({ minLength, maxLength: cap, unit: "grapheme" }).filter(fits), weight: 1 },
    { arbitrary: fc.constant("x".repeat(Math.max(minLength, Math.min(maxLength, 5000)))), weight: 1 },
  );
}

/** Values of the wrong type or outside the schema's bounds. */
export function invalidValue(s: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const schema = s ?? {};
  const types = Array.isArray(schema.type) ? schema.type : schema.type !== undefined ? [schema.type] : [];
  const generic: fc.Arbitrary<unknown>[] = [
    fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.constant([]), fc.constant({}), fc.constantFrom(...HOSTILE_STRINGS),
    fc.array(fc.string(), { maxLength: 3 }), fc.constant({ nested: { deep: [null, { a: 1 }] } }), fc.constant(2 ** 53 + 1), fc.constant(-0),
  ];
  const specific: fc.Arbitrary<unknown>[] = [];
  if (types.includes("string")) {
    if (schema.maxLength !== undefined) specific.push(fc.constant("y".repeat(schema.maxLength + 1)), fc.constant("😀".repeat(schema.maxLength + 1)));
    if (schema.minLength !== undefined && schema.minLength > 0) specific.push(fc.constant("y".repeat(schema.minLength - 1)));
    if (schema.format === "uuid") specific.push(fc.constantFrom(...NOT_IDS));
    if (schema.format === "date-time") specific.push(fc.constantFrom("2025-13-01T00:00:00Z", "yesterday", "2025-01-01", "0", "9999-99-99T99:99:99Z", "2025-02-30T00:00:00Z", "1e10", "+275760-09-13T00:00:00.001Z"));
    if (schema.format === "email") specific.push(fc.constantFrom("a", "a@", "@b", "a@b@c", "a b@c.d", "a@b.c\u0000"));
  }
  if (types.includes("integer") || types.includes("number")) {
    if (schema.minimum !== undefined) specific.push(fc.constant(schema.minimum - 1), fc.constant(schema.minimum - 0.5));
    if (schema.maximum !== undefined) specific.push(fc.constant(schema.maximum + 1), fc.constant(schema.maximum * 1000 + 1));
    specific.push(fc.constantFrom("1", "1.0", "ten", 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2));
  }
  if (schema.enum !== undefined) specific.push(fc.constantFrom("", "UNKNOWN", String(schema.enum[0]).toUpperCase(), `${String(schema.enum[0])} `));
  if (types.includes("array")) {
    specific.push(fc.constant("not-an-array"), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
    if (schema.maxItems !== undefined) specific.push(fc.constant(Array.from({ length: schema.maxItems + 1 }, () => (schema.items?.type === "string" ? "a" : 1))));
  }
  if (types.includes("object") || schema.properties) specific.push(fc.constant("an-object?"), fc.constant([{}]));
  return specific.length > 0 ? fc.oneof({ arbitrary: fc.oneof(...specific), weight: 2 }, { arbitrary: fc.oneof(...generic), weight: 1 }) : fc.oneof(...generic);
}

/** A valid-shaped object with one thing wrong: a required key gone, a value of the wrong type, an extra key. */
function mutatedObject(s: JsonSchema, ctx: Pick<FuzzContext, "known">): fc.Arbitrary<unknown> {
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  const required = (s.required ?? []).filter((k) => k in props);
  const valid = validValue(s, ctx) as fc.Arbitrary<Record<string, unknown>>;
  const ways: fc.Arbitrary<unknown>[] = [
    fc.tuple(valid, fc.constantFrom(...EXTRA_KEYS), fc.jsonValue({ maxDepth: 1 })).map(([v, k, x]) => withKey(v, k, x)),
  ];
  if (required.length > 0) ways.push(fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => omit(v, k)));
  if (keys.length > 0) {
    ways.push(fc.constantFrom(...keys).chain((k) => fc.tuple(valid, fc.constant(k), invalidValue(props[k]))).map(([v, k, x]) => withKey(v, k, x)));
    ways.push(fc.tuple(valid, fc.constantFrom(...keys), fc.constantFrom(...HOSTILE_STRINGS)).map(([v, k, x]) => withKey(v, k, x)));
  }
  return fc.oneof(...ways);
}

function withKey(v: unknown, k: string, x: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  return out;
}

function omit(v: Record<string, unknown> | null, k: string): unknown {
  if (v === null || typeof v !== "object") return v;
  const { [k]: _gone, ...rest } = v;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Requests

type Part = { headers: Record<string, string>; payload?: string };

/** encodeURIComponent that survives lone surrogates (their UTF-8 replacement is encoded instead). */
function enc(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return [...Buffer.from(v, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
  }
}

function pathFor(route: Route, ctx: FuzzContext): fc.Arbitrary<string> {
  const names = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  if (route.url.endsWith("*")) names.push("*");
  if (names.length === 0) return fc.constant(route.url);
  const paramSchemas = route.schema.params?.properties ?? {};
  const one = (name: string) =>
    fc.oneof(
      { arbitrary: validValue(paramSchemas[name] ?? { type: "string", format: "uuid" }, ctx, name).map((v) => enc(String(v))), weight: 8 },
      { arbitrary: fc.uuid().map((u) => u.toUpperCase()), weight: 1 },
      { arbitrary: fc.constantFrom(...NOT_IDS), weight: 2 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 40, unit: "binary" }).map(enc), weight: 1 },
    );
  return fc.tuple(...names.map(one)).map((values) => {
    let i = 0;
    return fillPath(route.url, () => values[i++]!);
  });
}

function queryFor(route: Route, ctx: FuzzContext): fc.Arbitrary<string> {
  const qs = route.schema.querystring;
  const props = qs?.properties ?? {};
  const keys = Object.keys(props);
  const pair = (k: string, v: unknown) => `${enc(k)}=${enc(typeof v === "string" ? v : String(JSON.stringify(v)))}`;
  const validPairs = keys.length > 0
    ? (validValue({ ...qs, type: "object" }, ctx) as fc.Arbitrary<Record<string, unknown>>).map((o) => Object.entries(o).map(([k, v]) => pair(k, Array.isArray(v) ? v.join(",") : v)))
    : fc.constant<string[]>([]);
  const oneBad: fc.Arbitrary<string[]> = keys.length > 0
    ? fc.constantFrom(...keys).chain((k) => fc.tuple(validPairs, fc.constant(k), invalidValue(props[k]))).map(([pairs, k, x]) => [...pairs, pair(k, x)])
    : fc.constant([]);
  return fc.oneof(
    { arbitrary: fc.constant(""), weight: 2 },
    { arbitrary: validPairs.map((p) => (p.length ? `?${p.join("&")}` : "")), weight: 5 },
    { arbitrary: oneBad.map((p) => `?${p.join("&")}`), weight: 4 },
    // the same key twice, arrays, an extra key, a hostile value
    { arbitrary: fc.tuple(validPairs, fc.constantFrom(...(keys.length ? keys : ["q"]))).map(([p, k]) => `?${[...p, `${k}=1`, `${k}=2`].join("&")}`), weight: 1 },
    { arbitrary: fc.tuple(validPairs, fc.constantFrom(...(keys.length ? keys : ["q"]))).map(([p, k]) => `?${[...p, `${k}[]=a`, `${k}[x]=b`].join("&")}`), weight: 1 },
    { arbitrary: fc.tuple(validPairs, fc.constantFrom(...EXTRA_KEYS)).map(([p, k]) => `?${[...p, `${enc(k)}=1`].join("&")}`), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...(keys.length ? keys : ["q"])), fc.constantFrom(...HOSTILE_STRINGS)).map(([k, v]) => `?${pair(k, v)}`), weight: 1 },
    { arbitrary: fc.constantFrom("?", "?&&&", "?=", "?=1", "?%", "?a=%E0%A4%A", "?a=%00", "?%00=1", "?a=1;b=2", "?a", "?a==b", `?x=${"y".repeat(9000)}`, "?__proto__[isAdmin]=1", "?constructor[prototype][x]=1", "?a[b][c][d][e][f]=1"), weight: 1 },
  );
}

function credentialFor(ctx: FuzzContext): fc.Arbitrary<Record<string, string>> {
  const valid = ctx.credentials.filter((c) => c.forged !== true);
  const forged = ctx.credentials.filter((c) => c.forged === true);
  return fc.oneof(
    { arbitrary: fc.constant({}), weight: 1 },
    ...(valid.length ? [{ arbitrary: fc.constantFrom(...valid).map(headersOf), weight: 7 }] : []),
    ...(forged.length ? [{ arbitrary: fc.constantFrom(...forged).map(headersOf), weight: 2 }] : []),
  );
}

function extraHeadersFor(route: Route, ctx: FuzzContext): fc.Arbitrary<Record<string, string>> {
  const wantsKey = route.method !== "GET" || Object.keys(route.schema.headers?.properties ?? {}).includes("idempotency-key");
  const key = fc.oneof(
    { arbitrary: fc.uuid().map((u) => ({ "idempotency-key": `fuzz-${u}` })), weight: 4 },
    { arbitrary: fc.constant({}), weight: 2 },
    { arbitrary: fc.constantFrom(...BAD_KEYS).map((k) => ({ "idempotency-key": k })), weight: 2 },
    { arbitrary: fc.constant({ "idempotency-key": "fuzz-dup, fuzz-dup-2" }), weight: 1 },
    { arbitrary: fc.constant({ "idempotency-key": "fuzz-replayed-key" }), weight: 1 },
  );
  const extra = ctx.extraHeaders?.length ? fc.oneof(fc.constant({}), fc.constantFrom(...ctx.extraHeaders).map(headersOf)) : fc.constant({});
  const odd = fc.oneof(
    { arbitrary: fc.constant({}), weight: 8 },
    // what a client must not be able to set: identity headers, forwarding, overrides
    { arbitrary: fc.constantFrom<Record<string, string>>(
      { "x-user-id": "00000000-0000-4000-8000-000000000001", "x-user-roles": "admin,seller,buyer" },
      { "x-user-id": "not-a-uuid", "x-user-roles": "admin" },
      { "x-forwarded-for": "1.2.3.4, 5.6.7.8" },
      { "x-http-method-override": "DELETE" },
      { "x-request-id": "x".repeat(5000) },
      { "x-request-id": "\u0001" },
      { accept: "text/html" },
      { accept: "application/xml" },
      { "accept-encoding": "gzip, br, deflate" },
      { "content-encoding": "gzip" },
      { range: "bytes=0-1" },
      { "if-none-match": "*" },
      { "last-event-id": "not-a-number" },
      { "last-event-id": "-1" },
    ), weight: 1 },
  );
  return fc.tuple(wantsKey ? key : fc.constant({}), extra, odd).map(([a, b, c]) => ({ ...a, ...b, ...c }));
}

function bodyFor(route: Route, ctx: FuzzContext): fc.Arbitrary<Part> {
  const json = (v: unknown): Part => ({ headers: { "content-type": "application/json" }, payload: JSON.stringify(v) ?? "null" });
  const s = route.schema.body;
  const hasBody = s !== undefined || ["POST", "PUT", "PATCH", "DELETE"].includes(route.method);
  if (!hasBody) {
    return fc.oneof(
      { arbitrary: fc.constant<Part>({ headers: {} }), weight: 12 },
      { arbitrary: fc.constantFrom(...RAW_BODIES.slice(0, 8)).map((p): Part => ({ headers: { "content-type": "application/json" }, payload: p })), weight: 1 },
    );
  }
  const schema = s ?? { type: "object", additionalProperties: false };
  const isObject = schema.type === "object" || schema.properties !== undefined;
  return fc.oneof(
    { arbitrary: validValue(schema, ctx).map(json), weight: 9 },
    ...(isObject ? [{ arbitrary: mutatedObject(schema, ctx).map(json), weight: 6 }] : []),
    { arbitrary: invalidValue(schema).map(json), weight: 2 },
    { arbitrary: fc.constantFrom(...RAW_BODIES).map((p): Part => ({ headers: { "content-type": "application/json" }, payload: p })), weight: 2 },
    { arbitrary: fc.tuple(validValue(schema, ctx), fc.constantFrom(...CONTENT_TYPES)).map(([v, ct]): Part => ({ headers: ct === "" ? {} : { "content-type": ct }, payload: JSON.stringify(v) ?? "" })), weight: 2 },
    { arbitrary: fc.constant<Part>({ headers: {} }), weight: 1 },
    { arbitrary: fc.constant<Part>({ headers: { "content-type": "application/json" }, payload: JSON.stringify({ blob: "x".repeat(1_100_000) }) }), weight: 1 },
  );
}

/** Every request shape for `route`: its method (now and then another one), a path, a query, headers and a body. */
export function requestFor(route: Route, ctx: FuzzContext): fc.Arbitrary<InjectRequest> {
  const method = fc.oneof({ arbitrary: fc.constant(route.method), weight: 30 }, { arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"), weight: 1 });
  return fc.tuple(method, pathFor(route, ctx), queryFor(route, ctx), credentialFor(ctx), extraHeadersFor(route, ctx), bodyFor(route, ctx)).map(([m, path, query, cred, extra, body]) => {
    const req: InjectRequest = { method: m, url: path + query, headers: { ...cred, ...extra, ...body.headers } };
    if (body.payload !== undefined && m !== "GET") req.payload = body.payload;
    return req;
  });
}

// ---------------------------------------------------------------------------------------------
// Credentials

function b64url(s: string): string {
  return Buffer.from(s).toString("base64url");
}

/** An HS256 (or `alg: none`) JWT over `claims`, signed with `secret`. */
export function jwt(claims: Record<string, unknown>, secret: string, alg: "HS256" | "none" | "HS512" = "HS256"): string {
  const head = b64url(JSON.stringify({ alg, typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  if (alg === "none") return `${head}.${body}.`;
  const sig = createHmac(alg === "HS256" ? "sha256" : "sha512", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/**
 * Forgeries of a signed JWT credential carried in `header` (`scheme` before it, e.g. "Bearer "):
 * missing parts, garbage, huge, `alg: none` and another alg over the valid claims, privileged claims
 * under the valid signature, a cut signature, duplicated, a NUL; `valid` gives a fresh valid token.
 * Forgeries that need a key (expired, another secret, another issuer or audience) are the caller's.
 */
export function forgedTokens(header: string, scheme: string, valid: () => string, privileged: Record<string, unknown>): Credential[] {
  const one = (name: string, value: () => string): Credential => ({ name, headers: () => ({ [header]: value() }), forged: true });
  const parts = () => valid().split(".") as [string, string, string];
  const claims = () => JSON.parse(Buffer.from(parts()[1], "base64url").toString("utf8")) as Record<string, unknown>;
  const reHead = (alg: string) => b64url(JSON.stringify({ alg, typ: "JWT" }));
  return [
    one("empty", () => ""),
    one("scheme-only", () => scheme.trim()),
    one("scheme-space", () => scheme),
    one("garbage", () => `${scheme}garbage`),
    one("two-parts", () => `${scheme}a.b`),
    one("huge", () => `${scheme}${"x".repeat(8000)}`),
    one("basic", () => "Basic YWRtaW46YWRtaW4="),
    one("lowercase-scheme", () => `${scheme.toLowerCase()}${valid()}`),
    one("duplicated", () => `${scheme}${valid()}, ${scheme}${valid()}`),
    one("alg-none", () => `${scheme}${reHead("none")}.${parts()[1]}.`),
    one("alg-none-privileged", () => `${scheme}${reHead("none")}.${b64url(JSON.stringify({ ...claims(), ...privileged }))}.`),
    one("hs512-header", () => `${scheme}${reHead("HS512")}.${parts()[1]}.${parts()[2]}`),
    one("tampered-payload", () => `${scheme}${parts()[0]}.${b64url(JSON.stringify({ ...claims(), ...privileged }))}.${parts()[2]}`),
    one("tampered-signature", () => `${scheme}${parts()[0]}.${parts()[1]}.${parts()[2].slice(0, -2)}xx`),
    one("no-signature", () => `${scheme}${parts()[0]}.${parts()[1]}`),
    one("nul", () => `${scheme}${valid()}\u0000`),
  ];
}

export type AssertedCaller = { userId: string; roles: ("buyer" | "seller" | "admin")[] };

/**
 * The credentials of an internal service's callers: a fresh signed assertion per case for each of
 * `callers` (and the gateway's own service call), and the forgeries it must refuse: bare identity
 * headers, an assertion for another service, expired, signed with another secret, an assertion plus
 * bare headers naming someone else, and every `forgedTokens` variant.
 */
export function assertionCredentials(opts: {
  /** This service (the audience). */
  service: string;
  header: string;
  callers: Record<string, AssertedCaller>;
  /** Signs like the gateway: for `audience`, for `caller` (none: the service's own call), at `nowMs`. */
  sign: (audience: string, caller?: AssertedCaller, nowMs?: number) => string;
  signWithOtherSecret: (audience: string, caller?: AssertedCaller) => string;
  /** Whom the forgeries claim to be. */
  admin: string;
}): Credential[] {
  const { service, header, sign } = opts;
  const victim = Object.values(opts.callers)[0]!;
  const valid = Object.entries(opts.callers).map(([name, caller]): Credential => ({ name, headers: () => ({ [header]: sign(service, caller) }) }));
  const forged = (name: string, headers: Credential["headers"]): Credential => ({ name, headers, forged: true });
  return [
    ...valid,
    { name: "service", headers: () => ({ [header]: sign(service) }) },
    forged("bare-headers", { "x-user-id": opts.admin, "x-user-roles": "admin,seller,buyer" }),
    forged("bare-bad-id", { "x-user-id": "not-a-uuid", "x-user-roles": "admin" }),
    forged("assertion-and-bare-headers", () => ({ [header]: sign(service, victim), "x-user-id": opts.admin, "x-user-roles": "admin" })),
    forged("other-audience", () => ({ [header]: sign(service === "order" ? "cart" : "order", victim) })),
    forged("expired", () => ({ [header]: sign(service, victim, Date.now() - 120_000) })),
    forged("from-the-future", () => ({ [header]: sign(service, victim, Date.now() + 3_600_000) })),
    forged("other-secret", () => ({ [header]: opts.signWithOtherSecret(service, { userId: opts.admin, roles: ["buyer", "seller", "admin"] }) })),
    ...forgedTokens(header, "", () => sign(service, victim), { sub: opts.admin, roles: ["buyer", "seller", "admin", "service"] }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Running

function contentType(headers: Record<string, unknown>): string {
  const v = headers["content-type"];
  return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : "";
}

async function send(app: FuzzApp, req: InjectRequest): Promise<InjectResponse & { text: string }> {
  const res = await app.inject({ ...req, payloadAsStream: true });
  const type = contentType(res.headers);
  const stream = res.stream();
  if (type.startsWith("text/event-stream")) {
    // A live stream never ends: take what is there and hang up, as a client would.
    stream.destroy();
    res.raw.res.destroy();
    return { ...res, text: "" };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return { ...res, text: Buffer.concat(chunks).toString("utf8") };
}

/**
 * The answer's parsed body and what is wrong with it, if anything: a 5xx, or a 4xx that is not JSON
 * `{code, message}` with a code of the catalogue answered with that code's status.
 */
export function checkAnswer(res: { statusCode: number; headers: Record<string, unknown>; text: string }, codes: Record<string, number>): { problem?: string; body: unknown } {
  const type = contentType(res.headers);
  let body: unknown;
  if (res.text !== "" && (type.startsWith("application/json") || res.statusCode >= 400)) {
    try {
      body = JSON.parse(res.text);
    } catch {
      return { problem: `${res.statusCode} not JSON`, body: undefined };
    }
  }
  if (res.statusCode < 400) return { body };
  const b = body as { code?: unknown; message?: unknown } | null | undefined;
  if (b === null || typeof b !== "object" || typeof b.code !== "string" || typeof b.message !== "string") return { problem: `${res.statusCode} no {code, message}`, body };
  if (res.statusCode >= 500) return { problem: `${res.statusCode} ${b.code}`, body };
  if (!Object.hasOwn(codes, b.code)) return { problem: `${res.statusCode} ${b.code} not in the catalogue`, body };
  if (codes[b.code] !== res.statusCode) return { problem: `${res.statusCode} ${b.code} (the catalogue says ${codes[b.code]})`, body };
  if (!type.startsWith("application/json")) return { problem: `${res.statusCode} ${b.code} content-type ${type}`, body };
  return { body };
}

export type FuzzOptions = {
  app: FuzzApp;
  routes: readonly Route[];
  ctx: FuzzContext | ((route: Route) => FuzzContext);
  /** The error catalogue (`ERROR_CODES` of @drops/http). */
  codes: Record<string, number>;
  numRuns?: number;
  seed?: number;
  /** Each case after it is checked (state bookkeeping: ids created by a 2xx...). */
  observe?: (c: FuzzCase) => void | Promise<void>;
  /** Statuses allowed besides 2xx-4xx for a route (none by default: a 5xx is a problem). */
  allow?: (route: Route, status: number, body: unknown) => boolean;
};

/** Fuzzes every route (`numRuns` cases each) and reports every distinct problem with one example. */
export async function fuzzRoutes(opts: FuzzOptions): Promise<FuzzReport> {
  const numRuns = opts.numRuns ?? fuzzRuns();
  const seed = opts.seed ?? fuzzSeed();
  const only = process.env["FUZZ_ROUTE"];
  const started = Date.now();
  const problems = new Map<string, FuzzProblem>();
  const statuses: Record<string, number> = {};
  const msPerRoute: Record<string, number> = {};
  let cases = 0;
  let routes = 0;
  for (const [index, route] of opts.routes.entries()) {
    const label = `${route.method} ${route.url}`;
    if (only !== undefined && !label.includes(only)) continue;
    routes++;
    const ctx = typeof opts.ctx === "function" ? opts.ctx(route) : opts.ctx;
    const routeStarted = Date.now();
    await fc.assert(
      fc.asyncProperty(requestFor(route, ctx), async (request) => {
        cases++;
        const res = await send(opts.app, request);
        const { problem, body: parsed } = checkAnswer(res, opts.codes);
        const seen = `${label} ${res.statusCode}`;
        statuses[seen] = (statuses[seen] ?? 0) + 1;
        if (process.env["FUZZ_VERBOSE"] === "all") console.error(`[fuzz] ${seen} -> ${res.text.slice(0, 160)}`);
        else if (process.env["FUZZ_VERBOSE"] && statuses[seen] === 3) console.error(`[fuzz] ${seen}: ${JSON.stringify(shortened(request)).slice(0, 600)} -> ${res.text.slice(0, 200)}`);
        if (problem !== undefined && !(opts.allow?.(route, res.statusCode, parsed) ?? false)) {
          const key = `${label} | ${problem}`;
          const known = problems.get(key);
          const example = { request: shortened(request), status: res.statusCode, body: res.text.slice(0, 500) };
          if (known) {
            known.count++;
            if (JSON.stringify(example.request).length < JSON.stringify(known.example.request).length) known.example = example;
          } else problems.set(key, { route: label, signature: problem, count: 1, example });
        }
        await opts.observe?.({ route, request, response: { ...res, body: res.text }, body: parsed });
        return true;
      }),
      { numRuns, seed: seed + index, endOnFailure: true },
    );
    msPerRoute[label] = Date.now() - routeStarted;
  }
  return { routes, cases, seed, numRuns, ms: Date.now() - started, problems: [...problems.values()], statuses, msPerRoute };
}

function shortened(req: InjectRequest): InjectRequest {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}...(${s.length} chars)` : s);
  return { ...req, url: cut(req.url), headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, cut(v)])), ...(req.payload !== undefined ? { payload: cut(req.payload) } : {}) };
}

/** A report's problems as readable lines (for the test output), with the seed to replay them. */
export function describeProblems(report: FuzzReport): string {
  return report.problems
    .map((p) => `${p.route}: ${p.signature} (${p.count}x; FUZZ_SEED=${report.seed} FUZZ_ROUTE='${p.route}')\n  ${JSON.stringify(p.example.request)}\n  -> ${p.example.status} ${p.example.body}`)
    .join("\n");
}
