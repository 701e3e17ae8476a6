import type * as Y from 'yjs';
import { connectMany, type Protocol, type SyncClient } from './clients.ts';
import { distribution, type Distribution } from './stats.ts';
import { EDITS, intendedTime, type Edit, type Schedule } from './workload.ts';

export interface LatencyTask {
  protocol: Protocol;
  url: string;
  docPrefix: string;
  docs: number;
  observers: number;
  intervalMs: number;
  warmupMs: number;
  seconds: number;
}

export interface LatencyResult {
  /** Deliveries (edit × observer) in the measured window. */
  expected: number;
  received: number;
  latencyMs: Distribution;
  /** How late the load generator sent edits relative to the schedule (its own health). */
  sendLagMs: Distribution;
  connectMs: number;
  /** CPU time the load generator used during the scheduled load, in seconds. */
  loadgenCpuSeconds: number;
  loadSeconds: number;
  /** Frames and bytes all clients received from the start of the load to the end of the drain. */
  clientFrames: number;
  clientBytes: number;
}

/** The latency workload, run inside the load-generator process. */
export async function runLatency(task: LatencyTask, progress: (line: string) => void): Promise<LatencyResult> {
  const warmupEdits = Math.ceil(task.warmupMs / task.intervalMs);
  const measuredEdits = Math.ceil((task.seconds * 1000) / task.intervalMs);
  const totalEdits = warmupEdits + measuredEdits;
  const expected = task.docs * task.observers * measuredEdits;
  const samples = new Float64Array(expected);
  let received = 0;
  const sendLag = new Float64Array(task.docs * measuredEdits);
  let sent = 0;

  const names = Array.from({ length: task.docs }, (_, d) => `${task.docPrefix}-${d}`);
  let clientFrames = 0;
  let clientBytes = 0;
  const countFrame = (bytes: number): void => {
    clientFrames += 1;
    clientBytes += bytes;
  };
  const connectStarted = performance.now();
  const writers = await connectMany(task.protocol, task.url, names, countFrame);
  const observers: SyncClient[] = await connectMany(
    task.protocol,
    task.url,
    names.flatMap((name) => Array.from({ length: task.observers }, () => name)),
    countFrame,
  );
  const connectMs = performance.now() - connectStarted;
  progress(`${writers.length} writers + ${observers.length} observers synced in ${connectMs.toFixed(0)} ms`);

  for (const observer of observers) {
    observer.doc.getArray<Edit>(EDITS).observe((event: Y.YArrayEvent<Edit>) => {
      const now = performance.now();
      for (const delta of event.changes.delta) {
        if (!delta.insert) continue;
        for (const edit of delta.insert as Edit[]) {
          if (edit.s < warmupEdits) continue;
          if (received < expected) samples[received] = now - edit.t;
          received += 1;
        }
      }
    });
  }

  clientFrames = 0;
  clientBytes = 0;
  const cpuBefore = process.cpuUsage();
  const loadStarted = performance.now();
  const schedule: Schedule = { startAt: performance.now() + 200, intervalMs: task.intervalMs, writers: task.docs };
  const next = new Array<number>(task.docs).fill(0);
  const arrays = writers.map((w) => w.doc.getArray<Edit>(EDITS));
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      let nextDue = Infinity;
      for (let w = 0; w < task.docs; w++) {
        while (next[w]! < totalEdits) {
          const s = next[w]!;
          const due = intendedTime(schedule, w, s);
          if (due > now) {
            nextDue = Math.min(nextDue, due);
            break;
          }
          // Each push is one Yjs transaction, i.e. one update message to the server.
          arrays[w]!.push([{ w, s, t: due }]);
          if (s >= warmupEdits) sendLag[sent++] = performance.now() - due;
          next[w] = s + 1;
        }
      }
      if (nextDue === Infinity) return resolve();
      setTimeout(tick, Math.max(0, nextDue - performance.now()));
    };
    setTimeout(tick, schedule.startAt - performance.now());
    const halfway = setTimeout(
      () => progress(`load running, ${received}/${expected} measured deliveries so far`),
      task.warmupMs + (task.seconds * 1000) / 2,
    );
    halfway.unref();
  });

  // Let the last edits arrive; whatever has not arrived after 5 s counts as lost.
  const drainUntil = performance.now() + 5000;
  while (received < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));

  const cpu = process.cpuUsage(cpuBefore);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const framesUntilDrained = { clientFrames, clientBytes };
  for (const client of [...writers, ...observers]) client.destroy();
  await new Promise((r) => setTimeout(r, 200));
  return {
    expected,
    received,
    latencyMs: distribution(samples, Math.min(received, expected)),
    sendLagMs: distribution(sendLag, sent),
    connectMs,
    loadgenCpuSeconds: (cpu.user + cpu.system) / 1e6,
    loadSeconds,
    ...framesUntilDrained,
  };
}
