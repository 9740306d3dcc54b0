/** The cart's background work: none (carts expire by Redis TTL; abandoned holds by the inventory's sweeper). */
import type { Workers } from "@drops/http";

export function createWorkers(): Workers {
  return { start: async () => {}, stop: async () => {} };
}
