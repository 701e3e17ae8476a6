/**
 * The project series (every stored report's figures, `DriftPoint`s) read for the console: the
 * latest figures per task (optionally overlaid with live task reports, which are newer than the
 * throttled stored ones), tier and annotator aggregates over them, drift lines per annotator
 * (bucketed with shared/agreement's `bucketDrift`), and annotator speed.
 *
 * All points of one stored report share its `t` and `taskId`, so "the latest report of a task" is
 * the set of its points at its largest `t`. A report whose figures were all null left no point;
 * its task then shows its previous figures (the series cannot tell them apart).
 */
import { bucketDrift, driftPoints, type DriftPoint } from '../../../shared/agreement/project.ts';
import type { HeadlineMetric, TaskReport } from '../../../shared/agreement/report-types.ts';
import { DAY, HOUR, WEEK, localOffsetMs } from '../charts/scale.ts';

export interface LatestFigures {
  t: number;
  /** Task headline (null when the report had none). */
  value: number | null;
  reason: string | null;
  /** Tier headlines by tier id. */
  tiers: Map<string, number>;
  /** Per annotator: mean agreement with the others, and with gold. */
  vsOthers: Map<string, number>;
  vsGold: Map<string, number>;
  /** True when the figures come from a live report rather than the stored series. */
  live: boolean;
}

/** The latest report's figures of every task in the series. */
export function latestFromSeries(series: readonly DriftPoint[]): Map<string, LatestFigures> {
  const lastT = new Map<string, number>();
  for (const p of series) if (p.taskId !== null) lastT.set(p.taskId, Math.max(lastT.get(p.taskId) ?? -Infinity, p.t));
  const out = new Map<string, LatestFigures>();
  for (const [taskId, t] of lastT) {
    out.set(taskId, {
      t,
      value: null,
      reason: null,
      tiers: new Map(),
      vsOthers: new Map(),
      vsGold: new Map(),
      live: false,
    });
  }
  for (const p of series) {
    if (p.taskId === null) continue;
    const f = out.get(p.taskId)!;
    if (p.t !== f.t) continue;
    if (p.metric === 'task') {
      f.value = p.value;
      f.reason = null;
    } else if (p.metric === 'tier' && p.tierId !== null) f.tiers.set(p.tierId, p.value);
    else if (p.metric === 'vs_others' && p.userId !== null) f.vsOthers.set(p.userId, p.value);
    else if (p.metric === 'vs_gold' && p.userId !== null) f.vsGold.set(p.userId, p.value);
  }
  return out;
}

/** The figures of one task report, in the same shape. */
export function figuresOfReport(report: TaskReport, live = true): LatestFigures {
  const f: LatestFigures = {
    t: report.computedAt,
    value: report.headline.value,
    reason: report.headline.value === null ? report.headline.reason : null,
    tiers: new Map(),
    vsOthers: new Map(),
    vsGold: new Map(),
    live,
  };
  for (const t of report.tiers) if (t.headline.value !== null) f.tiers.set(t.tierId, t.headline.value);
  for (const a of report.annotatorSummary) {
    if (a.meanVsOthers.value !== null) f.vsOthers.set(a.userId, a.meanVsOthers.value);
    if (a.vsGold?.value !== null && a.vsGold?.value !== undefined) f.vsGold.set(a.userId, a.vsGold.value);
  }
  return f;
}

/** Latest figures per task: the series, replaced by a live report wherever that is as new or newer. */
export function latestFigures(
  series: readonly DriftPoint[],
  live: Readonly<Record<string, TaskReport>> = {},
): Map<string, LatestFigures> {
  const out = latestFromSeries(series);
  for (const [taskId, report] of Object.entries(live)) {
    const stored = out.get(taskId);
    if (!stored || report.computedAt >= stored.t) out.set(taskId, figuresOfReport(report));
  }
  return out;
}

export interface Stats {
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { n: 0, mean: null, min: null, max: null };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { n: values.length, mean: sum / values.length, min, max };
}

/** Project headline: mean of the latest task headlines (as the server computes it). */
export function projectHeadline(latest: ReadonlyMap<string, LatestFigures>): Stats {
  return stats([...latest.values()].flatMap((f) => (f.value === null ? [] : [f.value])));
}

/** Per tier: mean / min / max of the latest tier headlines over tasks. */
export function tierStats(latest: ReadonlyMap<string, LatestFigures>): Map<string, Stats> {
  const values = new Map<string, number[]>();
  for (const f of latest.values())
    for (const [tierId, v] of f.tiers) {
      let list = values.get(tierId);
      if (!list) values.set(tierId, (list = []));
      list.push(v);
    }
  return new Map([...values].map(([tierId, list]) => [tierId, stats(list)]));
}

