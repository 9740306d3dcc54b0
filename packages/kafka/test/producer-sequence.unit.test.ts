import t from "tap";
import { isProducerSequenceError } from "../src/index.ts";

/** What kafkajs throws for a broker error code: a KafkaJSProtocolError with the code's `type`. */
const protocolError = (type: string): Error => Object.assign(new Error("the broker refused"), { name: "KafkaJSProtocolError", type });

t.test("isProducerSequenceError: the errors a new producer cures, also wrapped; nothing else", async (t) => {
  for (const type of ["OUT_OF_ORDER_SEQUENCE_NUMBER", "UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_EPOCH"]) {
    t.ok(isProducerSequenceError(protocolError(type)), type);
    t.ok(isProducerSequenceError(Object.assign(new Error("retries exhausted"), { cause: protocolError(type) })), `${type} wrapped by the retrier`);
    t.ok(isProducerSequenceError({ errors: [new Error("other"), protocolError(type)] }), `${type} in an aggregate`);
  }
  t.notOk(isProducerSequenceError(protocolError("NOT_LEADER_FOR_PARTITION")), "a retriable broker error");
  t.notOk(isProducerSequenceError(new Error("connect ECONNREFUSED")));
  t.notOk(isProducerSequenceError(null));
  t.notOk(isProducerSequenceError("OUT_OF_ORDER_SEQUENCE_NUMBER"));
});
