/** Time ↔ pixel mapping, zoom limits, and ruler ticks adapting to the zoom. */
import { describe, expect, it } from 'vitest';
import { computeTicks } from '../../../../web/lib/timeline/ticks.ts';
import { RATES, frameOf, frameTime } from '../../../../web/lib/timeline/time.ts';
import { MAX_PX_PER_FRAME, Viewport } from '../../../../web/lib/timeline/viewport.ts';

describe('Viewport', () => {
  it('starts fitted: the whole hour in the width', () => {
    const v = new Viewport(3600, 1200, RATES.NTSC_30);
    expect(v.start).toBe(0);
    expect(v.pxPerSec).toBeCloseTo(1200 / 3600, 12);
    expect(v.end).toBeCloseTo(3600, 9);
    expect(v.timeToX(1800)).toBeCloseTo(600, 9);
    expect(v.xToTime(600)).toBeCloseTo(1800, 9);
  });

  it('round-trips time ↔ px at every zoom, even an hour in at frame zoom', () => {
    const v = new Viewport(3600, 1000, RATES.NTSC_30);
    for (const pps of [0.3, 1, 50, 1000, 3000]) {
      v.setScale(pps);
      v.scrollTo(3590);
      for (const x of [0, 1, 333.25, 999]) expect(v.timeToX(v.xToTime(x))).toBeCloseTo(x, 6);
    }
  });

  it('zooms around the anchor: the time under the pointer stays put', () => {
    const v = new Viewport(3600, 1000, null);
    v.showRange(100, 200);
    const t = v.xToTime(250);
    v.zoomAt(4, 250);
    expect(v.xToTime(250)).toBeCloseTo(t, 9);
    v.zoomAt(0.1, 250);
    expect(v.xToTime(250)).toBeCloseTo(t, 9);
  });

  it('clamps from the whole file down to single frames and keeps the window in the file', () => {
    const v = new Viewport(3600, 1000, RATES.NTSC_30);
    v.setScale(1e-9);
    expect(v.pxPerSec).toBeCloseTo(1000 / 3600, 12);
    v.setScale(1e12);
    expect(v.pxPerSec).toBeCloseTo((MAX_PX_PER_FRAME * 30000) / 1001, 6);
    expect(v.visibleDuration * (30000 / 1001)).toBeCloseTo(1000 / MAX_PX_PER_FRAME, 6); // ~6 frames
    v.scrollTo(5000);
    expect(v.end).toBeCloseTo(3600, 9);
    v.panBy(-1e9);
    expect(v.start).toBe(0);
  });

  it('stays fitted across resizes until the user zooms', () => {
    const v = new Viewport(3600, 1000);
    v.setWidth(500);
    expect(v.end).toBeCloseTo(3600, 9);
    v.zoomAt(2, 0);
    v.setWidth(1000);
    expect(v.end).toBeCloseTo(1800 * 2, 0); // 2× zoom at 500 px = 1800 s; doubling the width shows 3600 s
    v.reveal(3000);
    expect(v.start <= 3000 && v.end >= 3000).toBe(true);
  });
});

describe('computeTicks', () => {
  it('majors are at least 90 px apart and adapt from hours to frames', () => {
    const v = new Viewport(3600, 1200, RATES.NTSC_30);
    const seen: string[] = [];
    for (let pps = v.minPxPerSec; pps <= v.maxPxPerSec; pps *= 1.7) {
      v.setScale(pps);
      v.centerOn(1800);
      const ticks = computeTicks(v, RATES.NTSC_30);
      expect(ticks.major.length).toBeGreaterThan(0);
      for (let i = 1; i < ticks.major.length; i++)
        expect(ticks.major[i].x - ticks.major[i - 1].x).toBeGreaterThanOrEqual(89.9);
      for (let i = 1; i < ticks.minor.length; i++)
        expect(ticks.minor[i] - ticks.minor[i - 1]).toBeGreaterThanOrEqual(6.9);
      seen.push(ticks.stepFrames !== null ? `${ticks.stepFrames}f` : `${ticks.step}s`);
    }
    expect(seen[0]).toBe('300s'); // 1200 px for an hour: 5 min = 100 px
    expect(seen).toContain('1f');
    expect(seen).toContain('1s');
  });

  it('frame ticks sit exactly on frame boundaries', () => {
    const v = new Viewport(3600, 1200, RATES.NTSC_30);
    v.setScale(v.maxPxPerSec);
    v.centerOn(3599);
    const ticks = computeTicks(v, RATES.NTSC_30);
    expect(ticks.stepFrames).toBe(1);
    for (const t of ticks.major) expect(frameTime(frameOf(t.t, RATES.NTSC_30), RATES.NTSC_30)).toBe(t.t);
  });

  it('labels without a frame rate use decimal seconds', () => {
    const v = new Viewport(60, 1000, null);
    v.showRange(10, 10.5);
    const ticks = computeTicks(v, null);
    expect(ticks.stepFrames).toBeNull();
    expect(ticks.major.map((t) => t.label)).toContain('0:10.10');
  });
});
