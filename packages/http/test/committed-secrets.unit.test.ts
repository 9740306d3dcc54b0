/**
 * Secrets committed in the repository never protect production: every value found in the tracked
 * files (a long quoted string naming a secret, docker-compose.yml's defaults of secret and password
 * variables) is listed in COMMITTED_SECRETS, and with NODE_ENV=production checkSecrets refuses each,
 * for any secret or password variable and inside a URL, with a message naming the variable.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { COMMITTED_SECRETS, DEV_ADMIN_PASSWORD, DEV_INTERNAL_AUTH_SECRET, DEV_JWT_SECRET, checkSecrets, committedSecretProblems } from "../src/config.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n")
  .filter((f) => /\.(ts|mjs|sh|ya?ml|md|json|env|example)$|(^|\/)\.env/.test(f) && !f.endsWith("pnpm-lock.yaml") && !f.endsWith("committed-secrets.ts"));

t.test("every secret-looking value in the tracked files is a known committed secret", async (t) => {
  const found = new Set<string>();
  for (const file of tracked) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), "utf8");
    } catch {
      continue; // deleted in the working tree
    }
    for (const m of text.matchAll(/["'`:=-]([A-Za-z0-9_.-]*secret[A-Za-z0-9_.-]*)/gi)) {
      const value = m[1]!.replace(/^-+/, "");
      if (value.length >= 24) found.add(value);
    }
  }
  t.ok(found.size > 0, "the scan finds the values it looks for");
  t.same([...found].filter((v) => !COMMITTED_SECRETS.has(v)), [], "each is in COMMITTED_SECRETS");
});

t.test("docker-compose.yml commits no default of a secret or password that production would accept", async (t) => {
  const compose = readFileSync(join(ROOT, "docker-compose.yml"), "utf8");
  const defaults: string[] = [];
  for (const m of compose.matchAll(/^\s*([A-Z_]*(?:SECRET|PASSWORD)[A-Z_]*):\s*(.+)$/gm)) {
    const value = m[2]!.trim().replace(/^["']|["']$/g, "");
    const def = /^\$\{[A-Z_]+:-([^}]*)\}$/.exec(value);
    if (def) defaults.push(def[1]!);
    else if (!/^\$\{[A-Z_]+(:?\?[^}]*)?\}$/.test(value)) defaults.push(value);
  }
  t.same(defaults.filter((v) => !COMMITTED_SECRETS.has(v)), [], "a default, if any, is a known committed value");
});

t.test("production refuses every committed secret, by name and inside URLs; development takes them", async (t) => {
  for (const value of COMMITTED_SECRETS) {
    const problems = committedSecretProblems({ NODE_ENV: "production", JWT_SECRET: value });
    t.equal(problems.length, 1, value);
    t.match(problems[0], /^JWT_SECRET is a value committed in the repository/);
  }
  t.throws(() => checkSecrets({ NODE_ENV: "production", INTERNAL_AUTH_SECRET: DEV_INTERNAL_AUTH_SECRET, ADMIN_PASSWORD: DEV_ADMIN_PASSWORD, S3_SECRET_ACCESS_KEY: "" }), {
    name: "ConfigError",
    message: /INTERNAL_AUTH_SECRET is a value committed[\s\S]*ADMIN_PASSWORD is a value committed/,
  }, "every problem at once; an empty optional secret is not one");
  t.throws(() => checkSecrets({ NODE_ENV: "production", INTERNAL_AUTH_SECRET: "x".repeat(32), DATABASE_URL: "postgresql://postgres:postgres@db:5432/drops" }), /the password in DATABASE_URL is a value committed/);
  t.throws(() => checkSecrets({ NODE_ENV: "development", INTERNAL_AUTH_SECRET: "short" }), /INTERNAL_AUTH_SECRET must be at least 32 characters/);
  t.same(checkSecrets({ NODE_ENV: "development", JWT_SECRET: DEV_JWT_SECRET, INTERNAL_AUTH_SECRET: DEV_INTERNAL_AUTH_SECRET }).JWT_SECRET, DEV_JWT_SECRET, "outside production the defaults work");
  const fresh = () => randomBytes(24).toString("hex");
  const own = { NODE_ENV: "production", JWT_SECRET: fresh(), INTERNAL_AUTH_SECRET: fresh(), DATABASE_URL: `postgresql://app:${fresh()}@db/drops` };
  t.same(checkSecrets(own), own, "secrets of one's own (made now, so never committed) pass");
});
