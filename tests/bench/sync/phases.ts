import type { ColdRun, ColdSample, ColdTask } from './cold-load.ts';
import type { IdleTask } from './heap.ts';
import type { LatencyResult, LatencyTask } from './latency.ts';
import type { BenchOptions } from './options.ts';
import type { Peer, PeerContext, Phase } from './peers.ts';
import { BenchChild } from './processes.ts';
import type { CpuReport, HeapReport } from './servers/server-ipc.ts';
import { median } from './stats.ts';
import type { ContentSignature } from './workload.ts';

/** One phase of the benchmark against one peer: fresh server, drive the load generator, stop. */

export type Progress = (line: string) => void;

export interface LatencyOutcome extends LatencyResult {
  config: string;
  serverCpuSeconds: number;
  /** The server's event-loop delay during the run (warm-up included). */
  serverLoopDelayMs: { p99: number; max: number };
}

export interface ColdOutcome {
  config: string;
  samples: ColdSample[];
  medianMs: number;
  firstMs: number;
  medianSyncedMs: number;
  medianStateFrameMs: number;
  /** The client library alone integrating the whole state (see ColdRun). */
  clientApplyMs: number;
  contentOk: boolean;
}

export interface HeapOutcome {
  config: string;
  docs: number;
  baseline: number;
  /** Heap growth per document between the first 20 % and all documents (fixed costs cancel out). */
  bytesPerDoc: number;
  /** Heap growth per document against the empty server (includes one-off costs). */
  bytesPerDocFromBaseline: number;
}

async function withServer<T>(
  peer: Peer,
  phase: Phase,
  ctx: PeerContext,
  progress: Progress,
  body: (server: BenchChild, url: string) => Promise<T>,
): Promise<T> {
  const server = BenchChild.start({
    script: peer.script,
    core: 0,
    env: peer.env(phase, ctx),
    // BENCH_SERVER_NODE_FLAGS (e.g. --trace-gc): diagnostics for every peer's server alike.
    nodeFlags: [
      ...peer.nodeFlags(phase, ctx),
      ...(process.env.BENCH_SERVER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
    ],
    label: `${peer.id} server`,
  });
  try {
    const started = performance.now();
    const port = await server.waitReady();
    if (port === undefined) throw new Error(`${peer.id} server did not report its port`);
    progress(`${peer.label} listening on ${port} (${(performance.now() - started).toFixed(0)} ms to start)`);
    return await body(server, peer.wsUrl(port));
  } finally {
    await server.stop();
  }
}

export function latencyPhase(
  peer: Peer,
  ctx: PeerContext,
  loadgen: BenchChild,
  options: BenchOptions,
  progress: Progress,
): Promise<LatencyOutcome> {
  return withServer(peer, 'latency', ctx, progress, async (server, url) => {
    const task: LatencyTask = {
      protocol: peer.protocol,
      url,
      docPrefix: `lat-${peer.id}`,
      docs: options.docs,
      observers: options.observers,
      intervalMs: options.intervalMs,
      warmupMs: options.warmupSeconds * 1000,
      seconds: options.seconds,
    };
    const before = await server.request<CpuReport>('cpu');
    const result = await loadgen.request<LatencyResult>(
      'latency',
      { task },
      (options.seconds + options.warmupSeconds) * 1000 + 120_000,
    );
    const after = await server.request<CpuReport>('cpu');
    return {
      ...result,
      config: peer.describe('latency'),
      serverCpuSeconds: (after.cpuMicros - before.cpuMicros) / 1e6,
      serverLoopDelayMs: after.loopDelayMs,
    };
  });
}

export function coldPhase(
  peer: Peer,
  ctx: PeerContext,
  loadgen: BenchChild,
  docNames: string[],
  expected: ContentSignature,
  stateBytes: number,
  progress: Progress,
): Promise<ColdOutcome> {
  return withServer(peer, 'cold', ctx, progress, async (_server, url) => {
    const task: ColdTask = { protocol: peer.protocol, url, docNames, expected, stateBytes };
    const { samples, clientApplyMs } = await loadgen.request<ColdRun>('cold', { task }, 300_000);
    return {
      config: peer.describe('cold'),
      samples,
      medianMs: median(samples.map((s) => s.contentMs)),
      firstMs: samples[0]!.contentMs,
      medianSyncedMs: median(samples.map((s) => s.syncedMs)),
      medianStateFrameMs: median(samples.map((s) => s.stateFrameMs)),
      clientApplyMs,
      contentOk: samples.every((s) => s.contentOk),
    };
  });
}

export function heapPhase(
  peer: Peer,
  ctx: PeerContext,
  loadgen: BenchChild,
  docs: number,
  progress: Progress,
): Promise<HeapOutcome> {
  return withServer(peer, 'heap', ctx, progress, async (server, url) => {
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));
    const open = (from: number, to: number): Promise<unknown> =>
      loadgen.request('idle-open', {
        task: { protocol: peer.protocol, url, docPrefix: `idle-${peer.id}`, from, to } satisfies IdleTask,
      });
    const first = Math.max(1, Math.round(docs * 0.2));
    const baseline = await server.request<HeapReport>('heap');
    await open(0, first);
    await settle();
    const partial = await server.request<HeapReport>('heap');
    await open(first, docs);
    await settle();
    const full = await server.request<HeapReport>('heap');
    progress(
      `${docs} idle documents open; heap ${mib(baseline.heapUsed)} → ${mib(partial.heapUsed)} → ${mib(full.heapUsed)} MiB`,
    );
    await loadgen.request('idle-close');
    return {
      config: peer.describe('heap'),
      docs,
      baseline: baseline.heapUsed,
      bytesPerDoc: (full.heapUsed - partial.heapUsed) / (docs - first),
      bytesPerDocFromBaseline: (full.heapUsed - baseline.heapUsed) / docs,
    };
  });
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
