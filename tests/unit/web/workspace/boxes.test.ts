/** Box geometry on the video: letterboxing, pixels ⇄ frame, hit testing, drags, nudges, new ranges. */
import { describe, expect, it } from 'vitest';
import {
  boxFromPoints,
  clampBox,
  DEFAULT_BOX_SECONDS,
  dragBox,
  frameRect,
  hitPart,
  MIN_SIDE,
  newBoxRange,
  NUDGE,
  nudgeBox,
  sameBox,
  shownAt,
  toFrame,
  toPixels,
} from '../../../../web/lib/workspace/boxes.ts';
import { frameOf, frameTime, isFrameBoundary } from '../../../../web/lib/timeline/time.ts';

const NTSC = { num: 30000, den: 1001 };
const close = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => {
  expect(a.x).toBeCloseTo(b.x, 9);
  expect(a.y).toBeCloseTo(b.y, 9);
  expect(a.w).toBeCloseTo(b.w, 9);
  expect(a.h).toBeCloseTo(b.h, 9);
};

describe('frameRect', () => {
  it('letterboxes a 16:9 picture in a 4:3 box (bars top and bottom)', () => {
    expect(frameRect(800, 600, 640, 360)).toEqual({ left: 0, top: 75, width: 800, height: 450 });
  });
  it('pillarboxes a 16:9 picture in a wider box (bars left and right)', () => {
    expect(frameRect(1000, 360, 640, 360)).toEqual({ left: 180, top: 0, width: 640, height: 360 });
  });
  it('fills the box when the aspect ratios match, and before the size is known', () => {
    expect(frameRect(1280, 720, 640, 360)).toEqual({ left: 0, top: 0, width: 1280, height: 720 });
    expect(frameRect(500, 300, 0, 0)).toEqual({ left: 0, top: 0, width: 500, height: 300 });
  });
});

describe('pixels and frame coordinates', () => {
  const frame = frameRect(800, 600, 640, 360);
  it('round-trips a box through pixels', () => {
    const b = { x: 0.25, y: 0.5, w: 0.5, h: 0.25 };
    const r = toPixels(b, frame);
    expect(r).toEqual({ left: 200, top: 75 + 225, width: 400, height: 112.5 });
    const a = toFrame({ x: r.left, y: r.top }, frame);
    const z = toFrame({ x: r.left + r.width, y: r.top + r.height }, frame);
    close(boxFromPoints(a, z)!, b);
  });
  it('puts a point in the bars outside 0..1', () => {
    expect(toFrame({ x: 400, y: 10 }, frame).y).toBeLessThan(0);
  });
});

describe('boxFromPoints', () => {
  it('orders the corners and clips to the frame', () => {
    close(boxFromPoints({ x: 0.8, y: 1.3 }, { x: -0.2, y: 0.5 })!, { x: 0, y: 0.5, w: 0.8, h: 0.5 });
  });
  it('is null for a click (smaller than MIN_SIDE)', () => {
    expect(boxFromPoints({ x: 0.5, y: 0.5 }, { x: 0.5 + MIN_SIDE / 2, y: 0.6 })).toBeNull();
  });
});

describe('hitPart', () => {
  const r = { left: 100, top: 100, width: 200, height: 100 };
  it('finds corners, edges, the body and misses', () => {
    expect(hitPart(r, { x: 101, y: 99 }, 6)).toBe('nw');
    expect(hitPart(r, { x: 300, y: 200 }, 6)).toBe('se');
    expect(hitPart(r, { x: 200, y: 103 }, 6)).toBe('n');
    expect(hitPart(r, { x: 297, y: 150 }, 6)).toBe('e');
    expect(hitPart(r, { x: 200, y: 150 }, 6)).toBe('body');
    expect(hitPart(r, { x: 50, y: 150 }, 6)).toBeNull();
  });
  it('has no handles with a zero grip (read-only boxes)', () => {
    expect(hitPart(r, { x: 101, y: 101 }, 0)).toBe('body');
  });
  it('prefers a corner on a box so small that its handles overlap', () => {
    expect(hitPart({ left: 0, top: 0, width: 4, height: 4 }, { x: 0, y: 0 }, 6)).toBe('nw');
  });
});

