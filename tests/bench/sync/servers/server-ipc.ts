import { announceReady, serveRequests } from '../ipc.ts';

export interface HeapReport {
  heapUsed: number;
  rss: number;
}

export interface CpuReport {
  /** Process CPU time (user + system) in microseconds since start. */
  cpuMicros: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * What every bench server wrapper does once it listens: answer heap/CPU probes over IPC and shut
 * down cleanly on `stop` or SIGTERM (so --cpu-prof profiles get written).
 */
export function serveBenchServer(port: number, close: () => Promise<void>): void {
  if (!gc) throw new Error('bench servers need --expose-gc');
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
      return { cpuMicros: user + system };
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
