/**
 * The console's task table and per-annotator progress: rows with the latest agreement and the
 * threshold flag, sorting (missing figures always last), and tasks submitted / assigned per
 * annotator from the task list's assignments.
 */
import type { TaskStatus } from '../../../shared/domain/task.ts';
import { TASK_STATUSES } from '../../../shared/domain/task.ts';
import { isBelow } from './figures.ts';
import type { DriftPoint } from '../../../shared/agreement/project.ts';
import { seriesStyle } from '../charts/color.ts';
import { annotatorSpeed, annotatorStats, stats, type LatestFigures, type Speed, type Stats } from './series.ts';

/** The parts of an API task the console reads. */
export interface TaskLike {
  id: string;
  name: string;
  status: TaskStatus;
  assignments: ReadonlyArray<{
    userId: string;
    username: string;
    displayName: string;
    role: 'annotator' | 'reviewer';
    submittedAt: string | null;
  }>;
}

export interface TaskRow {
  id: string;
  name: string;
  status: TaskStatus;
  /** Latest task headline (null: none yet or not computable). */
  value: number | null;
  reason: string | null;
  /** When that figure was computed (ms epoch), null without a report. */
  t: number | null;
  live: boolean;
  below: boolean;
  submitted: number;
  annotators: number;
}

export function taskRows(
  tasks: readonly TaskLike[],
  latest: ReadonlyMap<string, LatestFigures>,
  threshold: number | null,
): TaskRow[] {
  return tasks.map((task) => {
    const f = latest.get(task.id);
    const annotators = task.assignments.filter((a) => a.role === 'annotator');
    return {
      id: task.id,
      name: task.name,
      status: task.status,
      value: f?.value ?? null,
      reason: f ? f.reason : 'no_report',
      t: f?.t ?? null,
      live: f?.live ?? false,
      below: isBelow(f?.value ?? null, threshold),
      submitted: annotators.filter((a) => a.submittedAt !== null).length,
      annotators: annotators.length,
    };
  });
}

export type SortKey = 'name' | 'status' | 'agreement' | 'updated';
export type SortDir = 'asc' | 'desc';

const STATUS_ORDER = new Map(TASK_STATUSES.map((s, i) => [s, i]));
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Sorted copy: by name, workflow status (open … rejected), agreement or report time; rows
 * without a value sort last in both directions; ties fall back to the name, then the id.
 */
export function sortRows(rows: readonly TaskRow[], key: SortKey, dir: SortDir): TaskRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const value = (r: TaskRow): number | string | null => {
    switch (key) {
      case 'name':
        return r.name;
      case 'status':
        return STATUS_ORDER.get(r.status) ?? 99;
      case 'agreement':
        return r.value;
      case 'updated':
        return r.t;
    }
  };
  const tie = (a: TaskRow, b: TaskRow) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? tie(a, b) : x === null ? 1 : -1;
    const c = typeof x === 'string' ? collator.compare(x, y as string) : x - (y as number);
    return c !== 0 ? sign * c : tie(a, b);
  });
}

/** The next sort state when a column header is clicked: toggles, or a sensible first direction. */
export function nextSort(current: { key: SortKey; dir: SortDir }, key: SortKey): { key: SortKey; dir: SortDir } {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  // Agreement: worst first; time: newest first; text and status: A → Z / workflow order.
  return { key, dir: key === 'updated' ? 'desc' : 'asc' };
}

/** A page of `size` rows (page clamped to the last one). */
export function pageOf<T>(rows: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { items: rows.slice(p * size, p * size + size), page: p, pages };
}

export interface Progress {
  userId: string;
  name: string;
  assigned: number;
  submitted: number;
}

/** Per annotator: tasks assigned and tasks they submitted (accepted tasks count as submitted). */
export function annotatorProgress(tasks: readonly TaskLike[]): Map<string, Progress> {
  const out = new Map<string, Progress>();
  for (const task of tasks) {
    for (const a of task.assignments) {
      if (a.role !== 'annotator') continue;
      let p = out.get(a.userId);
      if (!p)
        out.set(a.userId, (p = { userId: a.userId, name: a.displayName || a.username, assigned: 0, submitted: 0 }));
      p.assigned++;
      const done = a.submittedAt !== null || task.status === 'in_review' || task.status === 'accepted';
      if (done) p.submitted++;
    }
  }
  return out;
}

/** One row of the console's annotator table. */
export interface AnnotatorRow {
  userId: string;
  name: string;
  /** Colour and dash of the annotator's drift line. */
  color: string;
  dash: string;
  assigned: number;
  submitted: number;
  units: number;
  vsOthers: Stats;
  vsGold: Stats;
  speed: Speed;
}

/**
 * The annotator table: everyone assigned to a task or present in a report (gold excluded),
 * sorted by name, each with the colour of their drift line.
 */
export function annotatorRows(input: {
  tasks: readonly TaskLike[];
  latest: ReadonlyMap<string, LatestFigures>;
  /** Annotations per annotator (project report `annotators[].units`). */
  units: ReadonlyArray<{ userId: string; units: number }>;
  series: readonly DriftPoint[];
  name: (userId: string) => string;
  gold?: string;
}): AnnotatorRow[] {
  const progress = annotatorProgress(input.tasks);
  const agreement = annotatorStats(input.latest);
  const units = new Map(input.units.map((a) => [a.userId, a.units]));
  const ids = new Set([...progress.keys(), ...units.keys(), ...agreement.keys()]);
  ids.delete(input.gold ?? 'gold');
  const list = [...ids].map((id) => ({ id, name: input.name(id) }));
  list.sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
  return list.map(({ id, name }, i) => {
    const u = units.get(id) ?? 0;
    const style = seriesStyle(i);
    return {
      userId: id,
      name,
      color: style.color,
      dash: style.dash,
      assigned: progress.get(id)?.assigned ?? 0,
      submitted: progress.get(id)?.submitted ?? 0,
      units: u,
      vsOthers: agreement.get(id)?.vsOthers ?? stats([]),
      vsGold: agreement.get(id)?.vsGold ?? stats([]),
      speed: annotatorSpeed(input.series, id, u),
    };
  });
}

/** Display names by user id: assignment names, overridden by the member list. */
export function nameMap(
  tasks: readonly TaskLike[],
  members: ReadonlyArray<{ userId: string; username: string; displayName: string }>,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const t of tasks) for (const a of t.assignments) map.set(a.userId, a.displayName || a.username);
  for (const m of members) map.set(m.userId, m.displayName || m.username);
  return map;
}

/** Tasks to watch live: the selected one and those on the shown page, sorted, no duplicates. */
export function watchList(shown: ReadonlyArray<{ id: string }>, selected: string | null): string[] {
  const ids = new Set(shown.map((r) => r.id));
  if (selected) ids.add(selected);
  return [...ids].sort();
}
