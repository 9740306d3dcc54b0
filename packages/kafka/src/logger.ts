/** The logging this package needs; a pino logger fits (object first, then message). */
export type Logger = {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
