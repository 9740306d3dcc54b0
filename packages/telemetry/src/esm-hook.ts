import { register } from "node:module";
import { isMainThread } from "node:worker_threads";
import { createAddHookMessageChannel } from "import-in-the-middle";

let registered = false;

/**
 * Registers OpenTelemetry's ESM loader hook so `import`ed modules (fastify's http, ioredis, pg,
 * kafkajs) can be patched. Only modules an instrumentation asks for are hooked (message channel),
 * so the rest of the app, including Node's type-stripped .ts files, loads untouched.
 */
export async function registerEsmHook(): Promise<void> {
  if (registered || !isMainThread) return;
  registered = true;
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url, registerOptions);
  await waitForAllMessagesAcknowledged();
}
