import { loadConfig, type ConfigOf } from "@drops/config";
import { loadConfigOrExit, serviceSpec } from "@drops/http/config";

/** Every variable the gateway service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("gateway", 3000),
};

export type Config = ConfigOf<typeof spec>;

/** Parses `env`; throws ConfigError listing every problem. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(spec, env);
}

/** For entry points: prints every problem and exits 1 on a bad configuration. */
export function readConfigOrExit(): Config {
  return loadConfigOrExit(spec, process.env, "gateway");
}
