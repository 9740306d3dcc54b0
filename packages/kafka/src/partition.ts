import { Partitioners } from "kafkajs";

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition a keyed message goes to on a topic of `partitions` partitions: the producers'
 * partitioner (murmur2 of the key, as the Java client), e.g. to find the broker that leads a drop's
 * partition.
 */
export function partitionOf(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
  return partitioner({ topic: "", partitionMetadata, message: { key, value: null } });
}
