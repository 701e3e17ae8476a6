/** SVG path data for line charts. */

export interface Point {
  x: number;
  y: number;
}

const r = (v: number) => Math.round(v * 10) / 10;

/**
 * `M x y L x y …` through the points; a point with a non-finite coordinate breaks the line (the
 * next finite point starts a new sub-path), so gaps in a series stay visible.
 */
export function linePath(points: readonly Point[]): string {
  let out = '';
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    out += `${out ? ' ' : ''}${pen ? 'L' : 'M'}${r(p.x)} ${r(p.y)}`;
    pen = true;
  }
  return out;
}

/** Index of the value in sorted `xs` nearest to `x` (-1 for an empty list). */
export function nearestIndex(xs: readonly number[], x: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1]! - x) <= Math.abs(xs[lo]! - x)) return lo - 1;
  return lo;
}
