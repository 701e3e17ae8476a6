import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import type { VoiceConfig } from './config.ts';
import { spawnWorker } from './mediasoup.ts';

/**
 * The mediasoup worker processes (one per core by default). Routers go to the worker with the
 * fewest; a worker that dies takes its routers with it (their rooms close) and is replaced.
 */
export class WorkerPool {
  readonly #workers: types.Worker[] = [];
  readonly #routers = new Map<types.Worker, number>();
  #closed = false;

  private constructor(
    private readonly bin: string,
    private readonly config: VoiceConfig,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts `config.workers` workers; throws (after closing any started) if one cannot start. */
  static async start(bin: string, config: VoiceConfig, log: FastifyBaseLogger): Promise<WorkerPool> {
    const pool = new WorkerPool(bin, config, log);
    try {
      for (let i = 0; i < config.workers; i++) await pool.#spawn();
    } catch (err) {
      pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.#workers.length;
  }

  /** A worker for a new router, and the release to call when that router closes. */
  acquire(): { worker: types.Worker; release(): void } {
    const worker = [...this.#workers].sort((a, b) => (this.#routers.get(a) ?? 0) - (this.#routers.get(b) ?? 0))[0];
    if (worker === undefined) throw new Error('no mediasoup worker running');
    this.#routers.set(worker, (this.#routers.get(worker) ?? 0) + 1);
    let released = false;
    return {
      worker,
      release: () => {
        if (released) return;
        released = true;
        const n = this.#routers.get(worker);
        if (n !== undefined) this.#routers.set(worker, Math.max(0, n - 1));
      },
    };
  }

  close(): void {
    this.#closed = true;
    for (const worker of this.#workers.splice(0)) worker.close();
    this.#routers.clear();
  }

  async #spawn(): Promise<void> {
    const worker = await spawnWorker(this.bin, { logLevel: 'warn' });
    this.#workers.push(worker);
    this.#routers.set(worker, 0);
    worker.on('died', (err) => {
      this.log.error({ err, pid: worker.pid }, 'mediasoup worker died; its voice calls closed');
      this.#workers.splice(this.#workers.indexOf(worker), 1);
      this.#routers.delete(worker);
      if (this.#closed) return;
      this.#spawn().catch((spawnErr: unknown) =>
        this.log.error({ err: spawnErr }, 'replacing a dead mediasoup worker failed'),
      );
    });
  }
}
