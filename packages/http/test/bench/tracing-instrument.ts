/** The tracing benchmark's server preload (tracing-overhead.ts): telemetry as a service's instrument.ts starts it. */
import { startTelemetry } from "@drops/telemetry";

await startTelemetry({ serviceName: "bench-tracing", enabled: process.env["TRACE"] === "1", metrics: true, sampleRatio: Number(process.env["RATIO"] ?? "0.1") });
