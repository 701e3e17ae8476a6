/** The project series read for the console: latest figures, live overlay, aggregates, drift, speed. */
import { describe, expect, it } from 'vitest';
import { bucketDrift } from '../../../../shared/agreement/project.ts';
import { DAY, HOUR } from '../../../../web/lib/charts/scale.ts';
import {
  annotatorSpeed,
  annotatorStats,
  chooseBucket,
  driftLines,
  latestFigures,
  latestFromSeries,
  projectHeadline,
  stats,
  tierCards,
  tierStats,
  withLive,
} from '../../../../web/lib/qa/series.ts';
import { point, threeAnnotatorReport } from './fixtures.ts';

const T0 = Date.UTC(2026, 2, 2, 9); // Monday 2 March 2026, 09:00 UTC

/** Two stored reports of task A (the second lower), one of task B (its headline null). */
const series = [
  point(T0, 'A', 'task', 0.8),
  point(T0, 'A', 'tier', 0.8, { tierId: 'turns' }),
  point(T0, 'A', 'vs_others', 0.8, { userId: 'ada' }),
  point(T0, 'A', 'vs_others', 0.8, { userId: 'ben' }),
  point(T0 + DAY, 'A', 'task', 0.6),
  point(T0 + DAY, 'A', 'tier', 0.5, { tierId: 'turns' }),
  point(T0 + DAY, 'A', 'tier', 0.7, { tierId: 'visual' }),
  point(T0 + DAY, 'A', 'vs_others', 0.6, { userId: 'ada' }),
  point(T0 + DAY, 'A', 'vs_others', 0.6, { userId: 'ben' }),
  point(T0 + DAY + HOUR, 'B', 'tier', 0.9, { tierId: 'visual' }),
  point(T0 + DAY + HOUR, 'B', 'vs_others', 0.9, { userId: 'ada' }),
  point(T0 + DAY + HOUR, 'B', 'vs_gold', 0.4, { userId: 'ada' }),
];

describe('latest figures per task', () => {
  it('takes only the points of the latest report of each task', () => {
    const latest = latestFromSeries(series);
    expect([...latest.keys()].sort()).toEqual(['A', 'B']);
    const a = latest.get('A')!;
    expect(a).toMatchObject({ t: T0 + DAY, value: 0.6, reason: null, live: false });
    expect(Object.fromEntries(a.tiers)).toEqual({ turns: 0.5, visual: 0.7 });
    expect(Object.fromEntries(a.vsOthers)).toEqual({ ada: 0.6, ben: 0.6 });
    const b = latest.get('B')!;
    expect(b.value).toBeNull();
    expect(Object.fromEntries(b.vsGold)).toEqual({ ada: 0.4 });
  });

  it('prefers a live report that is as new or newer than the stored one', () => {
    const live = threeAnnotatorReport(T0 + 2 * DAY);
    live.taskId = 'A';
    const merged = latestFigures(series, { A: live });
    expect(merged.get('A')).toMatchObject({ live: true, t: T0 + 2 * DAY, value: live.headline.value });
    expect(merged.get('A')!.vsOthers.get('ann1')).toBe(live.annotatorSummary[0]!.meanVsOthers.value);
    // An older live report does not replace a newer stored one.
    const old = threeAnnotatorReport(T0);
    expect(latestFigures(series, { A: old }).get('A')!.live).toBe(false);
    // A task only seen live is added.
    expect(latestFigures([], { C: live }).get('C')!.live).toBe(true);
  });

  it('aggregates as the server does: means over the latest of each task, nulls skipped', () => {
    const latest = latestFromSeries(series);
    expect(projectHeadline(latest)).toEqual({ n: 1, mean: 0.6, min: 0.6, max: 0.6 });
    const tiers = tierStats(latest);
    expect(tiers.get('turns')).toEqual({ n: 1, mean: 0.5, min: 0.5, max: 0.5 });
    expect(tiers.get('visual')!.mean).toBeCloseTo(0.8);
    expect(tiers.get('visual')).toMatchObject({ n: 2, min: 0.7, max: 0.9 });
    const users = annotatorStats(latest);
    expect(users.get('ada')!.vsOthers.mean).toBeCloseTo(0.75);
    expect(users.get('ben')!.vsOthers).toEqual({ n: 1, mean: 0.6, min: 0.6, max: 0.6 });
    expect(users.get('ada')!.vsGold.mean).toBe(0.4);
    expect(stats([])).toEqual({ n: 0, mean: null, min: null, max: null });
  });

  it('lists tier cards in project order, adding tiers seen only live', () => {
    const live = threeAnnotatorReport(T0 + 2 * DAY);
    const cards = tierCards(
      [
        { tierId: 'visual', tierName: 'Visual', metric: 'mean_f1' },
        { tierId: 'gone', tierName: 'Gone', metric: 'slice_alpha' },
      ],
      { X: live },
      latestFromSeries(series),
    );
    expect(cards.map((c) => c.id)).toEqual(['visual', 'gone', 'turns']);
    expect(cards[1]!.stats.n).toBe(0);
    expect(cards[2]).toMatchObject({ name: 'Turns', metric: 'slice_alpha' });
  });
});