describe('dragBox', () => {
  const b = { x: 0.2, y: 0.2, w: 0.4, h: 0.3 };
  it('moves the body keeping the size, inside the frame', () => {
    close(dragBox(b, 'body', 0.1, -0.05), { x: 0.3, y: 0.15, w: 0.4, h: 0.3 });
    close(dragBox(b, 'body', 5, 5), { x: 0.6, y: 0.7, w: 0.4, h: 0.3 });
  });
  it('resizes only the grabbed edges', () => {
    close(dragBox(b, 'se', 0.1, 0.1), { x: 0.2, y: 0.2, w: 0.5, h: 0.4 });
    close(dragBox(b, 'nw', -0.1, 0.05), { x: 0.1, y: 0.25, w: 0.5, h: 0.25 });
    close(dragBox(b, 'e', 0.05, 0.3), { x: 0.2, y: 0.2, w: 0.45, h: 0.3 });
  });
  it('stops an edge at the frame and at MIN_SIDE from the opposite edge (no flip)', () => {
    close(dragBox(b, 'w', -1, 0), { x: 0, y: 0.2, w: 0.6, h: 0.3 });
    const squashed = dragBox(b, 'e', -1, 0);
    expect(squashed.x).toBeCloseTo(0.2, 12);
    expect(squashed.w).toBeCloseTo(MIN_SIDE, 12);
  });
  it('clampBox repairs an oversized or out-of-frame box', () => {
    close(clampBox({ x: -0.5, y: 0.9, w: 2, h: 0.3 }), { x: 0, y: 0.7, w: 1, h: 0.3 });
  });
});

describe('nudgeBox', () => {
  const b = { x: 0.5, y: 0.5, w: 0.2, h: 0.2 };
  it('moves by a step, ten with Shift', () => {
    close(nudgeBox(b, 'ArrowRight', false, false)!, { ...b, x: 0.5 + NUDGE });
    close(nudgeBox(b, 'ArrowUp', true, false)!, { ...b, y: 0.5 - NUDGE * 10 });
  });
  it('resizes from the bottom-right with Alt', () => {
    close(nudgeBox(b, 'ArrowLeft', false, true)!, { ...b, w: 0.2 - NUDGE });
  });
  it('ignores other keys', () => {
    expect(nudgeBox(b, 'Enter', false, false)).toBeNull();
  });
  it('sameBox tells a drag that did not move', () => {
    expect(sameBox(b, { ...b })).toBe(true);
    expect(sameBox(b, { ...b, h: 0.21 })).toBe(false);
  });
});

describe('time of boxes', () => {
  it('shows a box on [start, end)', () => {
    expect(shownAt({ start: 1, end: 2 }, 1)).toBe(true);
    expect(shownAt({ start: 1, end: 2 }, 1.999)).toBe(true);
    expect(shownAt({ start: 1, end: 2 }, 2)).toBe(false);
  });
  it('starts a new box on the frame under the playhead, for DEFAULT_BOX_SECONDS', () => {
    const t = frameTime(100, NTSC) + 0.02; // late in frame 100 (the nearest boundary is 101's)
    const r = newBoxRange(t, null, NTSC, 40)!;
    expect(r.start).toBe(frameTime(100, NTSC));
    expect(isFrameBoundary(r.end, NTSC)).toBe(true);
    expect(r.end - r.start).toBeCloseTo(DEFAULT_BOX_SECONDS, 1);
    expect(shownAt(r, t)).toBe(true);
    expect(frameOf(r.start, NTSC)).toBe(100);
  });
  it('takes the time selection when the playhead is in it', () => {
    expect(newBoxRange(5, { start: 4, end: 9 }, NTSC, 40)).toEqual({ start: 4, end: 9 });
    expect(newBoxRange(12, { start: 4, end: 9 }, null, 40)).toEqual({ start: 12, end: 12 + DEFAULT_BOX_SECONDS });
  });
  it('ends at the end of the video, and is null past it', () => {
    expect(newBoxRange(39.5, null, null, 40)).toEqual({ start: 39.5, end: 40 });
    expect(newBoxRange(40, null, null, 40)).toBeNull();
  });
});
