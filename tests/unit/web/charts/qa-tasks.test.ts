/** The console's task table (rows, threshold flag, sorting, paging) and annotator progress. */
import { describe, expect, it } from 'vitest';
import { latestFromSeries } from '../../../../web/lib/qa/series.ts';
import {
  annotatorProgress,
  annotatorRows,
  nameMap,
  nextSort,
  pageOf,
  sortRows,
  taskRows,
  watchList,
  type TaskLike,
  type TaskRow,
} from '../../../../web/lib/qa/tasks.ts';
import { point } from './fixtures.ts';

const person = (userId: string, role: 'annotator' | 'reviewer', submittedAt: string | null = null) => ({
  userId,
  username: userId,
  displayName: userId === 'ada' ? 'Ada' : '',
  role,
  submittedAt,
});

const tasks: TaskLike[] = [
  {
    id: 't1',
    name: 'Task 10',
    status: 'in_progress',
    assignments: [person('ada', 'annotator'), person('ben', 'annotator', '2026-03-01')],
  },
  {
    id: 't2',
    name: 'Task 2',
    status: 'accepted',
    assignments: [person('ada', 'annotator', '2026-03-01'), person('rev', 'reviewer')],
  },
  { id: 't3', name: 'Task 3', status: 'open', assignments: [person('ben', 'annotator')] },
  { id: 't4', name: 'Task 4', status: 'in_review', assignments: [person('ada', 'annotator')] },
];

const series = [
  point(100, 't1', 'task', 0.9),
  point(200, 't2', 'task', 0.4),
  point(300, 't4', 'task', 0.667),
  point(300, 't4', 'vs_others', 0.667, { userId: 'ada' }),
];

const rows = () => taskRows(tasks, latestFromSeries(series), 0.667);

describe('task rows', () => {
  it('carries the latest figure and flags tasks below the threshold', () => {
    const r = rows();
    expect(r.map((x) => [x.id, x.value, x.below])).toEqual([
      ['t1', 0.9, false],
      ['t2', 0.4, true],
      ['t3', null, false],
      ['t4', 0.667, false],
    ]);
    expect(r[2]).toMatchObject({ reason: 'no_report', t: null });
    expect(r[0]).toMatchObject({ submitted: 1, annotators: 2 });
  });

  it('sorts by agreement with missing figures last in both directions', () => {
    const ids = (list: TaskRow[]) => list.map((x) => x.id);
    expect(ids(sortRows(rows(), 'agreement', 'asc'))).toEqual(['t2', 't4', 't1', 't3']);
    expect(ids(sortRows(rows(), 'agreement', 'desc'))).toEqual(['t1', 't4', 't2', 't3']);
    expect(ids(sortRows(rows(), 'updated', 'desc'))).toEqual(['t4', 't2', 't1', 't3']);
  });

  it('sorts by workflow status and by name naturally (Task 2 before Task 10)', () => {
    const ids = (list: TaskRow[]) => list.map((x) => x.id);
    expect(ids(sortRows(rows(), 'status', 'asc'))).toEqual(['t3', 't1', 't4', 't2']);
    expect(ids(sortRows(rows(), 'status', 'desc'))).toEqual(['t2', 't4', 't1', 't3']);
    expect(ids(sortRows(rows(), 'name', 'asc'))).toEqual(['t2', 't3', 't4', 't1']);
  });

  it('breaks ties by name and does not mutate its input', () => {
    const input = rows().map((x) => ({ ...x, value: 0.5 }));
    const before = input.map((x) => x.id);
    expect(sortRows(input, 'agreement', 'desc').map((x) => x.name)).toEqual(['Task 2', 'Task 3', 'Task 4', 'Task 10']);
    expect(input.map((x) => x.id)).toEqual(before);
  });

  it('toggles the sort direction, worst agreement and newest reports first', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'agreement')).toEqual({ key: 'agreement', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'updated')).toEqual({ key: 'updated', dir: 'desc' });
  });

  it('pages and clamps the page', () => {
    const list = Array.from({ length: 23 }, (_, i) => i);
    expect(pageOf(list, 0, 10)).toEqual({ items: list.slice(0, 10), page: 0, pages: 3 });
    expect(pageOf(list, 9, 10)).toEqual({ items: [20, 21, 22], page: 2, pages: 3 });
    expect(pageOf([], 3, 10)).toEqual({ items: [], page: 0, pages: 1 });
  });

  it('watches the shown tasks and the selected one', () => {
    expect(watchList([{ id: 'b' }, { id: 'a' }], 'z')).toEqual(['a', 'b', 'z']);
    expect(watchList([{ id: 'b' }], 'b')).toEqual(['b']);
    expect(watchList([], null)).toEqual([]);
  });
});

describe('annotators', () => {
  it('counts tasks assigned and submitted (in review and accepted count as submitted)', () => {
    const p = annotatorProgress(tasks);
    expect(p.get('ada')).toEqual({ userId: 'ada', name: 'Ada', assigned: 3, submitted: 2 });
    expect(p.get('ben')).toEqual({ userId: 'ben', name: 'ben', assigned: 2, submitted: 1 });
    expect(p.has('rev')).toBe(false);
  });

  it('builds the table rows sorted by name with their drift colours', () => {
    const names = nameMap(tasks, [{ userId: 'ben', username: 'ben', displayName: 'Ben B.' }]);
    expect(names.get('ada')).toBe('Ada');
    expect(names.get('ben')).toBe('Ben B.');
    const list = annotatorRows({
      tasks,
      latest: latestFromSeries(series),
      units: [
        { userId: 'ada', units: 12 },
        { userId: 'gold', units: 3 },
      ],
      series,
      name: (id) => names.get(id) ?? id,
    });
    expect(list.map((r) => r.name)).toEqual(['Ada', 'Ben B.']);
    expect(list[0]).toMatchObject({ assigned: 3, submitted: 2, units: 12, vsOthers: { n: 1, mean: 0.667 } });
    expect(list[0]!.speed).toMatchObject({ activeDays: 1, unitsPerDay: 12 });
    expect(list[0]!.color).not.toBe(list[1]!.color);
    expect(list[1]).toMatchObject({ units: 0, vsOthers: { n: 0, mean: null } });
  });
});
