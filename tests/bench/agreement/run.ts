/**
 * `npm run bench:agreement`: the agreement engine on one hour of media, 5 annotators × 2,000
 * segments on a segment tier plus entity spans on a 10,000-word transcript (seeded workload).
 *
 *  1. full task report (`taskReport` on the layers' annotations): median / p90 over runs,
 *     target ≤ 50 ms;
 *  2. live: one edit of a layer document → recomputed report delivered to a LiveAgreement
 *     subscriber, p99 over ≥ 200 sequential edits, target ≤ 100 ms (with `--debounce` ms of
 *     quiet time, default 0: the figure is then compute + delivery; a production debounce adds
 *     up to its length);
 *  3. the naive alternative per edit: read every layer and recompute the whole report; ratio.
 *
 * Options: --runs N (default 15), --edits N (default 240), --naive N (default 30),
 * --debounce MS (default 0), --seed N. Prints the machine's speed and load for context, at the
 * start and at the end.
 */
import { availableParallelism, loadavg } from 'node:os';
import * as Y from 'yjs';
import { LiveAgreement } from '../../../server/agreement/live.ts';
import type { TaskContext } from '../../../server/agreement/live.ts';
import { taskReport } from '../../../shared/agreement/index.ts';
import type { TaskReportInput } from '../../../shared/agreement/index.ts';
import type { AnnotationInput, AnnotationPatch } from '../../../shared/model/annotation.ts';
import { LayerDoc } from '../../../shared/model/layer.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';
import { Prng } from '../../helpers/prng.ts';
import { generate, SEGMENT_LABELS, SPAN_LABELS } from './workload.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = option('runs', 15);
const EDITS = option('edits', 240);
const NAIVE = option('naive', 30);
const DEBOUNCE = option('debounce', 0);
const SEED = option('seed', 2024);
const TARGET_FULL_MS = 50;
const TARGET_EDIT_P99_MS = 100;

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Nanoseconds per iteration of a trivial typed-array loop: how fast (and how busy) this machine is. */
function calibrate(): number {
  const a = new Int32Array(1 << 20).map((_, i) => i & 7);
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < 50; k++) for (let i = 0; i < a.length; i++) sum += a[i];
  const ns = ((performance.now() - t0) * 1e6) / (50 * a.length);
  return sum > 0 ? ns : ns;
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  console.log(`agreement bench — node ${process.version}, ${availableParallelism()} CPUs, load average ${load}`);
  console.log(
    `calibration: ${calibrate().toFixed(2)} ns per simple loop iteration (≈ 0.3–0.5 on an idle desktop core)`,
  );

  const w = generate({ seed: SEED, annotators: 5, segments: 2000, words: 10_000, durationSeconds: 3600 });
  const users = [...w.annotators.keys()];
  const segCounts = users.map((u) => w.annotators.get(u)!.filter((a) => a.kind === 'segment').length);
  const spanCounts = users.map((u) => w.annotators.get(u)!.filter((a) => a.kind === 'span').length);
  console.log(
    `workload: ${w.durationSeconds / 60} min media, ${users.length} annotators, segments per annotator ${segCounts.join('/')}, ` +
      `spans ${spanCounts.join('/')} on a ${w.transcript.split(/\s+/).length}-word transcript (seed ${SEED})`,
  );

  // Layer documents (the live service reads these).
  const ctxFor = (author: string): LayerContext => ({
    tiers: w.tiers,
    taxonomy: w.taxonomy,
    mediaDuration: w.durationSeconds,
    now: () => 0,
    author,
    textLength: () => w.transcript.length,
  });
  const docs = new Map<string, Y.Doc>();
  const layers = new Map<string, LayerDoc>();
  let t0 = performance.now();
  for (const u of users) {
    const doc = new Y.Doc();
    const layer = new LayerDoc(doc);
    for (const a of w.annotators.get(u)!) {
      const { createdAt: _c, updatedAt: _u, ...rest } = a;
      layer.create(rest as AnnotationInput, ctxFor(u));
    }
    docs.set(`layer:${u}`, doc);
    layers.set(u, layer);
  }
  console.log(`setup: ${users.length} layer documents filled in ${ms(performance.now() - t0)}`);

  const readInput = (): TaskReportInput => ({
    taskId: 'bench',
    projectId: 'bench',
    tiers: w.tiers,
    taxonomy: w.taxonomy,
    mediaDuration: w.durationSeconds,
    texts: { [w.transcriptMediaId]: w.transcript },
    layers: users.map((u) => ({
      layerId: `L-${u}`,
      userId: u,
      kind: 'annotator' as const,
      annotations: layers.get(u)!.list(),
    })),
  });

  // 1. Full report.
  const input = readInput();
  for (let i = 0; i < 3; i++) taskReport(input);
  const wall: number[] = [];
  const cpu: number[] = [];
  let report = taskReport(input);
  for (let i = 0; i < RUNS; i++) {
    const c0 = cpuMs();
    t0 = performance.now();
    report = taskReport(input);
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  const reads: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    readInput();
    reads.push(performance.now() - t0);
  }
  const fullMedian = quantile(wall, 0.5);
  console.log('');
  console.log(`1. full task report (${RUNS} runs after 3 warm-up)`);
  console.log(
    `   wall median ${ms(fullMedian)}, p90 ${ms(quantile(wall, 0.9))}, min ${ms(Math.min(...wall))}; CPU median ${ms(quantile(cpu, 0.5))}`,
  );
  console.log(`   (reading the 5 layers with LayerDoc.list(): median ${ms(quantile(reads, 0.5))}, not included)`);
  for (const t of report.tiers)
    console.log(
      `   ${t.tierId}: ${t.headline.metric} = ${t.headline.value?.toFixed(4) ?? t.headline.reason}` +
        (t.summary.slices ? `, ${t.summary.slices} slices` : '') +
        (t.summary.unitizingAlpha ? `, αU = ${t.summary.unitizingAlpha.value?.toFixed(4)}` : '') +
        `, mean F1 ${t.summary.meanF1?.toFixed(4)}`,
    );

  // 2. Live: edit → delivered report.
  const ctx: TaskContext = {
    taskId: 'bench',
    projectId: 'bench',
    tiers: w.tiers,
    taxonomy: w.taxonomy,
    settings: {},
    mediaDuration: w.durationSeconds,
    texts: { [w.transcriptMediaId]: w.transcript },
    layers: users.map((u) => ({ layerId: `L-${u}`, userId: u, kind: 'annotator', docName: `layer:${u}` })),
  };
  const live = new LiveAgreement({
    openLayer: async (name) => ({ doc: docs.get(name)!, release: () => {} }),
    taskContext: async () => ctx,
    store: async () => {},
    debounceMs: DEBOUNCE,
    onError: (e) => console.error(e),
  });
  let waiter: ((t: number) => void) | null = null;
  let initial: (() => void) | null = null;
  const ready = new Promise<void>((resolve) => (initial = resolve));
  const unsubscribe = live.subscribe('bench', (u) => {
    if (u.initial) initial?.();
    else waiter?.(performance.now());
  });
  await ready;

  const rng = new Prng(SEED + 1);
  const segIds = new Map(
    users.map((u) => [
      u,
      layers
        .get(u)!
        .list({ tierId: 'sound' })
        .map((a) => a.id),
    ]),
  );
  const spanIds = new Map(
    users.map((u) => [
      u,
      layers
        .get(u)!
        .list({ tierId: 'entities' })
        .map((a) => a.id),
    ]),
  );
  /** One realistic edit: move a boundary, relabel a segment or a span. */
  const edit = (): void => {
    const u = rng.pick(users);
    const layer = layers.get(u)!;
    if (rng.chance(0.8)) {
      const id = rng.pick(segIds.get(u)!);
      const a = layer.get(id);
      if (!a || a.kind !== 'segment') return;
      const patch: AnnotationPatch = rng.chance(0.5)
        ? { end: Math.max(a.start + 0.05, a.end + (rng.next() - 0.5) * 0.02) }
        : { label: rng.pick(SEGMENT_LABELS) };
      layer.update(id, patch, ctxFor(u));
    } else {
      const id = rng.pick(spanIds.get(u)!);
      layer.update(id, { label: rng.pick(SPAN_LABELS) }, ctxFor(u));
    }
  };
  const latencies: number[] = [];
  const editCpu: number[] = [];
  for (let i = 0; i < EDITS + 10; i++) {
    const delivered = new Promise<number>((resolve) => (waiter = resolve));
    const c0 = cpuMs();
    const start = performance.now();
    edit();
    if (live.stats('bench').pendingTiers.length === 0) continue; // a no-op edit
    const end = await delivered;
    if (i < 10) continue; // warm-up
    latencies.push(end - start);
    editCpu.push(cpuMs() - c0);
  }
  const stats = live.stats('bench');
  unsubscribe();
  const p99 = quantile(latencies, 0.99);
  console.log('');
  console.log(`2. live: edit → report delivered to a subscriber (${latencies.length} edits, debounce ${DEBOUNCE} ms)`);
  console.log(
    `   median ${ms(quantile(latencies, 0.5))}, p90 ${ms(quantile(latencies, 0.9))}, p99 ${ms(p99)}, max ${ms(Math.max(...latencies))}`,
  );
  console.log(`   CPU per edit: median ${ms(quantile(editCpu, 0.5))}, p99 ${ms(quantile(editCpu, 0.99))}`);
  console.log(
    `   tier recomputes ${JSON.stringify(stats.tierComputations)}, layer pairs computed ${stats.pairComputations}`,
  );

  // 3. Naive: per edit, read every layer and recompute the whole report.
  const naive: number[] = [];
  const naiveCpu: number[] = [];
  for (let i = 0; i < NAIVE; i++) {
    const c0 = cpuMs();
    const start = performance.now();
    edit();
    taskReport(readInput());
    naive.push(performance.now() - start);
    naiveCpu.push(cpuMs() - c0);
  }
  const ratioMedian = quantile(naive, 0.5) / quantile(latencies, 0.5);
  const ratioP99 = quantile(naive, 0.99) / p99;
  console.log('');
  console.log(`3. naive full recompute per edit (${NAIVE} edits: read all layers + taskReport)`);
  console.log(
    `   median ${ms(quantile(naive, 0.5))}, p99 ${ms(quantile(naive, 0.99))}; CPU median ${ms(quantile(naiveCpu, 0.5))}`,
  );
  console.log(
    `   live is ${ratioMedian.toFixed(1)}× faster at the median, ${ratioP99.toFixed(1)}× at p99 ` +
      `(${(quantile(naiveCpu, 0.5) / quantile(editCpu, 0.5)).toFixed(1)}× in CPU)`,
  );

  console.log('');
  // Load can change during the run: a second reading tells whether the figures above were taken
  // on a busy machine.
  console.log(
    `calibration at the end: ${calibrate().toFixed(2)} ns per simple loop iteration, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const okFull = fullMedian <= TARGET_FULL_MS;
  const okLive = p99 <= TARGET_EDIT_P99_MS;
  console.log(`targets: full report median ${ms(fullMedian)} ≤ ${TARGET_FULL_MS} ms: ${okFull ? 'PASS' : 'FAIL'}`);
  console.log(`         edit → report p99 ${ms(p99)} ≤ ${TARGET_EDIT_P99_MS} ms: ${okLive ? 'PASS' : 'FAIL'}`);
  if (!okFull || !okLive)
    console.log('         (compare the calibration line: targets assume an idle desktop-class core)');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
