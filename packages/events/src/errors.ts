/** Why a Kafka message could not be turned into an event. */
export type DecodeFailure = "MISSING_HEADER" | "BAD_HEADER" | "UNKNOWN_TYPE" | "UNKNOWN_VERSION" | "BAD_PAYLOAD";

export class EventDecodeError extends Error {
  override name = "EventDecodeError";
  readonly reason: DecodeFailure;
  constructor(reason: DecodeFailure, message: string, options?: ErrorOptions) {
    super(`${reason}: ${message}`, options);
    this.reason = reason;
  }
}

/** The envelope cannot be written: unknown type/version or a payload that does not fit the schema. */
export class EventEncodeError extends Error {
  override name = "EventEncodeError";
  readonly problems: string[];
  constructor(message: string, problems: string[] = []) {
    super(problems.length > 0 ? `${message}: ${problems.join("; ")}` : message);
    this.problems = problems;
  }
}

/** A schema version that cannot read the data written by an earlier version of the same event. */
export class SchemaCompatibilityError extends Error {
  override name = "SchemaCompatibilityError";
  readonly eventType: string;
  readonly version: number;
  constructor(eventType: string, version: number, message: string) {
    super(`${eventType} v${version}: ${message}`);
    this.eventType = eventType;
    this.version = version;
  }
}