describe('drift', () => {
  it('chooses hourly, daily or weekly buckets from the span', () => {
    expect(chooseBucket(0)).toBe('hour');
    expect(chooseBucket(2 * DAY)).toBe('hour');
    expect(chooseBucket(3 * DAY)).toBe('day');
    expect(chooseBucket(200 * DAY)).toBe('week');
  });

  it('gives one line per annotator with the bucket means of bucketDrift', () => {
    const lines = driftLines(series, 'vs_others', DAY, 0);
    expect(lines.map((l) => l.userId)).toEqual(['ada', 'ben']);
    const ada = lines[0]!.points;
    const day = (t: number) => Math.floor(t / DAY) * DAY;
    expect(ada).toEqual([
      { t: day(T0), value: 0.8, n: 1 },
      { t: day(T0 + DAY), value: 0.75, n: 2 },
    ]);
    // Same numbers as shared/agreement's bucketDrift.
    const shared = bucketDrift(
      series.filter((p) => p.metric === 'vs_others' && p.userId === 'ada'),
      DAY,
    );
    expect(shared.map((p) => p.value)).toEqual(ada.map((p) => p.value));
    expect(driftLines(series, 'vs_gold', DAY, 0)).toEqual([
      { userId: 'ada', points: [{ t: day(T0 + DAY), value: 0.4, n: 1 }] },
    ]);
  });

  it('aligns day buckets to local midnight', () => {
    // 23:30 UTC is already the next day in UTC+2.
    const late = [point(Date.UTC(2026, 2, 2, 23, 30), 'A', 'vs_others', 0.5, { userId: 'ada' })];
    const [line] = driftLines(late, 'vs_others', DAY, 2 * HOUR);
    expect(line!.points[0]!.t).toBe(Date.UTC(2026, 2, 3) - 2 * HOUR);
    const [utc] = driftLines(late, 'vs_others', DAY, 0);
    expect(utc!.points[0]!.t).toBe(Date.UTC(2026, 2, 2));
  });
});

describe('annotator speed', () => {
  it('divides annotations by the distinct local days with a report of theirs', () => {
    expect(annotatorSpeed(series, 'ada', 30, 0)).toEqual({
      activeDays: 2,
      unitsPerDay: 15,
      first: T0,
      last: T0 + DAY + HOUR,
    });
    expect(annotatorSpeed(series, 'ben', 9, 0)).toMatchObject({ activeDays: 2, unitsPerDay: 4.5 });
    expect(annotatorSpeed(series, 'nobody', 5, 0)).toEqual({
      activeDays: 0,
      unitsPerDay: null,
      first: null,
      last: null,
    });
  });

  it('counts days in local time', () => {
    // 22:30 and 23:30 UTC on the same UTC day straddle local midnight in UTC+1.
    const pts = [
      point(Date.UTC(2026, 2, 2, 22, 30), 'A', 'vs_others', 0.5, { userId: 'ada' }),
      point(Date.UTC(2026, 2, 2, 23, 30), 'A', 'vs_others', 0.5, { userId: 'ada' }),
    ];
    expect(annotatorSpeed(pts, 'ada', 10, 0).activeDays).toBe(1);
    expect(annotatorSpeed(pts, 'ada', 10, HOUR + 1).activeDays).toBe(2);
  });
});

describe('live reports in the trend', () => {
  it('adds the figures of live reports newer than the stored ones, in time order', () => {
    const fresh = threeAnnotatorReport(T0 + 3 * DAY);
    fresh.taskId = 'A';
    const stale = threeAnnotatorReport(T0);
    stale.taskId = 'B';
    const merged = withLive(series, { A: fresh, B: stale });
    const added = merged.filter((p) => p.t === T0 + 3 * DAY);
    expect(added.length).toBeGreaterThan(0);
    expect(added.find((p) => p.metric === 'task')!.value).toBe(fresh.headline.value);
    expect(merged.filter((p) => p.taskId === 'B')).toHaveLength(3); // the stale one is not added
    expect(merged.map((p) => p.t)).toEqual([...merged.map((p) => p.t)].sort((a, b) => a - b));
    expect(withLive(series, {})).toEqual(series);
  });
});
