export { createKafka, checkKafka, type CreateKafkaOptions } from "./client.ts";
