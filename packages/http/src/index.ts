export { AppError, badRequest, unauthorized, forbidden, notFound, conflict, tooManyRequests, unavailable } from "./errors.ts";
export { mapError, type ErrorBody, type MappedError } from "./error-body.ts";
export { errorHandlerPlugin } from "./error-handler.ts";
export { healthPlugin, runChecks, type ReadinessChecks, type CheckResults, type HealthOptions } from "./health.ts";
export { loggerOptions, requestId, REDACT_PATHS, type LogLevel } from "./logger.ts";
export { createServiceApp, type ServiceAppOptions, type ServiceClients, type ServiceShellConfig } from "./app.ts";
export { startService, type StartServiceOptions, type RunningService } from "./start.ts";
export { serviceSpec, loadConfigOrExit } from "./config.ts";
export { strictValidatorCompiler, containsNul, rejectNul } from "./validation.ts";
