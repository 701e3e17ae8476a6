/**
 * Project-level agreement (issue §2 "Project level"): aggregates of task reports per tier and
 * per annotator, and the time series of every stored report for drift plots.
 *
 * Aggregates use the latest report of each task (by `computedAt`); the series uses every report
 * given, so passing the stored history of a project yields its trend. Means are unweighted over
 * tasks (each task counts once, whatever its length) and skip null figures.
 */
import type { AnnotationKind } from '../model/tier.ts';
import type { Figure, HeadlineMetric, TaskReport } from './report-types.ts';

/** One point of a drift plot. `metric` says which figure `value` is. */
export interface DriftPoint {
  /** Report time (ms epoch). */
  t: number;
  taskId: string | null;
  /** Null for task-level points. */
  tierId: string | null;
  /** Null for tier- or task-level points. */
  userId: string | null;
  /**
   * `task`: the task headline; `tier`: a tier headline; `vs_others` / `vs_gold`: an annotator's
   * mean agreement with the other annotators / with gold over the task's tiers.
   */
  metric: 'task' | 'tier' | 'vs_others' | 'vs_gold';
  value: number;
}

export interface ProjectTierAggregate {
  tierId: string;
  tierName: string;
  kind: AnnotationKind;
  metric: HeadlineMetric;
  /** Tasks with a non-null headline on this tier. */
  tasks: number;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface ProjectAnnotatorAggregate {
  userId: string;
  /** Tasks where the annotator has a layer. */
  tasks: number;
  units: number;
  /** Mean over tasks of the annotator's mean agreement with the others. */
  meanVsOthers: number | null;
  /** Mean over tasks of the annotator's agreement with gold (tasks with gold only). */
  meanVsGold: number | null;
  /** Tasks that contributed to meanVsGold. */
  goldTasks: number;
}

export interface ProjectReport {
  projectId: string | null;
  computedAt: number;
  /** Distinct tasks among the reports. */
  tasks: number;
  /** Mean of the latest task headlines. */
  headline: Figure;
  tiers: ProjectTierAggregate[];
  annotators: ProjectAnnotatorAggregate[];
  /** Every figure of every report, sorted by time (then task, tier, user, metric). */
  series: DriftPoint[];
}

const cmp = (a: string | null, b: string | null): number =>
  (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;

function stats(values: readonly number[]): { mean: number | null; min: number | null; max: number | null } {
  if (values.length === 0) return { mean: null, min: null, max: null };
  let s = 0;
  for (const v of values) s += v;
  return { mean: s / values.length, min: Math.min(...values), max: Math.max(...values) };
}

/** Latest report per task (reports without a task id are all kept). */
export function latestPerTask(reports: readonly TaskReport[]): TaskReport[] {
  const byTask = new Map<string, TaskReport>();
  const loose: TaskReport[] = [];
  for (const r of reports) {
    if (r.taskId === null) {
      loose.push(r);
      continue;
    }
    const prev = byTask.get(r.taskId);
    if (!prev || r.computedAt >= prev.computedAt) byTask.set(r.taskId, r);
  }
  return [...[...byTask.values()].sort((x, y) => cmp(x.taskId, y.taskId)), ...loose];
}

/** Drift points of one task report. */
export function driftPoints(r: TaskReport): DriftPoint[] {
  const out: DriftPoint[] = [];
  const base = { t: r.computedAt, taskId: r.taskId };
  if (r.headline.value !== null)
    out.push({ ...base, tierId: null, userId: null, metric: 'task', value: r.headline.value });
  for (const t of r.tiers)
    if (t.headline.value !== null)
      out.push({ ...base, tierId: t.tierId, userId: null, metric: 'tier', value: t.headline.value });
  for (const a of r.annotatorSummary) {
    if (a.meanVsOthers.value !== null)
      out.push({ ...base, tierId: null, userId: a.userId, metric: 'vs_others', value: a.meanVsOthers.value });
    if (a.vsGold?.value !== null && a.vsGold?.value !== undefined)
      out.push({ ...base, tierId: null, userId: a.userId, metric: 'vs_gold', value: a.vsGold.value });
  }
  return out;
}

/** Aggregates task reports of one project (see module doc). */
export function projectReport(
  reports: readonly TaskReport[],
  options: { projectId?: string | null; computedAt?: number } = {},
): ProjectReport {
  const latest = latestPerTask(reports);
  const tierMap = new Map<
    string,
    { tierName: string; kind: AnnotationKind; metric: HeadlineMetric; values: number[] }
  >();
  const users = new Map<string, { tasks: number; units: number; others: number[]; gold: number[] }>();
  const headlines: number[] = [];
  for (const r of latest) {
    if (r.headline.value !== null) headlines.push(r.headline.value);
    for (const t of r.tiers) {
      let agg = tierMap.get(t.tierId);
      if (!agg)
        tierMap.set(t.tierId, (agg = { tierName: t.tierName, kind: t.kind, metric: t.headline.metric, values: [] }));
      if (t.headline.value !== null) agg.values.push(t.headline.value);
    }
    for (const a of r.annotatorSummary) {
      let u = users.get(a.userId);
      if (!u) users.set(a.userId, (u = { tasks: 0, units: 0, others: [], gold: [] }));
      u.tasks++;
      u.units += a.units;
      if (a.meanVsOthers.value !== null) u.others.push(a.meanVsOthers.value);
      if (a.vsGold?.value !== null && a.vsGold?.value !== undefined) u.gold.push(a.vsGold.value);
    }
  }
  const series = reports
    .flatMap(driftPoints)
    .sort(
      (x, y) =>
        x.t - y.t ||
        cmp(x.taskId, y.taskId) ||
        cmp(x.tierId, y.tierId) ||
        cmp(x.userId, y.userId) ||
        cmp(x.metric, y.metric),
    );
  const h = stats(headlines);
  return {
    projectId: options.projectId ?? latest.find((r) => r.projectId !== null)?.projectId ?? null,
    computedAt: options.computedAt ?? Date.now(),
    tasks: latest.length,
    headline: h.mean === null ? { value: null, reason: 'empty_input' } : { value: h.mean, reason: null },
    tiers: [...tierMap.entries()]
      .sort((x, y) => cmp(x[0], y[0]))
      .map(([tierId, a]) => ({
        tierId,
        tierName: a.tierName,
        kind: a.kind,
        metric: a.metric,
        tasks: a.values.length,
        ...stats(a.values),
      })),
    annotators: [...users.entries()]
      .sort((x, y) => cmp(x[0], y[0]))
      .map(([userId, u]) => ({
        userId,
        tasks: u.tasks,
        units: u.units,
        meanVsOthers: stats(u.others).mean,
        meanVsGold: stats(u.gold).mean,
        goldTasks: u.gold.length,
      })),
    series,
  };
}

/**
 * Buckets drift points by time (`bucketMs`, e.g. a day) and by (metric, tier, user): one point
 * per bucket with the mean value at the bucket start. For smoother drift plots.
 */
export function bucketDrift(points: readonly DriftPoint[], bucketMs: number): (DriftPoint & { n: number })[] {
  const groups = new Map<string, { p: DriftPoint; sum: number; n: number }>();
  for (const p of points) {
    const t = Math.floor(p.t / bucketMs) * bucketMs;
    const key = JSON.stringify([t, p.metric, p.tierId, p.userId]);
    const g = groups.get(key);
    if (g) {
      g.sum += p.value;
      g.n++;
    } else groups.set(key, { p: { ...p, t, taskId: null }, sum: p.value, n: 1 });
  }
  return [...groups.values()]
    .map(({ p, sum, n }) => ({ ...p, value: sum / n, n }))
    .sort((x, y) => x.t - y.t || cmp(x.metric, y.metric) || cmp(x.tierId, y.tierId) || cmp(x.userId, y.userId));
}
