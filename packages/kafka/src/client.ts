import { Kafka, logLevel } from "kafkajs";

export type CreateKafkaOptions = { clientId: string; brokers: string[] };

/** A kafkajs client (no connection is opened until a producer, consumer or admin connects). */
export function createKafka(opts: CreateKafkaOptions): Kafka {
  return new Kafka({ clientId: opts.clientId, brokers: opts.brokers, logLevel: logLevel.WARN, retry: { retries: 8, initialRetryTime: 100 } });
}

/** Readiness probe: resolves when the cluster answers metadata with at least one broker. */
export async function checkKafka(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error("no Kafka brokers");
  } finally {
    await admin.disconnect();
  }
}
