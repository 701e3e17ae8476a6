/**
 * Geometry of the timeline canvas (CSS px): a ruler on top, lane headers on the left, one row per
 * lane below, scrolled vertically when the lanes do not fit. Hit-testing maps a point to the lane,
 * the time and the annotation part (body, start edge, end edge, event point) under it.
 */
import type { TimelineModel, LaneSpec, TimelineItem } from './model.ts';
import type { Viewport } from './viewport.ts';

export interface LayoutOptions {
  rulerHeight: number;
  laneHeight: number;
  headerWidth: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { rulerHeight: 28, laneHeight: 34, headerWidth: 148 };

export class Layout {
  rulerHeight: number;
  laneHeight: number;
  headerWidth: number;
  /** Canvas size in CSS px. */
  width = 0;
  height = 0;
  scrollY = 0;
  laneCount = 0;

  constructor(opts: Partial<LayoutOptions> = {}) {
    const o = { ...DEFAULT_LAYOUT, ...opts };
    this.rulerHeight = o.rulerHeight;
    this.laneHeight = o.laneHeight;
    this.headerWidth = o.headerWidth;
  }

  get timeWidth(): number {
    return Math.max(1, this.width - this.headerWidth);
  }

  /** Height the lanes need without scrolling. */
  get contentHeight(): number {
    return this.rulerHeight + this.laneCount * this.laneHeight;
  }

  get maxScrollY(): number {
    return Math.max(0, this.contentHeight - this.height);
  }

  laneTop(i: number): number {
    return this.rulerHeight + i * this.laneHeight - this.scrollY;
  }

  /** Lane index at y, or −1 (ruler, below the last lane). */
  laneAt(y: number): number {
    if (y < this.rulerHeight) return -1;
    const i = Math.floor((y - this.rulerHeight + this.scrollY) / this.laneHeight);
    return i >= 0 && i < this.laneCount ? i : -1;
  }

  /** [first, last] lane indices at least partly visible. */
  visibleLanes(): [number, number] {
    const first = Math.max(0, Math.floor(this.scrollY / this.laneHeight));
    const last = Math.min(
      this.laneCount - 1,
      Math.floor((this.scrollY + this.height - this.rulerHeight) / this.laneHeight),
    );
    return [first, last];
  }

  scrollBy(dy: number): void {
    this.scrollY = Math.min(this.maxScrollY, Math.max(0, this.scrollY + dy));
  }

  /** Scrolls so lane i is fully visible. */
  revealLane(i: number): void {
    const top = this.rulerHeight + i * this.laneHeight;
    if (top - this.scrollY < this.rulerHeight) this.scrollY = top - this.rulerHeight;
    else if (top + this.laneHeight - this.scrollY > this.height) this.scrollY = top + this.laneHeight - this.height;
    this.scrollBy(0);
  }
}

export type HitPart = 'body' | 'start' | 'end' | 'point';

export interface Hit {
  area: 'ruler' | 'header' | 'lane' | 'none';
  /** Lane index (−1 outside lanes). */
  laneIndex: number;
  lane: LaneSpec | null;
  /** Time under the pointer (s, unclamped). */
  time: number;
  item: TimelineItem | null;
  part: HitPart | null;
}

export interface HitOptions {
  /** Grab distance of segment edges (px). */
  edgePx: number;
  /** Grab distance of events (px). */
  eventPx: number;
}

export const DEFAULT_HIT: HitOptions = { edgePx: 5, eventPx: 6 };

/**
 * What is under (x, y): events first (they are thin), then the nearest edge (preferring the
 * segment the point is inside, so the shared boundary of two touching segments resolves by side),
 * then the body of the topmost (latest-starting) segment.
 */
export function hitTest(
  layout: Layout,
  view: Viewport,
  model: TimelineModel,
  x: number,
  y: number,
  opts: HitOptions = DEFAULT_HIT,
): Hit {
  const tx = x - layout.headerWidth;
  const time = view.xToTime(tx);
  const none: Hit = { area: 'none', laneIndex: -1, lane: null, time, item: null, part: null };
  if (y < 0 || y >= layout.height || x < 0 || x >= layout.width) return none;
  if (y < layout.rulerHeight) return { ...none, area: x < layout.headerWidth ? 'header' : 'ruler' };
  const laneIndex = layout.laneAt(y);
  if (laneIndex < 0) return none;
  const lane = model.lanes[laneIndex] ?? null;
  if (lane === null) return none;
  if (x < layout.headerWidth) return { ...none, area: 'header', laneIndex, lane };

  const reach = Math.max(opts.edgePx, opts.eventPx) / view.pxPerSec;
  let best: { item: TimelineItem; part: HitPart; score: number } | null = null;
  let body: TimelineItem | null = null;
  model.index(lane).visit(time - reach, time + reach, (it) => {
    const x0 = view.timeToX(it.start);
    if (it.kind === 'event') {
      const d = Math.abs(x0 - tx);
      if (d <= opts.eventPx && (best === null || best.part !== 'point' || d < best.score))
        best = { item: it, part: 'point', score: d };
      return;
    }
    const x1 = view.timeToX(it.end);
    const inside = tx >= x0 && tx <= x1;
    // Narrow segments: edges never take more than a third each, so the body stays grabbable.
    const grab = Math.min(opts.edgePx, Math.max(2, (x1 - x0) / 3));
    for (const [part, ex] of [
      ['start', x0],
      ['end', x1],
    ] as const) {
      const d = Math.abs(tx - ex);
      if (d > grab) continue;
      const score = d + (inside ? 0 : 0.5);
      if (best === null || (best.part !== 'point' && score < best.score)) best = { item: it, part, score };
    }
    if (inside) body = it; // visited in start order: the last one is drawn on top
  });
  const found = best as { item: TimelineItem; part: HitPart } | null;
  if (found !== null) return { area: 'lane', laneIndex, lane, time, item: found.item, part: found.part };
  if (body !== null) return { area: 'lane', laneIndex, lane, time, item: body, part: 'body' };
  return { area: 'lane', laneIndex, lane, time, item: null, part: null };
}
