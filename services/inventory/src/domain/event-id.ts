import { uuidV5 as nameBasedId } from "@drops/events";

/** Namespace of the inventory relay's name-based event ids (a fixed random UUID). */
export const RELAY_NAMESPACE = "5b0c4f3e-8d7a-4c1e-9f2b-6a3d1e0c7b95";

/** A name-based id in the relay's namespace: the same name always gives the same id. */
export function uuidV5(name: string, namespace = RELAY_NAMESPACE): string {
  return nameBasedId(name, namespace);
}

/** Event id of the event of `type` relayed from stream entry `streamId` of drop `dropId`. */
export function relayEventId(dropId: string, streamId: string, type: string): string {
  return uuidV5(`${dropId}/${streamId}/${type}`);
}
