/** Scales and ticks of the hand-drawn charts. */
import { describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  bands,
  formatTimeTick,
  linearScale,
  niceDomain,
  niceTicks,
  roundTick,
  tickStep,
  timeTicks,
} from '../../../../web/lib/charts/scale.ts';

describe('linearScale', () => {
  it('maps the domain onto the range and back', () => {
    const y = linearScale([-1, 1], [200, 0]);
    expect(y(-1)).toBe(200);
    expect(y(1)).toBe(0);
    expect(y(0)).toBe(100);
    expect(y.invert(50)).toBeCloseTo(0.5);
    expect(y.domain).toEqual([-1, 1]);
    expect(y.range).toEqual([200, 0]);
  });

  it('puts a zero-width domain in the middle of the range', () => {
    const x = linearScale([5, 5], [0, 100]);
    expect(x(5)).toBe(50);
    expect(x(123)).toBe(50);
    expect(x.invert(10)).toBe(5);
  });
});

describe('nice ticks', () => {
  it('steps are 1, 2 or 5 × 10ⁿ', () => {
    expect(tickStep(0, 1, 5)).toBe(0.2);
    expect(tickStep(0, 1, 10)).toBe(0.1);
    expect(tickStep(0, 100, 4)).toBe(20);
    expect(tickStep(0, 7, 2)).toBe(5);
    expect(tickStep(3, 3, 5)).toBe(0);
  });

  it('lists ticks inside the span without floating-point noise', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.47, 1)).toEqual([-0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.1, 0.3, 2)).toEqual([0.1, 0.2, 0.3]);
    expect(niceTicks(1, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.5, 0.5)).toEqual([0.5]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });

  it('widens a domain outwards to the step', () => {
    expect(niceDomain(-0.47, 1)).toEqual([-0.6, 1]);
    expect(niceDomain(0.13, 0.91)).toEqual([0, 1]);
    expect(niceDomain(0.42, 0.93)).toEqual([0.4, 1]);
    expect(niceDomain(0, 1)).toEqual([0, 1]);
    expect(niceDomain(2, 2)).toEqual([2, 2]);
  });

  it('rounds ticks', () => {
    expect(roundTick(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(roundTick(-0), 0)).toBe(true);
  });
});

describe('time ticks', () => {
  const day0 = Date.UTC(2026, 2, 1); // 1 March 2026, 00:00 UTC

  it('uses days over a week, aligned to local midnight', () => {
    const { ticks, step } = timeTicks(day0 + 5 * HOUR, day0 + 6 * DAY, 6, 0);
    expect(step).toBe(DAY);
    expect(ticks).toEqual([1, 2, 3, 4, 5, 6].map((d) => day0 + d * DAY));
    // In UTC+2 local midnight is 22:00 UTC the day before.
    const shifted = timeTicks(day0 + 5 * HOUR, day0 + 6 * DAY, 6, 2 * HOUR);
    expect(shifted.ticks[0]).toBe(day0 + DAY - 2 * HOUR);
  });

  it('uses hours over a few hours and at most `count` ticks', () => {
    const { ticks, step } = timeTicks(day0, day0 + 5 * HOUR, 6, 0);
    expect(step).toBe(HOUR);
    expect(ticks).toHaveLength(6);
    for (const t of timeTicks(day0, day0 + 400 * DAY, 6, 0).ticks.slice(1)) expect(t).toBeGreaterThan(day0);
    expect(timeTicks(day0, day0 + 400 * DAY, 6, 0).ticks.length).toBeLessThanOrEqual(7);
  });

  it('returns nothing for an inverted span', () => {
    expect(timeTicks(10, 5).ticks).toEqual([]);
  });

  it('labels with the time below a day, the date from a day', () => {
    const opts = { locale: 'en-GB', timeZone: 'UTC' };
    expect(formatTimeTick(day0 + 14 * HOUR + 30 * 60_000, HOUR, opts)).toBe('14:30');
    expect(formatTimeTick(day0 + 2 * DAY, DAY, opts)).toBe('3 Mar');
  });
});

describe('bands', () => {
  it('splits a length into equal bands with gaps', () => {
    const b = bands(3, 100, 2);
    expect(b.band).toBe(32);
    expect([0, 1, 2].map(b.start)).toEqual([0, 34, 68]);
    expect(b.start(2) + b.band).toBe(100);
    expect(bands(0, 100).band).toBe(0);
  });
});
