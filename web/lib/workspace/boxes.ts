/**
 * Geometry of box annotations on the video (BoxOverlay.svelte): where the frame is drawn inside
 * a letterboxed `<video>` (object-fit: contain), normalised boxes ⇄ pixels, what a pointer hits
 * (a box, one of its eight handles), what a drag does to a box, keyboard nudges, and the time
 * range a newly drawn box gets. Boxes are normalised {x, y, w, h} in 0..1 from the top-left
 * corner of the frame (shared/model/annotation.ts), so they do not depend on the display size.
 */
import type { Box } from '../../../shared/model/annotation.ts';
import type { TimeRange } from '../timeline/renderer.ts';
import { frameOf, frameTime, snapToFrame, type Rational } from '../timeline/time.ts';

/** A rectangle in CSS pixels, relative to the video element's box. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Smallest box side, as a share of the frame (a drag never makes a box thinner). */
export const MIN_SIDE = 0.005;
/** How long a box drawn without a time selection lasts (s). */
export const DEFAULT_BOX_SECONDS = 2;

/**
 * The frame's rectangle inside an element of `box` size showing a `videoWidth`×`videoHeight`
 * picture with `object-fit: contain`: scaled to fit, centred, bars on two sides. Before the
 * video's size is known (0×0) the whole element is the frame.
 */
export function frameRect(boxWidth: number, boxHeight: number, videoWidth: number, videoHeight: number): Rect {
  if (!(videoWidth > 0 && videoHeight > 0 && boxWidth > 0 && boxHeight > 0))
    return { left: 0, top: 0, width: Math.max(0, boxWidth), height: Math.max(0, boxHeight) };
  const scale = Math.min(boxWidth / videoWidth, boxHeight / videoHeight);
  const width = videoWidth * scale;
  const height = videoHeight * scale;
  return { left: (boxWidth - width) / 2, top: (boxHeight - height) / 2, width, height };
}

/** A normalised box in pixels of the element (for drawing). */
export function toPixels(b: Box, frame: Rect): Rect {
  return {
    left: frame.left + b.x * frame.width,
    top: frame.top + b.y * frame.height,
    width: b.w * frame.width,
    height: b.h * frame.height,
  };
}

