import { monitorEventLoopDelay } from 'node:perf_hooks';
import { announceReady, serveRequests } from '../ipc.ts';

export interface HeapReport {
  heapUsed: number;
  rss: number;
}

export interface CpuReport {
  /** Process CPU time (user + system) in microseconds since start. */
  cpuMicros: number;
  /** Event-loop delay since the previous probe (ms): how long a ready message could wait. */
  loopDelayMs: { p99: number; max: number };
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * What every bench server wrapper does once it listens: answer heap/CPU probes over IPC and shut
 * down cleanly on `stop` or SIGTERM (so --cpu-prof profiles get written).
 */
export function serveBenchServer(port: number, close: () => Promise<void>): void {
  if (!gc) throw new Error('bench servers need --expose-gc');
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  serveRequests({
    heap: async (): Promise<HeapReport> => {
      // Two collections with a turn of the event loop between them: the first one can leave
      // objects reachable only from finalizers or weak callbacks that the second one reclaims.
      gc();
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      const { heapUsed, rss } = process.memoryUsage();
      return { heapUsed, rss };
    },
    cpu: (): CpuReport => {
      const { user, system } = process.cpuUsage();
      const loopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      loopDelay.reset();
      return { cpuMicros: user + system, loopDelayMs };
    },
    stop: () => {
      setImmediate(stop);
      return null;
    },
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  announceReady(port);
}
