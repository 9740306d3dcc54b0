/**
 * Collects messages and hands them to `send` in batches: when `maxBatch` are waiting, after
 * `lingerMs`, or at once for urgent ones. One send is in flight at a time (what accumulates
 * meanwhile goes in the next), which keeps per-partition order for the idempotent producer.
 * Each enqueue's promise settles when the batch holding it is acked or fails.
 */
import { ROOT_CONTEXT, context } from "@opentelemetry/api";
import type { Message, TopicMessages } from "kafkajs";

export type BatcherOptions = { lingerMs: number; maxBatch: number; send: (batch: TopicMessages[]) => Promise<void> };

export type BatcherStats = { enqueued: number; sent: number; failed: number; batches: number; pending: number };

type Pending = { topic: string; message: Message; resolve: () => void; reject: (err: unknown) => void };

export class Batcher {
  readonly #opts: BatcherOptions;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #stats = { enqueued: 0, sent: 0, failed: 0, batches: 0 };

  constructor(opts: BatcherOptions) {
    if (!(opts.maxBatch >= 1) || !(opts.lingerMs >= 0)) throw new RangeError("maxBatch must be >= 1 and lingerMs >= 0");
    this.#opts = opts;
  }

  enqueue(topic: string, message: Message, urgent = false): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ topic, message, resolve, reject });
      this.#stats.enqueued++;
      if (urgent || this.#queue.length >= this.#opts.maxBatch || this.#opts.lingerMs === 0) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.#opts.lingerMs);
    });
  }

  /** Resolves once everything enqueued so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining !== undefined) {
      this.#kick();
      await this.#draining;
    }
  }

  stats(): BatcherStats {
    return { ...this.#stats, pending: this.#queue.length };
  }

  #kick(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#draining !== undefined) return; // the running drain picks the new messages up
    // The drain belongs to no caller: do not let it run in whichever request's trace context
    // happened to schedule the timer.
    this.#draining = context.with(ROOT_CONTEXT, () => this.#drain()).finally(() => (this.#draining = undefined));
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#opts.maxBatch);
      const byTopic = new Map<string, Message[]>();
      for (const p of batch) {
        const list = byTopic.get(p.topic);
        if (list === undefined) byTopic.set(p.topic, [p.message]);
        else list.push(p.message);
      }
      this.#stats.batches++;
      try {
        await this.#opts.send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
        this.#stats.sent += batch.length;
        for (const p of batch) p.resolve();
      } catch (err) {
        this.#stats.failed += batch.length;
        for (const p of batch) p.reject(err);
      }
    }
  }
}
