import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Peer, PeerId } from './peers.ts';
import type { ColdOutcome, HeapOutcome, LatencyOutcome } from './phases.ts';

export interface PeerResults {
  peer: Peer;
  /** The latency round with the median p99 (the only round unless BENCH_LATENCY_ROUNDS > 1). */
  latency: LatencyOutcome | null;
  latencyRounds: LatencyOutcome[];
  /** null: the peer has no cold-load configuration in this run. */
  cold: ColdOutcome | null;
  heap: HeapOutcome | null;
  /** Extra observations printed under the table (e.g. seeding cost). */
  notes: string[];
  errors: string[];
}

export interface TargetResult {
  name: string;
  value: number | null;
  limit: number;
  unit: string;
  pass: boolean | null;
  /** The lowest value any server could reach here, when that is known and above the limit. */
  floor?: number | null;
  /** Shown under the verdict. */
  explanation?: string;
}

type Results = Partial<Record<PeerId, PeerResults>>;

const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : a / b;

/** The round whose p99 is the median of all rounds (the lower middle one for an even count). */
export function medianRound(rounds: readonly LatencyOutcome[]): LatencyOutcome | null {
  if (rounds.length === 0) return null;
  const sorted = [...rounds].sort((a, b) => a.latencyMs.p99 - b.latencyMs.p99);
  return sorted[(sorted.length - 1) >> 1]!;
}

export function evaluateTargets(results: Results): TargetResult[] {
  const ours = results.concord;
  const yws = results['y-websocket-server'];
  const hp = results.hocuspocus;
  const again = results['y-websocket-server-again'];
  const noise = ratio(again?.latency?.latencyMs.p99, yws?.latency?.latencyMs.p99);
  const heapKiB = ours?.heap ? ours.heap.bytesPerDoc / 1024 : null;
  const rows: Array<Omit<TargetResult, 'pass'>> = [
    {
      name: 'p99 latency: ours ÷ @y/websocket-server',
      value: ratio(ours?.latency?.latencyMs.p99, yws?.latency?.latencyMs.p99),
      limit: 1.0,
      unit: '×',
      ...(noise === null
        ? {}
        : {
            explanation: `the benchmark's own noise in this run: @y/websocket-server against a second copy of itself, ${noise.toFixed(2)} ×`,
          }),
    },
    {
      name: 'p99 latency: ours ÷ Hocuspocus',
      value: ratio(ours?.latency?.latencyMs.p99, hp?.latency?.latencyMs.p99),
      limit: 0.7,
      unit: '×',
    },
    {
      name: "cold load, the server's share (connect → document frame received): ours ÷ Hocuspocus",
      value: ratio(ours?.cold?.medianStateFrameMs, hp?.cold?.medianStateFrameMs),
      limit: 0.2,
      unit: '×',
    },
    {
      name: 'cold load end to end (connect → client holds the document): ours ÷ Hocuspocus',
      value: ratio(ours?.cold?.medianMs, hp?.cold?.medianMs),
      limit: 0.2,
      unit: '×',
      // The client integrating the state it receives is the same work whichever server sent it.
      floor: ratio(ours?.cold?.clientApplyMs, hp?.cold?.medianMs),
    },
    { name: 'heap per idle document (ours)', value: heapKiB, limit: 8, unit: 'KiB' },
  ];
  return rows.map((row) => {
    const pass = row.value === null ? null : row.value <= row.limit;
    const floor = 'floor' in row ? (row.floor ?? null) : null;
    if (pass !== false || floor === null || floor <= row.limit) return { ...row, pass };
    return {
      ...row,
      pass,
      floor,
      explanation:
        `out of any server's reach in this run: the client library alone takes ${floor.toFixed(2)}× Hocuspocus' ` +
        `end-to-end time to integrate the document (one Y.applyUpdate, no server involved)`,
    };
  });
}

const ms = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(1);
const kib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : (bytes / 1024).toFixed(2));

