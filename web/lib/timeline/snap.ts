/**
 * Snapping: a time dragged near another annotation's boundary (on any lane), the playhead or the
 * selection range within `pixels` jumps onto it exactly; otherwise, with a frame rate, it lands on
 * the nearest frame boundary (exact, see time.ts).
 */
import type { LaneSpec, TimelineItem, TimelineModel } from './model.ts';
import { snapToFrame } from './time.ts';
import type { Rational } from './time.ts';

export interface SnapOptions {
  /** Quantise to frame boundaries (when there is a frame rate). */
  frames: boolean;
  /** Snap to other annotations' boundaries, the playhead and the selection range. */
  boundaries: boolean;
  /** Reach of boundary snapping (CSS px). */
  pixels: number;
}

export const DEFAULT_SNAP: SnapOptions = { frames: true, boundaries: true, pixels: 8 };

export type SnapKind = 'none' | 'frame' | 'boundary' | 'playhead' | 'selection';

export interface SnapResult {
  time: number;
  kind: SnapKind;
}

export interface SnapContext {
  model: TimelineModel;
  lanes: readonly LaneSpec[];
  pxPerSec: number;
  frameRate: Rational | null;
  playhead: number | null;
  selection: { start: number; end: number } | null;
  /** Items that must not attract (the ones being dragged). */
  exclude?: (item: TimelineItem) => boolean;
}

/** Snaps `t` according to `opts`; `duration` clamps the result. */
export function snapTime(t: number, ctx: SnapContext, opts: SnapOptions, duration = Infinity): SnapResult {
  const clamp = (v: number): number => Math.min(duration, Math.max(0, v));
  if (opts.boundaries && opts.pixels > 0) {
    const reach = opts.pixels / ctx.pxPerSec;
    let best: SnapResult | null = null;
    let bestD = reach;
    const consider = (v: number, kind: SnapKind): void => {
      const d = Math.abs(v - t);
      if (d <= bestD && (best === null || d < bestD || kind === 'boundary')) {
        best = { time: v, kind };
        bestD = d;
      }
    };
    if (ctx.playhead !== null) consider(ctx.playhead, 'playhead');
    if (ctx.selection !== null) {
      consider(ctx.selection.start, 'selection');
      consider(ctx.selection.end, 'selection');
    }
    const seen = new Set<string>();
    for (const lane of ctx.lanes) {
      const key = `${lane.layerId}\u0000${lane.tierId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.model.index(lane).visit(t - reach, t + reach, (it) => {
        if (ctx.exclude?.(it)) return;
        consider(it.start, 'boundary');
        if (it.end !== it.start) consider(it.end, 'boundary');
      });
    }
    if (best !== null) return { time: clamp((best as SnapResult).time), kind: (best as SnapResult).kind };
  }
  if (opts.frames && ctx.frameRate) return { time: clamp(snapToFrame(t, ctx.frameRate)), kind: 'frame' };
  return { time: clamp(t), kind: 'none' };
}
