/** Exact frame arithmetic: frame k ⇔ ⌊t·num/den⌋, boundaries round-trip, no float drift. */
import { describe, expect, it } from 'vitest';
import {
  RATES,
  exactFraction,
  formatTime,
  frameOf,
  frameTime,
  isFrameBoundary,
  nextDown,
  nextUp,
  snapToFrame,
  stepFrames,
} from '../../../../web/lib/timeline/time.ts';
import { Prng } from '../../../helpers/prng.ts';

const NTSC = RATES.NTSC_30;

/** Reference: ⌊t·num/den⌋ by BigInt on the exact value of the double. */
function refFrame(t: number, num: number, den: number): number {
  const [n, d] = exactFraction(t);
  const a = n * BigInt(num);
  const b = d * BigInt(den);
  let q = a / b;
  if (a % b !== 0n && a < 0n) q -= 1n;
  return Number(q);
}

describe('exactFraction', () => {
  it('represents doubles exactly', () => {
    const same = ([n, d]: [bigint, bigint], p: bigint, q: bigint): boolean => n * q === p * d;
    expect(same(exactFraction(0.5), 1n, 2n)).toBe(true);
    expect(same(exactFraction(3), 3n, 1n)).toBe(true);
    expect(same(exactFraction(-0.75), -3n, 4n)).toBe(true);
    // 0.1 is not 1/10 but the nearest dyadic rational to it.
    expect(same(exactFraction(0.1), 1n, 10n)).toBe(false);
    const [n, d] = exactFraction(0.1);
    expect(Number(n) / Number(d)).toBe(0.1);
  });
});

describe('frame boundaries at 30000/1001 over one hour', () => {
  const last = frameOf(3600, NTSC);

  it('the hour ends in frame 107892 (3600·30000/1001 = 107892.1…)', () => {
    expect(last).toBe(107892);
  });

  it('every frame start maps back to its frame, and the double below it to the previous one', () => {
    for (let k = 0; k <= last + 1; k++) {
      const t = frameTime(k, NTSC);
      if (frameOf(t, NTSC) !== k) throw new Error(`frameOf(frameTime(${k})) = ${frameOf(t, NTSC)}`);
      if (k > 0 && frameOf(nextDown(t), NTSC) !== k - 1) throw new Error(`frame below ${k} is not ${k - 1}`);
      if (!isFrameBoundary(t, NTSC)) throw new Error(`${t} is not a boundary`);
    }
  });

  it('frameOf equals the exact rational floor for random times, unlike t × 29.97', () => {
    const rng = new Prng(7);
    let naiveMisses = 0;
    for (let i = 0; i < 20000; i++) {
      // Half the samples sit on or next to exact boundaries, where floats go wrong.
      const k = rng.int(last);
      const t = rng.chance(0.5) ? rng.next() * 3600 : rng.pick([frameTime(k, NTSC), nextDown(frameTime(k, NTSC))]);
      const exact = refFrame(t, NTSC.num, NTSC.den);
      expect(frameOf(t, NTSC)).toBe(exact);
      if (Math.floor(t * 29.97) !== exact) naiveMisses++;
    }
    expect(naiveMisses).toBeGreaterThan(0);
  });

  it('snaps to the nearest boundary and steps by whole frames', () => {
    const k = 86_313;
    const a = frameTime(k, NTSC);
    const b = frameTime(k + 1, NTSC);
    expect(snapToFrame(a + (b - a) * 0.4, NTSC)).toBe(a);
    expect(snapToFrame(a + (b - a) * 0.6, NTSC)).toBe(b);
    expect(snapToFrame(a, NTSC)).toBe(a);
    expect(stepFrames(a, 1, NTSC)).toBe(b);
    expect(stepFrames(b, -1, NTSC)).toBe(a);
    expect(stepFrames(a + 0.001, -1, NTSC)).toBe(a); // from inside a frame: back to its start
    expect(stepFrames(a + 0.001, 1, NTSC)).toBe(b);
    expect(frameOf(stepFrames(a, 30, NTSC), NTSC)).toBe(k + 30);
  });

  it('works for integer rates and exact boundaries', () => {
    expect(frameOf(1, RATES.PAL_25)).toBe(25);
    expect(frameOf(nextDown(1), RATES.PAL_25)).toBe(24);
    expect(frameTime(25, RATES.PAL_25)).toBe(1);
    // 0.04·3 = 0.12000000000000001 in floats; the boundary of frame 3 is the smallest double ≥ 3/25.
    expect(frameOf(frameTime(3, RATES.PAL_25), RATES.PAL_25)).toBe(3);
  });
});

describe('nextUp / nextDown', () => {
  it('step one ulp', () => {
    expect(nextUp(1)).toBe(1 + Number.EPSILON);
    expect(nextDown(1)).toBe(1 - Number.EPSILON / 2);
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
    expect(nextDown(0)).toBe(-Number.MIN_VALUE);
  });
});

describe('formatTime', () => {
  it('formats minutes, hours and fractions', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(75.5, 1)).toBe('1:15.5');
    expect(formatTime(3599.9996, 3)).toBe('1:00:00.000');
    expect(formatTime(3723.25, 2)).toBe('1:02:03.25');
  });
});
