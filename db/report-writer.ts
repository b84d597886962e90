import type { Db } from "./client";
import { ingestReports, type IngestReport } from "./queries/ingest";

export interface ReportWriterOptions {
  /** Largest batch one transaction takes. */
  maxBatch?: number;
  /** Reports waiting beyond this are refused (503) instead of queueing without bound. */
  maxQueue?: number;
  onBatch?: (size: number, seconds: number) => void;
}

interface Pending {
  report: IngestReport;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** SQLSTATE classes 22 (data exception) and 23 (constraint): the rows, not the database. */
export function isDataError(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^2[23]/.test(code)) return true;
  }
  return false;
}

export class QueueFullError extends Error {
  constructor() {
    super("report queue is full");
  }
}

/**
 * Group commit for agent reports. A report resolves only after the transaction holding it
 * committed, so an acknowledged report is durable; while one batch commits, the next
 * gathers. Idle, a report waits one event-loop turn at most.
 */
export class ReportWriter {
  private queue: Pending[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly concurrency: number;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    concurrency: number,
    private readonly opts: ReportWriterOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxQueue = opts.maxQueue ?? 20_000;
    this.concurrency = Math.max(1, concurrency);
  }

  submit(report: IngestReport): Promise<void> {
    if (this.queue.length >= this.maxQueue) return Promise.reject(new QueueFullError());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ report, resolve, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once everything submitted so far has been written (or failed). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts writing after the current event-loop turn, so requests Node has already read join
   * the batch. Without it PGlite (synchronous on this thread) would commit one report per
   * transaction: nothing else gets read while it works.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      void this.write(batch);
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.store(batch);
    } finally {
      this.running--;
      this.schedule();
      if (this.running === 0 && this.queue.length === 0) {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    }
  }

  private async store(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await ingestReports(
        this.db,
        batch.map((p) => p.report),
      );
      for (const p of batch) p.resolve();
      this.opts.onBatch?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (err) {
      if (batch.length > 1 && isDataError(err)) {
        // One bad row must not fail every agent that shared its transaction: isolate it.
        for (const p of batch) await this.store([p]);
        return;
      }
      for (const p of batch) p.reject(err);
    }
  }
}
