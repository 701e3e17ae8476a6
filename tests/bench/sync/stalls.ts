import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Event-loop stalls in a V8 CPU profile: stretches of consecutive non-idle samples, i.e. times
 * the main thread did not get back to waiting for I/O. A message that arrives during a stretch
 * waits for its end, so long stretches are what a latency tail is made of; a profile taken with
 * a fine interval (`--cpu-prof-interval=100`) shows them to a tenth of a millisecond.
 *
 * Time the thread spends preempted by another process is inside a stretch too: the profiler's
 * signal is handled when the thread runs again, so the sample lands in whatever the thread was
 * doing, typically a socket write (`writeBuffer`, `writev`) whose wake-up let the other process in.
 *
 *   BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-interval=100 --cpu-prof-dir=/tmp/p" \
 *     BENCH_PHASES=latency BENCH_LATENCY_ROUNDS=1 npm run bench:sync
 *   node --import tsx tests/bench/sync/stalls.ts [--skip-seconds 5] [--min-ms 1] /tmp/p/*.0.001.cpuprofile
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Stretch {
  startMs: number;
  durationMs: number;
  /** The stack (leaf first, "function file") that most samples of the stretch were in. */
  stack: string[];
}

const IDLE = '(idle)';

function frameName(frame: CallFrame): string {
  const file = frame.url.startsWith('node:') ? frame.url : frame.url ? basename(frame.url) : '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
}

/** Busy stretches of at least `minMs`, after skipping the first `skipMs` of the profile. */
export function busyStretches(profile: CpuProfile, options: { skipMs: number; minMs: number }): Stretch[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const stackOf = (id: number): string[] => {
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      if (frame.functionName === '(root)') break;
      stack.push(frameName(frame));
    }
    return stack;
  };

  const times: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  const from = profile.startTime + options.skipMs * 1000;

  const stretches: Stretch[] = [];
  let start = -1;
  let counts = new Map<number, number>();
  const close = (end: number): void => {
    const durationMs = (end - times[start]!) / 1000;
    if (durationMs >= options.minMs) {
      const [top] = [...counts].sort((a, b) => b[1] - a[1]);
      stretches.push({ startMs: (times[start]! - profile.startTime) / 1000, durationMs, stack: stackOf(top![0]) });
    }
    start = -1;
    counts = new Map();
  };
  for (let i = 0; i < profile.samples.length; i++) {
    if (times[i]! < from) continue;
    const id = profile.samples[i]!;
    if (nodes.get(id)!.callFrame.functionName === IDLE) {
      if (start >= 0) close(times[i]!);
      continue;
    }
    if (start < 0) start = i;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  if (start >= 0) close(profile.endTime);
  return stretches;
}

/** Node's own frames: `name node:…` or native (no file). */
const internal = (frame: string): boolean => !frame.includes(' ') || / node:/.test(frame);

/**
 * Where a stretch was: its leaf frame, and the first frame of JavaScript outside Node itself
 * that led there (a socket write alone does not say whose socket).
 */
export function whereOf(stack: readonly string[]): string {
  const leaf = stack[0] ?? '(none)';
  const caller = stack.find((frame) => !internal(frame));
  return caller && caller !== leaf ? `${leaf} ← ${caller}` : leaf;
}

/** Stretches grouped by `whereOf` their dominant stack, longest total first. */
export function groupStretches(
  stretches: readonly Stretch[],
): Array<{ where: string; count: number; totalMs: number; maxMs: number }> {
  const groups = new Map<string, { where: string; count: number; totalMs: number; maxMs: number }>();
  for (const s of stretches) {
    const where = whereOf(s.stack);
    const g = groups.get(where) ?? { where, count: 0, totalMs: 0, maxMs: 0 };
    g.count += 1;
    g.totalMs += s.durationMs;
    g.maxMs = Math.max(g.maxMs, s.durationMs);
    groups.set(where, g);
  }
  return [...groups.values()].sort((a, b) => b.totalMs - a.totalMs);
}

function main(argv: string[]): void {
  let skipMs = 5000;
  let minMs = 1;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--skip-seconds') skipMs = Number(argv[++i]) * 1000;
    else if (arg === '--min-ms') minMs = Number(argv[++i]);
    else files.push(arg);
  }
  if (files.length === 0 || ![skipMs, minMs].every(Number.isFinite)) {
    console.error('usage: stalls.ts [--skip-seconds S] [--min-ms M] profile.cpuprofile…');
    process.exit(2);
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const stretches = busyStretches(profile, { skipMs, minMs });
    const total = stretches.reduce((sum, s) => sum + s.durationMs, 0);
    const seconds = (profile.endTime - profile.startTime) / 1e6 - skipMs / 1000;
    console.log(
      `${basename(file)}: ${stretches.length} stretches ≥ ${minMs} ms in ${seconds.toFixed(1)} s, ${total.toFixed(1)} ms in all`,
    );
    for (const g of groupStretches(stretches).slice(0, 12)) {
      console.log(
        `  ${String(g.count).padStart(5)} × ${g.totalMs.toFixed(1).padStart(7)} ms (max ${g.maxMs.toFixed(1)})  ${g.where}`,
      );
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
