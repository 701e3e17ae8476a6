/** The bucketed interval index against brute force, under random inserts, removals and queries. */
import { describe, expect, it } from 'vitest';
import { IntervalIndex, compareIntervals } from '../../../../web/lib/timeline/interval-index.ts';
import type { Interval } from '../../../../web/lib/timeline/interval-index.ts';
import { Prng } from '../../../helpers/prng.ts';

const seeds = Number(process.env.FUZZ_SEEDS ?? 20);

function randomInterval(rng: Prng, id: string): Interval {
  const start = rng.chance(0.1) ? rng.int(100) : rng.next() * 3600; // some exact duplicates of starts
  if (rng.chance(0.2)) return { id, start, end: start }; // events
  const len = rng.chance(0.02) ? rng.next() * 3600 : rng.next() * 5; // a few very long items
  return { id, start, end: start + len };
}

function brute(items: Iterable<Interval>, t0: number, t1: number): string[] {
  return [...items]
    .filter((i) => i.start <= t1 && i.end >= t0)
    .sort(compareIntervals)
    .map((i) => i.id);
}

describe('IntervalIndex', () => {
  for (let seed = 1; seed <= seeds; seed++)
    it(`matches brute force (seed ${seed})`, () => {
      const rng = new Prng(seed);
      const live = new Map<string, Interval>();
      const initial: Interval[] = [];
      for (let i = 0; i < rng.int(800); i++) initial.push(randomInterval(rng, `i${i}`));
      for (const it of initial) live.set(it.id, it);
      const index = new IntervalIndex(initial);
      let next = initial.length;
      for (let step = 0; step < 1500; step++) {
        const r = rng.next();
        if (r < 0.35) {
          const it = randomInterval(rng, `n${next++}`);
          live.set(it.id, it);
          index.insert(it);
        } else if (r < 0.55 && live.size > 0) {
          const victim = rng.pick([...live.values()]);
          live.delete(victim.id);
          expect(index.remove(victim)).toBe(true);
        } else if (r < 0.65 && live.size > 0) {
          // An update: remove the old snapshot, insert the new one.
          const old = rng.pick([...live.values()]);
          const moved = { ...randomInterval(rng, old.id) };
          expect(index.remove(old)).toBe(true);
          index.insert(moved);
          live.set(old.id, moved);
        } else {
          const a = rng.next() * 3700 - 50;
          const t1 = rng.chance(0.3) ? a : a + rng.next() * (rng.chance(0.5) ? 10 : 3600);
          expect(index.query(a, t1).map((i) => i.id)).toEqual(brute(live.values(), a, t1));
        }
        if (step % 250 === 0) {
          expect(index.size).toBe(live.size);
          expect(index.toArray().map((i) => i.id)).toEqual([...live.values()].sort(compareIntervals).map((i) => i.id));
        }
      }
      expect(index.remove({ id: 'absent', start: 1, end: 2 })).toBe(false);
    });

  it('scans only near the window even when one item spans everything', () => {
    let reads = 0;
    // Items whose start is counted when read: the index's work per query.
    const item = (id: string, start: number, end: number): Interval => ({
      id,
      get start() {
        reads++;
        return start;
      },
      end,
    });
    const items: Interval[] = [item('long', 0, 3600)];
    for (let i = 0; i < 10000; i++) items.push(item(`s${String(i).padStart(5, '0')}`, i * 0.36, i * 0.36 + 0.3));
    const index = new IntervalIndex(items);
    index.query(0, 0); // builds the lazy prefix maxima
    reads = 0;
    expect(index.query(1800, 1801).map((i) => i.id)).toEqual(['long', 's05000', 's05001', 's05002']);
    // The long item's bucket, the buckets around the window — not the 10,000 items.
    expect(reads).toBeLessThan(600);
    let seen = 0;
    index.visit(0, 3600, () => ++seen < 2); // returning false stops the walk
    expect(seen).toBe(2);
  });

  it('navigates neighbours and boundaries', () => {
    const index = new IntervalIndex<Interval>();
    const a = { id: 'a', start: 1, end: 2 };
    const b = { id: 'b', start: 2, end: 4 };
    const c = { id: 'c', start: 3, end: 3 };
    const d = { id: 'd', start: 10, end: 12 };
    for (const it of [d, b, a, c]) index.insert(it);
    expect(index.next(a)).toBe(b);
    expect(index.prev(b)).toBe(a);
    expect(index.next(d)).toBeNull();
    expect(index.prev(a)).toBeNull();
    expect(index.firstStartingAfter(2)).toBe(c);
    expect(index.firstStartingAfter(2, true)).toBe(b);
    expect(index.lastStartingBefore(3)).toBe(b);
    expect(index.lastStartingBefore(3, true)).toBe(c);
    expect(index.nearestBoundary(2, 1)).toBe(3);
    expect(index.nearestBoundary(4, 1)).toBe(10);
    expect(index.nearestBoundary(10, -1)).toBe(4);
    expect(index.nearestBoundary(1, -1)).toBeNull();
    expect(index.nearestBoundary(12, 1)).toBeNull();
    expect(index.nearestBoundary(2, 1, (it) => it.id === 'c')).toBe(4);
  });

  it('keeps order across bucket splits with thousands of equal starts', () => {
    const index = new IntervalIndex<Interval>();
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = `x${String((i * 7919) % 1000).padStart(4, '0')}`;
      ids.push(id);
      index.insert({ id, start: 5, end: 6 });
    }
    expect(index.toArray().map((i) => i.id)).toEqual([...ids].sort());
    for (const id of ids.slice(0, 500)) expect(index.remove({ id, start: 5, end: 6 })).toBe(true);
    expect(index.size).toBe(500);
    expect(index.query(5.5, 5.5).length).toBe(500);
  });
});
