/**
 * Schema registry: every event type's Avro schemas by version, checked at build time so that each
 * version can read data written by every earlier version (backward compatibility, transitive).
 * Readers always decode into the latest version; writers write `envelope.version`.
 */
import { readdirSync, readFileSync } from "node:fs";
import avro from "avsc";
import { SchemaCompatibilityError } from "./errors.ts";

export type AvroSchema = avro.Schema;

export type SchemaVersion = { readonly version: number; readonly schema: AvroSchema; readonly avroType: avro.Type };

export type EventRegistry = {
  /** Event type names the registry knows. */
  types(): string[];
  get(type: string, version: number): SchemaVersion | undefined;
  latest(type: string): SchemaVersion | undefined;
  /** Reads a payload written with `writerVersion` into the latest version's shape. Throws on bad bytes. */
  read(type: string, writerVersion: number, bytes: Buffer): unknown;
};

/** Schemas as written by hand: event type -> version -> schema. */
export type SchemaDefinitions = Record<string, Record<number, AvroSchema>>;

/**
 * Returns null when data written with `writer` can be read with `reader`, else the reason.
 * Uses avsc's schema resolution (the Avro spec rules: added fields need defaults, etc.).
 */
export function checkBackwardCompatible(reader: AvroSchema, writer: AvroSchema): string | null {
  try {
    const r = avro.Type.forSchema(reader);
    r.createResolver(avro.Type.forSchema(writer));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Builds a registry; throws SchemaCompatibilityError on gaps, name mismatches or incompatible versions. */
export function buildRegistry(defs: SchemaDefinitions): EventRegistry {
  const byType = new Map<string, SchemaVersion[]>();
  const resolvers = new Map<string, avro.Resolver>();

  for (const [type, versions] of Object.entries(defs)) {
    const nums = Object.keys(versions).map(Number).sort((a, b) => a - b);
    const list: SchemaVersion[] = [];
    nums.forEach((version, i) => {
      if (version !== i + 1) throw new SchemaCompatibilityError(type, version, `versions must be 1..n without gaps (got ${nums.join(",")})`);
      const schema = versions[version] as AvroSchema;
      let avroType: avro.Type;
      try {
        avroType = avro.Type.forSchema(schema);
      } catch (err) {
        throw new SchemaCompatibilityError(type, version, `invalid schema: ${err instanceof Error ? err.message : String(err)}`);
      }
      const name = avroType.name?.split(".").pop();
      if (name !== type) throw new SchemaCompatibilityError(type, version, `record name ${String(avroType.name)} does not match the event type`);
      for (const earlier of list) {
        const problem = checkBackwardCompatible(schema, earlier.schema);
        if (problem !== null) throw new SchemaCompatibilityError(type, version, `cannot read data written with v${earlier.version}: ${problem}`);
      }
      list.push({ version, schema, avroType });
    });
    if (list.length === 0) continue;
    byType.set(type, list);
    const latest = list[list.length - 1] as SchemaVersion;
    for (const older of list.slice(0, -1)) resolvers.set(`${type}@${older.version}`, latest.avroType.createResolver(older.avroType));
  }

  return {
    types: () => [...byType.keys()],
    get: (type, version) => byType.get(type)?.[version - 1],
    latest: (type) => byType.get(type)?.at(-1),
    read(type, writerVersion, bytes) {
      const list = byType.get(type);
      const writer = list?.[writerVersion - 1];
      const latest = list?.at(-1);
      if (writer === undefined || latest === undefined) throw new Error(`no schema for ${type} v${writerVersion}`);
      const value: unknown = writer === latest ? latest.avroType.fromBuffer(bytes) : latest.avroType.fromBuffer(bytes, resolvers.get(`${type}@${writerVersion}`));
      return value;
    },
  };
}

const SCHEMA_FILE = /^([a-z0-9-]+)\.v(\d+)\.avsc$/;

/** Reads `<kebab-name>.v<N>.avsc` files; the event type is the record's name. */
export function loadSchemaDir(dir: URL): SchemaDefinitions {
  const defs: SchemaDefinitions = {};
  for (const file of readdirSync(dir).sort()) {
    const m = SCHEMA_FILE.exec(file);
    if (m === null) continue;
    const schema = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as AvroSchema & { name?: string };
    const type = schema.name;
    if (typeof type !== "string") throw new Error(`${file}: top-level schema must be a named record`);
    (defs[type] ??= {})[Number(m[2])] = schema;
  }
  return defs;
}

/** The shipped schemas (packages/events/schemas). */
export const schemaDefinitions: SchemaDefinitions = loadSchemaDir(new URL("../schemas/", import.meta.url));

/** The registry every producer and consumer uses. Building it checks compatibility at import. */
export const registry: EventRegistry = buildRegistry(schemaDefinitions);

/** Event type -> its latest {version, schema}: what a producer writes. */
export const eventSchemas: Readonly<Record<string, { version: number; schema: AvroSchema }>> = Object.fromEntries(
  registry.types().map((t) => {
    const v = registry.latest(t) as SchemaVersion;
    return [t, { version: v.version, schema: v.schema }];
  }),
);
