import type { DocumentStore, Logger, RoomObserver, UpdateRecord } from './ports.ts';

export interface CommitQueueOptions {
  /**
   * How long the first update of an idle queue waits for company before the insert starts.
   * While an insert is in flight, arrivals queue up and go in the next insert anyway, so under
   * load batches grow by themselves; the window only matters when the queue is idle.
   */
  windowMs: number;
  maxBatchRows: number;
  maxBatchBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Who is told when a record is durable (a room; one object, not a closure per update). */
export interface CommitOwner {
  committed(record: QueuedRecord): void;
}

export interface QueuedRecord extends UpdateRecord {
  owner: CommitOwner;
}

/**
 * Group commit for the update log: every update of every document goes through one queue, and
 * each insert carries everything that arrived since the previous one. An update is durable when
 * its owner's `committed` runs. A failed insert puts its records back at the head of the queue
 * and retries with exponential backoff, forever: the documents stay in memory meanwhile, and the
 * failure is logged and counted.
 */
export class CommitQueue {
  private queue: QueuedRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | null = null;
  private writing = false;
  private failures = 0;
  private drainWaiters: Array<() => void> = [];
  private readonly run = (): void => {
    this.timer = null;
    void this.flush();
  };

  constructor(
    private readonly store: DocumentStore,
    private readonly options: CommitQueueOptions,
    private readonly log: Logger,
    private readonly observer: RoomObserver,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  enqueue(record: QueuedRecord): void {
    this.queue.push(record);
    if (this.timer === null && !this.writing) this.schedule(this.options.windowMs);
  }

  /** Resolves when every record enqueued so far (and since) is committed. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && !this.writing) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    this.timer = delayMs > 0 ? setTimeout(this.run, delayMs) : setImmediate(this.run);
  }

  private afterFlush(): void {
    if (this.queue.length > 0) {
      const backoff =
        this.failures === 0
          ? 0
          : Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (this.failures - 1));
      this.schedule(backoff);
      return;
    }
    const waiters = this.drainWaiters;
    if (waiters.length === 0) return;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private takeBatch(): QueuedRecord[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.options.maxBatchRows) {
      bytes += this.queue[count]!.update.byteLength;
      count += 1;
      if (bytes >= this.options.maxBatchBytes) break;
    }
    if (count === this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      return batch;
    }
    return this.queue.splice(0, count);
  }

  private async flush(): Promise<void> {
    const batch = this.takeBatch();
    if (batch.length === 0) return this.afterFlush();
    this.writing = true;
    const started = performance.now();
    try {
      await this.store.append(batch);
    } catch (err) {
      this.failures += 1;
      this.queue.unshift(...batch);
      this.observer.writeFailed?.(batch.length);
      this.log.error(
        { err, rows: batch.length, attempt: this.failures, queued: this.queue.length },
        'update log write failed; documents stay in memory and the write is retried',
      );
      this.writing = false;
      return this.afterFlush();
    }
    if (this.failures > 0) this.log.warn({ afterAttempts: this.failures }, 'update log write recovered');
    this.failures = 0;
    this.observer.committed?.(batch.length, (performance.now() - started) / 1000);
    try {
      for (const record of batch) record.owner.committed(record);
    } finally {
      this.writing = false;
      this.afterFlush();
    }
  }
}
