/**
 * Key-level parallelism over one fetched batch (pure: no Kafka). Items of different keys run
 * concurrently, at most `concurrency` at once; items of one key run one after another, in batch
 * order. The next item started is always the earliest one whose key is idle, so the committable
 * watermark (the last item of the longest fully finished prefix) trails as little as possible.
 * Items with a null key share one lane (kept in order among themselves).
 *
 * Stopping: when `shouldStart()` says no, or an item reports "stopped", or an item rejects, nothing
 * more is started; the items already running are waited for; then the run resolves ("stopped" or
 * "done") or rejects with the first error. `onAdvance` is called, synchronously and in batch order,
 * for every item that becomes the new watermark: an item is never reported while an earlier one is
 * unfinished.
 */

export type ItemOutcome = "done" | "stopped";

export type KeyScheduleOptions<T> = {
  concurrency: number;
  keyOf: (item: T) => string | null;
  run: (item: T) => Promise<ItemOutcome>;
  /** Checked before each start; false stops the run (e.g. the consumer stops, the batch went stale). */
  shouldStart?: () => boolean;
  /** The watermark advanced to `item` (every item up to it finished). */
  onAdvance?: (item: T) => void;
  /** After every finished item (housekeeping such as commits and heartbeats); awaited before the next start. */
  afterItem?: () => Promise<void>;
};

export type KeyScheduleResult = { outcome: ItemOutcome; finished: number };

const NULL_LANE = "\u0000null";

export function runByKey<T>(items: readonly T[], opts: KeyScheduleOptions<T>): Promise<KeyScheduleResult> {
  if (!(Number.isSafeInteger(opts.concurrency) && opts.concurrency >= 1)) throw new RangeError("concurrency must be an integer >= 1");
  const lanes = items.map((item) => opts.keyOf(item) ?? NULL_LANE);
  const started = new Array<boolean>(items.length).fill(false);
  const done = new Array<boolean>(items.length).fill(false);
  const busy = new Set<string>();
  let firstUnstarted = 0;
  let watermark = -1;
  let running = 0;
  let finished = 0;
  let halted = false;
  let stopped = false;
  let error: { err: unknown } | undefined;

  return new Promise<KeyScheduleResult>((resolve, reject) => {
    const nextIndex = (): number => {
      while (firstUnstarted < items.length && started[firstUnstarted]) firstUnstarted++;
      for (let i = firstUnstarted; i < items.length; i++) {
        // The first unstarted item of an idle lane is that lane's head: earlier items of the lane were started.
        if (!started[i] && !busy.has(lanes[i]!)) return i;
      }
      return -1;
    };

    const settleIfIdle = (): void => {
      if (running > 0) return;
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the item's own rejection, passed on as is
      if (error !== undefined) reject(error.err);
      else resolve({ outcome: stopped || finished < items.length ? "stopped" : "done", finished });
    };

    const pump = (): void => {
      while (!halted && running < opts.concurrency) {
        const i = nextIndex();
        if (i === -1) break;
        if (opts.shouldStart !== undefined && !opts.shouldStart()) {
          halted = true;
          stopped = true;
          break;
        }
        start(i);
      }
      settleIfIdle();
    };

    const advance = (): void => {
      while (watermark + 1 < items.length && done[watermark + 1]) {
        watermark++;
        opts.onAdvance?.(items[watermark]!);
      }
    };

    const start = (i: number): void => {
      started[i] = true;
      busy.add(lanes[i]!);
      running++;
      let result: Promise<ItemOutcome>;
      try {
        result = opts.run(items[i]!);
      } catch (err) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a synchronous throw, passed on as is
        result = Promise.reject(err);
      }
      result
        .then(
          (outcome) => {
            if (outcome === "stopped") {
              halted = true;
              stopped = true;
              return;
            }
            done[i] = true;
            finished++;
            advance();
          },
          (err: unknown) => {
            halted = true;
            error ??= { err };
          },
        )
        .then(async () => {
          busy.delete(lanes[i]!);
          if (error === undefined && opts.afterItem !== undefined) await opts.afterItem();
        })
        .catch((err: unknown) => {
          halted = true;
          error ??= { err };
        })
        .finally(() => {
          running--;
          pump();
        });
    };

    pump();
  });
}
