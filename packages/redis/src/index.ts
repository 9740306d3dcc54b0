export { createRedis, checkRedis, type CreateRedisOptions } from "./client.ts";
