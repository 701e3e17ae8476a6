/**
 * A bucketed interval index: items kept sorted by (start, id) in small buckets, each bucket
 * knowing its largest end, plus a prefix maximum of those ends. A window query binary-searches the
 * first bucket that can reach the window, skips buckets whose items all end before it, and stops
 * at the first bucket starting after it — so a frame visits only the visible items (plus at most
 * two partial buckets), even when one long item spans the whole file. Inserts and removals touch
 * one bucket (O(B) with B ≈ 64–128), so edits from Yjs update the index incrementally.
 *
 * Events are intervals with end === start. Queries are inclusive: an item is in [t0, t1] when
 * start ≤ t1 and end ≥ t0.
 */

export interface Interval {
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

const TARGET = 64;
const MAX = TARGET * 2;

interface Bucket<T> {
  items: T[];
  maxEnd: number;
}

/** Sort order: start, then id (ids are unique within an index). */
export function compareIntervals(a: Interval, b: Interval): number {
  return a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function bucketMaxEnd(items: readonly Interval[]): number {
  let m = -Infinity;
  for (const it of items) if (it.end > m) m = it.end;
  return m;
}

export class IntervalIndex<T extends Interval> {
  private buckets: Bucket<T>[] = [];
  /** prefixMax[i] = max end over buckets 0..i; rebuilt lazily. */
  private prefixMax: Float64Array = new Float64Array(0);
  private prefixDirty = false;
  private count = 0;

  constructor(items: Iterable<T> = []) {
    this.load(items);
  }

  get size(): number {
    return this.count;
  }

  /** Replaces the content (sorts a copy; O(n log n)). */
  load(items: Iterable<T>): void {
    const sorted = [...items].sort(compareIntervals);
    this.buckets = [];
    for (let i = 0; i < sorted.length; i += TARGET) {
      const chunk = sorted.slice(i, i + TARGET);
      this.buckets.push({ items: chunk, maxEnd: bucketMaxEnd(chunk) });
    }
    this.count = sorted.length;
    this.prefixDirty = true;
  }

  clear(): void {
    this.load([]);
  }

  insert(item: T): void {
    if (this.buckets.length === 0) {
      this.buckets.push({ items: [item], maxEnd: item.end });
      this.count = 1;
      this.prefixDirty = true;
      return;
    }
    const bi = this.bucketFor(item);
    const b = this.buckets[bi];
    b.items.splice(lowerBound(b.items, item), 0, item);
    if (item.end > b.maxEnd) b.maxEnd = item.end;
    this.count++;
    if (b.items.length > MAX) {
      const tail = b.items.splice(TARGET);
      b.maxEnd = bucketMaxEnd(b.items);
      this.buckets.splice(bi + 1, 0, { items: tail, maxEnd: bucketMaxEnd(tail) });
    }
    this.prefixDirty = true;
  }

  /** Removes the item with the same id and start as `item`; false when absent. */
  remove(item: Interval): boolean {
    if (this.buckets.length === 0) return false;
    const bi = this.bucketFor(item);
    // Equal keys can sit at the end of the previous bucket after a split; look there too.
    for (const i of [bi, bi - 1, bi + 1]) {
      const b = this.buckets[i];
      if (b === undefined) continue;
      const j = lowerBound(b.items, item);
      const found = b.items[j];
      if (found === undefined || found.id !== item.id || found.start !== item.start) continue;
      b.items.splice(j, 1);
      this.count--;
      if (b.items.length === 0) this.buckets.splice(i, 1);
      else if (found.end >= b.maxEnd) b.maxEnd = bucketMaxEnd(b.items);
      this.prefixDirty = true;
      return true;
    }
    return false;
  }

  /**
   * Calls `cb` for every item with start ≤ t1 and end ≥ t0, in (start, id) order. Returning
   * `false` from `cb` stops the walk.
   */
  visit(t0: number, t1: number, cb: (item: T) => void | boolean): void {
    const buckets = this.buckets;
    if (buckets.length === 0 || t1 < t0) return;
    const prefix = this.prefix();
    // First bucket whose prefix max end reaches t0: nothing before it can overlap.
    let lo = 0;
    let hi = buckets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (prefix[mid] < t0) lo = mid + 1;
      else hi = mid;
    }
    for (let bi = lo; bi < buckets.length; bi++) {
      const b = buckets[bi];
      const items = b.items;
      if (items[0].start > t1) return;
      if (b.maxEnd < t0) continue;
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (it.start > t1) return;
        if (it.end >= t0 && cb(it) === false) return;
      }
    }
  }

