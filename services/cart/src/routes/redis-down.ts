import { AppError, unavailable } from "@drops/http";

/** `work`, with any failure that is not already an answer (Redis down or slow) as 503 UNAVAILABLE. */
export async function orUnavailable<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError || err instanceof TypeError || err instanceof RangeError) throw err;
    throw unavailable(`${what} is unavailable right now; retry shortly`);
  }
}
