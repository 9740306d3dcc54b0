import { instrumentService } from "@drops/telemetry";
import { readConfigOrExit } from "./config.ts";
await instrumentService(readConfigOrExit());
