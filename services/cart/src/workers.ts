/** The cart's background work: none yet (carts expire by Redis TTL; checkout is not built). */
import type { Workers } from "@drops/http";

export function createWorkers(): Workers {
  return { start: async () => {}, stop: async () => {} };
}
