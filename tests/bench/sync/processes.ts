import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Reply, Request } from './ipc.ts';

/** Orchestrator side of the bench children: pinned start, request/reply over IPC, cleanup. */

const HERE = fileURLToPath(new URL('.', import.meta.url));

export const taskset: { available: boolean; note: string } = (() => {
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) return { available: true, note: 'server on core 0, load generator on core 1 (taskset)' };
  return { available: false, note: 'taskset not available: server and load generator are NOT pinned to cores' };
})();

const live = new Set<ChildProcess>();

/** Kills every child still running; called on exit and on fatal errors. */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
process.on('exit', killAll);

export interface StartOptions {
  /** Path relative to this folder. */
  script: string;
  core: number;
  env: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  label: string;
}

export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  private exitError: Error | null = null;
  readonly ready: Promise<number | undefined>;

  private constructor(
    readonly label: string,
    readonly process: ChildProcess,
  ) {
    this.ready = new Promise((resolve, reject) => {
      process.on('message', (message: Reply | { type: 'ready'; port?: number }) => {
        if ('type' in message && message.type === 'ready') return resolve(message.port);
        if (!('id' in message)) return;
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(`${label}: ${message.error}`));
      });
      process.on('exit', (code, signal) => {
        live.delete(process);
        this.exitError = new Error(`${label} exited (code ${code}, signal ${signal})`);
        reject(this.exitError);
        for (const waiter of this.pending.values()) waiter.reject(this.exitError);
        this.pending.clear();
      });
    });
    // Without a listener an early exit would be an unhandled rejection before anyone awaits it.
    this.ready.catch(() => {});
  }

  static start(options: StartOptions): BenchChild {
    const nodeArgs = [
      process.execPath,
      '--import',
      'tsx',
      '--expose-gc',
      ...(options.nodeFlags ?? []),
      `${HERE}${options.script}`,
    ];
    const [command, ...args] = taskset.available ? ['taskset', '-c', String(options.core), ...nodeArgs] : nodeArgs;
    // taskset execs node in place, so the pid and the IPC fd (NODE_CHANNEL_FD) carry over.
    const child = spawn(command!, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    live.add(child);
    return new BenchChild(options.label, child);
  }

  get pid(): number {
    return this.process.pid!;
  }

  request<T>(type: string, payload: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: ${type} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.process.send({ ...payload, id, type } satisfies Request);
    });
  }

  async waitReady(timeoutMs = 60_000): Promise<number | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label} not ready after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks the child to stop, then kills it if it has not exited in time. */
  async stop(timeoutMs = 8000): Promise<void> {
    if (this.exitError) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