  /** Items overlapping [t0, t1], in order. */
  query(t0: number, t1: number): T[] {
    const out: T[] = [];
    this.visit(t0, t1, (it) => {
      out.push(it);
    });
    return out;
  }

  /** Every item, in order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const b of this.buckets) yield* b.items;
  }

  toArray(): T[] {
    return [...this];
  }

  /** The item after `item` in order (null at the end or when `item` is absent). */
  next(item: Interval): T | null {
    const pos = this.locate(item);
    if (pos === null) return null;
    const [bi, j] = pos;
    return this.buckets[bi].items[j + 1] ?? this.buckets[bi + 1]?.items[0] ?? null;
  }

  /** The item before `item` in order. */
  prev(item: Interval): T | null {
    const pos = this.locate(item);
    if (pos === null) return null;
    const [bi, j] = pos;
    if (j > 0) return this.buckets[bi].items[j - 1];
    const pb = this.buckets[bi - 1];
    return pb ? pb.items[pb.items.length - 1] : null;
  }

  /** First item with start > t (or ≥ t when `inclusive`). */
  firstStartingAfter(t: number, inclusive = false): T | null {
    for (const b of this.bucketsFrom(t))
      for (const it of b.items) if (inclusive ? it.start >= t : it.start > t) return it;
    return null;
  }

  /** Last item with start < t (or ≤ t when `inclusive`). */
  lastStartingBefore(t: number, inclusive = false): T | null {
    let bi = this.lastBucketStartingAtOrBefore(t);
    for (; bi >= 0; bi--) {
      const items = this.buckets[bi].items;
      for (let i = items.length - 1; i >= 0; i--)
        if (inclusive ? items[i].start <= t : items[i].start < t) return items[i];
    }
    return null;
  }

  /**
   * The nearest boundary (a start or an end) strictly after (`dir` = 1) or before (`dir` = −1)
   * `t`, or null. Searches windows of doubling width, so it costs O(visible) near dense areas.
   */
  nearestBoundary(t: number, dir: 1 | -1, exclude?: (item: T) => boolean): number | null {
    if (this.count === 0) return null;
    const first = this.buckets[0].items[0].start;
    const last = this.prefix()[this.buckets.length - 1];
    for (let w = 1; ; w *= 2) {
      const t0 = dir > 0 ? t : t - w;
      const t1 = dir > 0 ? t + w : t;
      let best: number | null = null;
      this.visit(t0, t1, (it) => {
        if (exclude?.(it)) return;
        for (const b of [it.start, it.end]) {
          if (dir > 0 ? b > t && b <= t1 : b < t && b >= t0)
            if (best === null || (dir > 0 ? b < best : b > best)) best = b;
        }
      });
      if (best !== null) return best;
      if ((dir > 0 && t1 >= last) || (dir < 0 && t0 <= first)) return null;
    }
  }

  /** [bucket, position] of the item with `item`'s id and start, or null. */
  private locate(item: Interval): [number, number] | null {
    if (this.buckets.length === 0) return null;
    const bi = this.bucketFor(item);
    for (const i of [bi, bi - 1, bi + 1]) {
      const b = this.buckets[i];
      if (b === undefined) continue;
      const j = lowerBound(b.items, item);
      const found = b.items[j];
      if (found !== undefined && found.id === item.id && found.start === item.start) return [i, j];
    }
    return null;
  }

  /** Index of the last bucket whose first item sorts at or before `item` (0 when none does). */
  private bucketFor(item: Interval): number {
    let lo = 0;
    let hi = this.buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareIntervals(this.buckets[mid].items[0], item) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private lastBucketStartingAtOrBefore(t: number): number {
    let lo = -1;
    let hi = this.buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.buckets[mid].items[0].start <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private *bucketsFrom(t: number): IterableIterator<Bucket<T>> {
    const first = Math.max(0, this.lastBucketStartingAtOrBefore(t));
    for (let i = first; i < this.buckets.length; i++) yield this.buckets[i];
  }

  private prefix(): Float64Array {
    if (this.prefixDirty || this.prefixMax.length !== this.buckets.length) {
      if (this.prefixMax.length !== this.buckets.length) this.prefixMax = new Float64Array(this.buckets.length);
      let m = -Infinity;
      for (let i = 0; i < this.buckets.length; i++) {
        if (this.buckets[i].maxEnd > m) m = this.buckets[i].maxEnd;
        this.prefixMax[i] = m;
      }
      this.prefixDirty = false;
    }
    return this.prefixMax;
  }
}

/** First position in `items` whose key is ≥ `item`'s. */
function lowerBound(items: readonly Interval[], item: Interval): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareIntervals(items[mid], item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