/** Per annotator: mean over tasks of the latest agreement with the others and with gold. */
export function annotatorStats(
  latest: ReadonlyMap<string, LatestFigures>,
): Map<string, { vsOthers: Stats; vsGold: Stats }> {
  const acc = new Map<string, { others: number[]; gold: number[] }>();
  const get = (u: string) => {
    let a = acc.get(u);
    if (!a) acc.set(u, (a = { others: [], gold: [] }));
    return a;
  };
  for (const f of latest.values()) {
    for (const [u, v] of f.vsOthers) get(u).others.push(v);
    for (const [u, v] of f.vsGold) get(u).gold.push(v);
  }
  return new Map([...acc].map(([u, a]) => [u, { vsOthers: stats(a.others), vsGold: stats(a.gold) }]));
}

export type BucketName = 'hour' | 'day' | 'week';

export const BUCKET_MS: Record<BucketName, number> = { hour: HOUR, day: DAY, week: WEEK };

/** Buckets for a time span: hours up to two days, days up to 90 days, weeks beyond. */
export function chooseBucket(spanMs: number): BucketName {
  if (spanMs <= 2 * DAY) return 'hour';
  if (spanMs <= 90 * DAY) return 'day';
  return 'week';
}

export interface DriftLine {
  userId: string;
  points: Array<{ t: number; value: number; n: number }>;
}

/**
 * One line per annotator: the mean of `metric` over the stored reports in each bucket
 * (`bucketDrift`), buckets aligned to local midnight (`offsetMs`: local minus UTC).
 */
export function driftLines(
  series: readonly DriftPoint[],
  metric: 'vs_others' | 'vs_gold',
  bucketMs: number,
  offsetMs = series.length ? localOffsetMs(series[0]!.t) : 0,
): DriftLine[] {
  const shift = bucketMs >= DAY ? offsetMs : 0;
  const picked = series.filter((p) => p.metric === metric && p.userId !== null).map((p) => ({ ...p, t: p.t + shift }));
  const byUser = new Map<string, DriftLine>();
  for (const b of bucketDrift(picked, bucketMs)) {
    let line = byUser.get(b.userId!);
    if (!line) byUser.set(b.userId!, (line = { userId: b.userId!, points: [] }));
    line.points.push({ t: b.t - shift, value: b.value, n: b.n });
  }
  return [...byUser.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

export interface Speed {
  /** Distinct local calendar days with a stored report carrying this annotator's figures. */
  activeDays: number;
  /** Annotations ÷ active days (null before any active day). */
  unitsPerDay: number | null;
  first: number | null;
  last: number | null;
}

/**
 * Annotator speed, as the console states it: annotations (in the latest reports of their tasks)
 * divided by the number of distinct local days on which a report with their figures was stored —
 * a proxy for days worked, since reports are recomputed whenever a task's layers change.
 */
export function annotatorSpeed(series: readonly DriftPoint[], userId: string, units: number, offsetMs?: number): Speed {
  const days = new Set<number>();
  let first: number | null = null;
  let last: number | null = null;
  for (const p of series) {
    if (p.userId !== userId) continue;
    const off = offsetMs ?? localOffsetMs(p.t);
    days.add(Math.floor((p.t + off) / DAY));
    first = first === null ? p.t : Math.min(first, p.t);
    last = last === null ? p.t : Math.max(last, p.t);
  }
  return { activeDays: days.size, unitsPerDay: days.size > 0 ? units / days.size : null, first, last };
}

export interface TierCard {
  id: string;
  name: string;
  metric: HeadlineMetric;
  stats: Stats;
}

/**
 * Project-level figures per tier (tier order of the project report, then tiers only seen in
 * live reports): mean / min / max of the latest tier headlines over tasks.
 */
export function tierCards(
  tiers: ReadonlyArray<{ tierId: string; tierName: string; metric: HeadlineMetric }>,
  live: Readonly<Record<string, TaskReport>>,
  latest: ReadonlyMap<string, LatestFigures>,
): TierCard[] {
  const byTier = tierStats(latest);
  const meta = new Map(tiers.map((t) => [t.tierId, { name: t.tierName, metric: t.metric }]));
  for (const r of Object.values(live))
    for (const t of r.tiers)
      if (!meta.has(t.tierId)) meta.set(t.tierId, { name: t.tierName, metric: t.headline.metric });
  return [...meta].map(([id, m]) => ({ id, ...m, stats: byTier.get(id) ?? stats([]) }));
}

/**
 * The stored series plus the figures of live reports newer than the task's latest stored report
 * (stores are throttled, so a live report is often not stored yet), sorted by time.
 */
export function withLive(series: readonly DriftPoint[], live: Readonly<Record<string, TaskReport>>): DriftPoint[] {
  const stored = new Map<string, number>();
  for (const p of series) if (p.taskId !== null) stored.set(p.taskId, Math.max(stored.get(p.taskId) ?? -Infinity, p.t));
  const extra = Object.values(live)
    .filter((r) => r.taskId !== null && r.computedAt > (stored.get(r.taskId) ?? -Infinity))
    .flatMap(driftPoints);
  if (extra.length === 0) return [...series];
  return [...series, ...extra].sort((a, b) => a.t - b.t);
}
