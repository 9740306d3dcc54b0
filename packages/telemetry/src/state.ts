/** Whether this process runs the trace SDK: set by startTelemetry, read on hot paths (a boolean). */
let tracingOn = false;

export function isTracing(): boolean {
  return tracingOn;
}

export function setTracing(on: boolean): void {
  tracingOn = on;
}
