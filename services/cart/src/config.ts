import { type ConfigOf } from "@drops/config";
import { configReaders, serviceSpec } from "@drops/http/config";

/** Every variable the cart service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("cart", 3004),
};

export type Config = ConfigOf<typeof spec>;

export const { readConfig, readConfigOrExit } = configReaders(spec, "cart");