/** A point of the element in normalised frame coordinates (may lie outside 0..1). */
export function toFrame(p: Point, frame: Rect): Point {
  return {
    x: frame.width > 0 ? (p.x - frame.left) / frame.width : 0,
    y: frame.height > 0 ? (p.y - frame.top) / frame.height : 0,
  };
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** A box kept inside the frame and at least MIN_SIDE wide and high (its position adjusted). */
export function clampBox(b: Box): Box {
  const w = Math.min(1, Math.max(MIN_SIDE, b.w));
  const h = Math.min(1, Math.max(MIN_SIDE, b.h));
  return { x: Math.min(1 - w, Math.max(0, b.x)), y: Math.min(1 - h, Math.max(0, b.y)), w, h };
}

/**
 * The box spanned by two normalised points of a drag (either order), clipped to the frame; null
 * when it is smaller than MIN_SIDE on a side (a click, not a drawing).
 */
export function boxFromPoints(a: Point, b: Point): Box | null {
  const x0 = clamp01(Math.min(a.x, b.x));
  const x1 = clamp01(Math.max(a.x, b.x));
  const y0 = clamp01(Math.min(a.y, b.y));
  const y1 = clamp01(Math.max(a.y, b.y));
  if (x1 - x0 < MIN_SIDE || y1 - y0 < MIN_SIDE) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** What part of a box a pointer is on: its body, or a corner/edge handle (compass points). */
export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';
export type BoxPart = 'body' | Handle;
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** Where handle `h` sits on a pixel rectangle. */
export function handlePoint(r: Rect, h: Handle): Point {
  const x = h.includes('w') ? r.left : h.includes('e') ? r.left + r.width : r.left + r.width / 2;
  const y = h.includes('n') ? r.top : h.includes('s') ? r.top + r.height : r.top + r.height / 2;
  return { x, y };
}

/**
 * The part of a pixel rectangle under `p`: a handle within `grip` px of it (corners first), else
 * the body when inside, else null.
 */
export function hitPart(r: Rect, p: Point, grip = 6): BoxPart | null {
  let best: Handle | null = null;
  let bestD = Infinity;
  for (const h of HANDLES) {
    const q = handlePoint(r, h);
    const d = Math.max(Math.abs(p.x - q.x), Math.abs(p.y - q.y));
    // Corners win ties: on a tiny box the edge midpoints coincide with them.
    if (d <= grip && (d < bestD || (d === bestD && h.length === 2))) {
      best = h;
      bestD = d;
    }
  }
  if (best !== null) return best;
  const inside = p.x >= r.left && p.x <= r.left + r.width && p.y >= r.top && p.y <= r.top + r.height;
  return inside ? 'body' : null;
}

/**
 * A box after dragging `part` by (dx, dy) in normalised units. Moving keeps the size and stays
 * inside the frame; resizing moves only the grabbed edges, clamped to the frame and to MIN_SIDE
 * (an edge dragged past the opposite one stops there rather than flipping the box).
 */
export function dragBox(b: Box, part: BoxPart, dx: number, dy: number): Box {
  if (part === 'body') return clampBox({ ...b, x: b.x + dx, y: b.y + dy });
  let x0 = b.x;
  let y0 = b.y;
  let x1 = b.x + b.w;
  let y1 = b.y + b.h;
  if (part.includes('w')) x0 = Math.min(x1 - MIN_SIDE, Math.max(0, x0 + dx));
  if (part.includes('e')) x1 = Math.max(x0 + MIN_SIDE, Math.min(1, x1 + dx));
  if (part.includes('n')) y0 = Math.min(y1 - MIN_SIDE, Math.max(0, y0 + dy));
  if (part.includes('s')) y1 = Math.max(y0 + MIN_SIDE, Math.min(1, y1 + dy));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Arrow-key step (share of the frame); Shift takes ten. */
export const NUDGE = 0.005;

/**
 * The box an arrow key makes: moved by one step (ten with Shift), or with Alt resized from its
 * right/bottom edge. Null for any other key.
 */
export function nudgeBox(b: Box, key: string, shift: boolean, alt: boolean): Box | null {
  const step = shift ? NUDGE * 10 : NUDGE;
  const d: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const v = d[key];
  if (v === undefined) return null;
  return alt ? dragBox(b, 'se', v[0], v[1]) : dragBox(b, 'body', v[0], v[1]);
}

/** True when two boxes are the same to display precision (a drag that did not move). */
export function sameBox(a: Box, b: Box): boolean {
  const eps = 1e-9;
  return (
    Math.abs(a.x - b.x) < eps && Math.abs(a.y - b.y) < eps && Math.abs(a.w - b.w) < eps && Math.abs(a.h - b.h) < eps
  );
}

/** True when a box annotation [start, end) is shown at time t. */
export function shownAt(a: { start: number; end: number }, t: number): boolean {
  return a.start <= t && t < a.end;
}

/**
 * The time range of a box drawn at the playhead: the time selection when the playhead lies in
 * it (annotate exactly what was marked), else from the playhead's frame for DEFAULT_BOX_SECONDS.
 * Clipped to `[0, limit]` (the end of the video); null when nothing is left.
 */
export function newBoxRange(
  playhead: number,
  selection: TimeRange | null,
  frameRate: Rational | null,
  limit: number,
): TimeRange | null {
  let start: number;
  let end: number;
  if (selection && selection.end > selection.start && playhead >= selection.start && playhead < selection.end) {
    start = selection.start;
    end = selection.end;
  } else if (frameRate) {
    // The start of the frame on screen (not the nearest boundary, which may be the next frame).
    start = frameTime(frameOf(Math.max(0, playhead), frameRate), frameRate);
    end = snapToFrame(start + DEFAULT_BOX_SECONDS, frameRate);
  } else {
    start = Math.max(0, playhead);
    end = start + DEFAULT_BOX_SECONDS;
  }
  start = Math.max(0, start);
  end = Math.min(limit, end);
  return end > start ? { start, end } : null;
}
