import { fileURLToPath } from "node:url";
import { bool, int, oneOf, str, url, type ConfigOf } from "@drops/config";
import { DEV_ADMIN_PASSWORD, configReaders, serviceSpec } from "@drops/http/config";

/** The documented development defaults of the seeded admin (README); the password is refused with NODE_ENV=production. */
export const DEFAULT_ADMIN_EMAIL = "admin@drops.local";
export const DEFAULT_ADMIN_PASSWORD = DEV_ADMIN_PASSWORD;
/** Where uploaded images are kept by default: `.run/images` at the repository root (git-ignored). */
export const DEFAULT_IMAGE_DIR = fileURLToPath(new URL("../../../.run/images", import.meta.url));

/** Every variable the catalog service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("catalog", 3001),
  DB_SCHEMA: str("catalog", "PostgreSQL schema holding the catalog's tables"),
  ADMIN_EMAIL: str(DEFAULT_ADMIN_EMAIL, "e-mail of the admin ensured at start"),
  ADMIN_PASSWORD: str(DEFAULT_ADMIN_PASSWORD, "password of the admin when it is created"),
  INVENTORY_URL: url("http://127.0.0.1:3002", ["http", "https"], "base URL of the inventory (drop schedules)"),
  INVENTORY_TIMEOUT_MS: int(5000, { min: 50, max: 60_000 }, "timeout of the inventory call when a drop is created"),
  // stock-change consumers and rankings (README "Stock figures and rankings")
  CONSUMER_GROUP: str("catalog", "Kafka consumer group prefix of the catalog's consumers (<group>.stock, <group>.rankings)"),
  CONSUMER_CONCURRENCY: int(16, { min: 1, max: 1_000 }, "messages of different keys handled at once per fetched batch (one key's still in order)"),
  CONSUMER_RETRY_ATTEMPTS: int(5, { min: 1, max: 100 }, "calls of a failing handler before its message is dead-lettered"),
  CATALOG_KEY_PREFIX: str("", "namespace of the catalog's Redis keys (rankings; tests use a unique one)"),
  // product images (README "Images")
  IMAGE_STORAGE: oneOf(["disk", "s3"] as const, "disk"),
  IMAGE_DIR: str(DEFAULT_IMAGE_DIR, "folder of the disk image storage (created at start; must be writable)"),
  IMAGE_MAX_BYTES: int(5 * 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }, "largest image file accepted, in bytes (413 above)"),
  IMAGES_PER_PRODUCT_MAX: int(20, { min: 1, max: 1000 }, "most images one product holds (409 TOO_MANY_IMAGES above)"),
  IMAGE_URL_PREFIX: str("/api/images", "public URL prefix of an image (`<prefix>/<imageId>`): the gateway's route, or a CDN in front of the bucket"),
  S3_BUCKET: str("", "bucket of the S3 image storage (required with IMAGE_STORAGE=s3)"),
  S3_REGION: str("us-east-1", "region of the S3 image storage"),
  S3_ENDPOINT: str("", "endpoint of an S3-compatible server (empty: AWS S3)"),
  S3_ACCESS_KEY_ID: str("", "access key of the S3 image storage (empty: the SDK's default credential chain)"),
  S3_SECRET_ACCESS_KEY: str("", "secret key of the S3 image storage"),
  S3_FORCE_PATH_STYLE: bool(true),
  S3_KEY_PREFIX: str("images/", "prefix of the image objects' keys in the bucket"),
};

export type Config = ConfigOf<typeof spec>;

function checked(config: Config): Config {
  if (config.IMAGE_STORAGE === "s3" && config.S3_BUCKET === "") throw new Error("S3_BUCKET is required with IMAGE_STORAGE=s3");
  if (config.S3_ENDPOINT !== "" && !/^https?:\/\/[^/]/.test(config.S3_ENDPOINT)) throw new Error("S3_ENDPOINT must be an http(s) URL");
  if (config.S3_ACCESS_KEY_ID !== "" && config.S3_SECRET_ACCESS_KEY === "") throw new Error("S3_SECRET_ACCESS_KEY is required with S3_ACCESS_KEY_ID");
  if (!/^(\/|https?:\/\/)\S*[^/]$/.test(config.IMAGE_URL_PREFIX)) throw new Error("IMAGE_URL_PREFIX must be a path (/api/images) or an http(s) URL, without a trailing slash");
  return config;
}

export const { readConfig, readConfigOrExit } = configReaders(spec, "catalog", checked);
