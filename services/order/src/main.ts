/** The order service process: `node --import ./src/instrument.ts src/main.ts`. */
import { runService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildApp } from "./app.ts";
import { readConfigOrExit } from "./config.ts";

await runService({ config: readConfigOrExit(), build: buildApp, afterClose: shutdownTelemetry });
