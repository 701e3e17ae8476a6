/** Snapping: boundaries of any lane within N px win, else frame boundaries; exclusions. */
import { describe, expect, it } from 'vitest';
import { TimelineModel } from '../../../../web/lib/timeline/model.ts';
import { DEFAULT_SNAP, snapTime } from '../../../../web/lib/timeline/snap.ts';
import type { SnapContext } from '../../../../web/lib/timeline/snap.ts';
import { RATES, isFrameBoundary } from '../../../../web/lib/timeline/time.ts';
import { context, lanes, layer } from './fixtures.ts';

function setup() {
  const doc = layer();
  doc.create({ id: 'a', kind: 'segment', tierId: 'turns', start: 10.0123, end: 20 }, context());
  doc.create({ id: 'e', kind: 'event', tierId: 'events', start: 30.5 }, context());
  const model = new TimelineModel();
  model.setLayers({ L1: doc });
  model.setLanes(lanes());
  const ctx: SnapContext = {
    model,
    lanes: model.lanes,
    pxPerSec: 100, // 8 px = 0.08 s
    frameRate: RATES.NTSC_30,
    playhead: 40,
    selection: { start: 50, end: 60 },
  };
  return { model, ctx };
}

describe('snapTime', () => {
  it('snaps to a boundary on another lane within the pixel reach', () => {
    const { ctx } = setup();
    expect(snapTime(10.05, ctx, DEFAULT_SNAP)).toEqual({ time: 10.0123, kind: 'boundary' });
    expect(snapTime(30.45, ctx, DEFAULT_SNAP)).toEqual({ time: 30.5, kind: 'boundary' });
    expect(snapTime(40.03, ctx, DEFAULT_SNAP)).toEqual({ time: 40, kind: 'playhead' });
    expect(snapTime(59.99, ctx, DEFAULT_SNAP)).toEqual({ time: 60, kind: 'selection' });
  });

  it('falls back to the nearest frame boundary, or to nothing', () => {
    const { ctx } = setup();
    const r = snapTime(15.01, ctx, DEFAULT_SNAP);
    expect(r.kind).toBe('frame');
    expect(isFrameBoundary(r.time, RATES.NTSC_30)).toBe(true);
    expect(Math.abs(r.time - 15.01)).toBeLessThan(1001 / 30000 / 2 + 1e-12);
    expect(snapTime(15.01, { ...ctx, frameRate: null }, DEFAULT_SNAP)).toEqual({ time: 15.01, kind: 'none' });
    expect(snapTime(10.05, ctx, { ...DEFAULT_SNAP, boundaries: false }).kind).toBe('frame');
  });

  it('the reach is in pixels, so it shrinks in seconds as you zoom in', () => {
    const { ctx } = setup();
    expect(snapTime(10.05, { ...ctx, pxPerSec: 1000 }, DEFAULT_SNAP).kind).toBe('frame');
  });

  it('ignores excluded items (the one being dragged) and clamps to the media', () => {
    const { ctx, model } = setup();
    const a = model.item({ layerId: 'L1', id: 'a' });
    expect(snapTime(10.05, { ...ctx, exclude: (it) => it === a }, DEFAULT_SNAP).kind).toBe('frame');
    expect(snapTime(-3, ctx, DEFAULT_SNAP, 3600).time).toBe(0);
  });
});
