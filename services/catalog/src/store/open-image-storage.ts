import type { Config } from "../config.ts";
import type { ImageStorage } from "./image-storage.ts";
import { diskImageStorage } from "./image-storage-disk.ts";
import { s3ImageStorage } from "./image-storage-s3.ts";

/** The image storage the configuration names (IMAGE_STORAGE): a folder (IMAGE_DIR) or an S3-compatible bucket (S3_*). Not yet checked: call init(). */
export function openImageStorage(config: Config): ImageStorage {
  if (config.IMAGE_STORAGE === "s3") {
    return s3ImageStorage({
      bucket: config.S3_BUCKET, region: config.S3_REGION, endpoint: config.S3_ENDPOINT,
      accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE, keyPrefix: config.S3_KEY_PREFIX,
    });
  }
  return diskImageStorage(config.IMAGE_DIR);
}