export function formatReport(results: Results, targets: TargetResult[], notes: string[]): string {
  const columns = (Object.values(results) as PeerResults[]).filter(Boolean);
  const rows: Array<[string, (r: PeerResults) => string]> = [
    ['latency p50 (ms)', (r) => ms(r.latency?.latencyMs.p50)],
    ['latency p90 (ms)', (r) => ms(r.latency?.latencyMs.p90)],
    ['latency p99 (ms)', (r) => ms(r.latency?.latencyMs.p99)],
    ['latency max (ms)', (r) => ms(r.latency?.latencyMs.max)],
    ...(columns.some((c) => c.latencyRounds.length > 1)
      ? ([
          ['latency p99 of every round (ms)', (r) => r.latencyRounds.map((l) => ms(l.latencyMs.p99)).join(' ')],
        ] as Array<[string, (r: PeerResults) => string]>)
      : []),
    ['deliveries received / expected', (r) => (r.latency ? `${r.latency.received}/${r.latency.expected}` : 'n/a')],
    [
      'frames / bytes clients received per delivery',
      (r) =>
        r.latency?.clientFrames
          ? `${(r.latency.clientFrames / r.latency.received).toFixed(2)} / ${(r.latency.clientBytes / r.latency.received).toFixed(0)}`
          : 'n/a',
    ],
    ['server CPU during latency run (s)', (r) => (r.latency ? r.latency.serverCpuSeconds.toFixed(2) : 'n/a')],
    [
      'server event-loop delay p99 / max (ms)',
      (r) => (r.latency ? `${ms(r.latency.serverLoopDelayMs.p99)} / ${ms(r.latency.serverLoopDelayMs.max)}` : 'n/a'),
    ],
    ['load-gen send lag p99 (ms)', (r) => ms(r.latency?.sendLagMs.p99)],
    [
      'load-gen CPU busy during load (%)',
      (r) => (r.latency ? ((100 * r.latency.loadgenCpuSeconds) / r.latency.loadSeconds).toFixed(0) : 'n/a'),
    ],
    ['cold load median (ms)', (r) => ms(r.cold?.medianMs)],
    ['cold load, first doc (ms)', (r) => ms(r.cold?.firstMs)],
    ['cold: connect → state frame received (ms)', (r) => ms(r.cold?.medianStateFrameMs)],
    ['cold: connect → synced (ms)', (r) => ms(r.cold?.medianSyncedMs)],
    ['cold: client apply of the state alone (ms)', (r) => ms(r.cold?.clientApplyMs)],
    ['cold content check', (r) => (r.cold ? (r.cold.contentOk ? 'ok' : 'FAILED') : 'n/a')],
    ['heap per idle doc (KiB)', (r) => kib(r.heap?.bytesPerDoc)],
    ['heap per idle doc incl. fixed (KiB)', (r) => kib(r.heap?.bytesPerDocFromBaseline)],
  ];
  const header = ['metric', ...columns.map((c) => c.peer.label)];
  const body = rows.map(([name, cell]) => [name, ...columns.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line), ''];
  out.push('targets:');
  for (const t of targets) {
    const verdict = t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL';
    const value = t.value === null ? 'n/a' : t.value.toFixed(2);
    out.push(`  ${verdict}  ${t.name}: ${value} ${t.unit} (target ≤ ${t.limit} ${t.unit})`);
    if (t.explanation) out.push(`        ${t.explanation}`);
  }
  out.push('', 'configurations:');
  for (const c of columns) {
    const phases = [
      c.latency && `latency/heap: ${c.latency.config}`,
      c.cold ? `cold: ${c.cold.config}` : 'cold: n/a',
    ].filter(Boolean);
    out.push(`  ${c.peer.label}: ${phases.join('; ')}`);
    for (const note of c.notes) out.push(`    ${note}`);
    for (const error of c.errors) out.push(`    ERROR: ${error}`);
  }
  if (notes.length) out.push('', 'notes:', ...notes.map((n) => `  ${n}`));
  return out.join('\n');
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
