/**
 * Every secret and password value written in this repository: the development defaults, the demo
 * values of docker-compose.yml, the values of the test and e2e environments and of the docs. Each is
 * public, so none may protect a production deployment: with NODE_ENV=production every service refuses
 * to start when one of its secrets or passwords (a variable named *SECRET* or *PASSWORD*, or the
 * password inside a *_URL) equals one of these (`committedSecretProblems`, run by configReaders).
 * test/committed-secrets.unit.test.ts scans the tracked files so a value added anywhere is listed here.
 * Imports nothing instrumented (read by every config).
 */

/** The development default of JWT_SECRET (gateway). */
export const DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789";
/** The development default of ADMISSION_SECRET (gateway). */
export const DEV_ADMISSION_SECRET = "dev-only-admission-secret-change-me-0123456789";
/** The development default of INTERNAL_AUTH_SECRET (every service). */
export const DEV_INTERNAL_AUTH_SECRET = "dev-only-internal-auth-secret-change-me-0123456789";
/** The documented development default of the seeded admin's password (catalog). */
export const DEV_ADMIN_PASSWORD = "admin-password-change-me";

export const COMMITTED_SECRETS: ReadonlySet<string> = new Set([
  DEV_JWT_SECRET,
  DEV_ADMISSION_SECRET,
  DEV_INTERNAL_AUTH_SECRET,
  DEV_ADMIN_PASSWORD,
  // scripts/seed.ts: the demo seller
  "seller-password-change-me",
  // docker-compose.yml before it required its secrets from the environment, and its database and Grafana defaults
  "compose-demo-jwt-secret-change-me-0123456789",
  "postgres",
  "admin",
  // the e2e stack (packages/e2e/src/stack.ts) and the tests (packages/http/src/testing.ts)
  "e2e-jwt-secret-0123456789-0123456789-abcdef",
  "e2e-internal-auth-secret-0123456789-0123456789",
  "another-secret-0123456789-0123456789-abc",
  // packages/e2e/test/fuzz.e2e.test.ts: a token signed with another secret
  "not-the-secret-0123456789-0123456789-abc",
]);

/** The variables of a config that hold a secret: by name (*SECRET*, *PASSWORD*). */
function isSecretKey(key: string): boolean {
  return /SECRET|PASSWORD/.test(key);
}

/** The password inside a URL value (postgresql://user:pass@host), if any. */
function urlPassword(value: string): string | undefined {
  try {
    const p = new URL(value).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

/** One message per secret of `config` whose value is committed in the repository (empty outside production). */
export function committedSecretProblems(config: Record<string, unknown>): string[] {
  if (config["NODE_ENV"] !== "production") return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== "string" || value === "") continue;
    if (isSecretKey(key) && COMMITTED_SECRETS.has(value)) {
      problems.push(`${key} is a value committed in the repository (a development or demo default, public): set your own secret with NODE_ENV=production`);
    } else if (key.endsWith("_URL")) {
      const password = urlPassword(value);
      if (password !== undefined && COMMITTED_SECRETS.has(password)) {
        problems.push(`the password in ${key} is a value committed in the repository (public): set your own with NODE_ENV=production`);
      }
    }
  }
  return problems;
}
