/** Krippendorff's unitizing α_U, DKPro variant (SPEC §5a). */
import { describe, expect, it } from 'vitest';
import { unitizingAlpha } from '../../../shared/agreement/index.ts';
import type { Segment, UnitizingInput } from '../../../shared/agreement/index.ts';
import { mulberry32, randInt, shuffle } from './helpers.ts';

/** Krippendorff (1995: p. 57) four pairs A–D as categories of one 2-rater study (DKPro's layout). */
function k1995(stretch: number): UnitizingInput {
  const f = (x: number) => Math.trunc(x * stretch);
  const U = (o: number, l: number, label: string): Segment => ({ start: f(o), end: f(o) + f(l), label });
  return {
    raters: ['0', '1'],
    continuum: { start: 0, end: f(24) },
    annotators: {
      '0': [
        U(2, 8, 'A'),
        U(14, 6, 'A'),
        U(0, 18, 'B'),
        U(2, 6, 'C'),
        U(10, 2, 'C'),
        U(14, 4, 'C'),
        U(20, 2, 'C'),
        U(0, 2, 'D'),
        U(2, 8, 'D'),
        U(10, 4, 'D'),
        U(14, 6, 'D'),
        U(20, 4, 'D'),
      ],
      '1': [
        U(4, 4, 'A'),
        U(15, 2, 'A'),
        U(0, 2, 'B'),
        U(2, 1, 'B'),
        U(3, 1, 'B'),
        U(4, 1, 'B'),
        U(5, 1, 'B'),
        U(6, 3, 'B'),
        U(9, 1, 'B'),
        U(0, 2, 'C'),
        U(4, 4, 'C'),
        U(10, 4, 'C'),
        U(16, 2, 'C'),
        U(20, 2, 'C'),
        U(0, 4, 'D'),
        U(4, 4, 'D'),
        U(8, 7, 'D'),
        U(15, 2, 'D'),
        U(17, 7, 'D'),
      ],
    },
  };
}

/** Krippendorff (2004: p. 254), continuum [150, 450); note rater i's c and k units overlap. */
const K2004: UnitizingInput = {
  raters: ['i', 'j'],
  continuum: { start: 150, end: 450 },
  annotators: {
    i: [
      { start: 225, end: 295, label: 'c' },
      { start: 370, end: 400, label: 'c' },
      { start: 180, end: 240, label: 'k' },
      { start: 300, end: 350, label: 'k' },
    ],
    j: [
      { start: 220, end: 300, label: 'c' },
      { start: 355, end: 375, label: 'c' },
      { start: 400, end: 420, label: 'c' },
      { start: 180, end: 240, label: 'k' },
      { start: 300, end: 350, label: 'k' },
    ],
  },
};

describe('unitizing α_U: published figures', () => {
  it('Krippendorff 2004 example: α_U = 0.858665 (DKPro; paper 0.8591), c = 0.7286, k = 1', () => {
    const r = unitizingAlpha(K2004);
    expect(Math.abs(r.alpha! - 0.858665)).toBeLessThan(5e-7);
    expect(Math.abs(r.per_label.c.alpha! - 0.7286)).toBeLessThan(1e-4);
    expect(Math.abs(r.per_label.c.D_o - 0.0144)).toBeLessThan(1e-4);
    expect(Math.abs(r.per_label.c.D_e - 0.0532)).toBeLessThan(1e-4);
    expect(r.per_label.k).toMatchObject({ alpha: 1, D_o: 0 });
    expect(Math.abs(r.per_label.k.D_e - 0.049)).toBeLessThan(1e-4);
  });

  it('Krippendorff 1995 per-pair D_o as asserted by DKPro (.03125, 2.26736, .02777, .38715)', () => {
    const r = unitizingAlpha(k1995(1));
    expect(Math.abs(r.per_label.A.D_o - 0.03125)).toBeLessThan(1e-5);
    expect(Math.abs(r.per_label.B.D_o - 2.26736)).toBeLessThan(1e-5);
    expect(Math.abs(r.per_label.C.D_o - 0.02777)).toBeLessThan(1e-5);
    expect(Math.abs(r.per_label.D.D_o - 0.38715)).toBeLessThan(1e-5);
  });

  it('1995 pair C depends on the resolution: 0.494 (×0.5), 0.603 (×1), 0.693 (×50000)', () => {
    expect(Math.abs(unitizingAlpha(k1995(0.5)).per_label.C.alpha! - 0.494)).toBeLessThan(5e-4);
    expect(Math.abs(unitizingAlpha(k1995(1)).per_label.C.alpha! - 0.603)).toBeLessThan(5e-4);
    const fine = unitizingAlpha(k1995(50000)).per_label;
    expect(Math.abs(fine.C.alpha! - 0.693)).toBeLessThan(5e-4);
    // DKPro's fine-resolution expected disagreements (tolerance 0.005 in its test)
    expect(Math.abs(fine.A.D_e - 0.0699)).toBeLessThan(5e-3);
    expect(Math.abs(fine.B.D_e - 1.17731)).toBeLessThan(5e-3);
    expect(Math.abs(fine.D.D_e - 0.41445)).toBeLessThan(5e-3);
  });
});

describe('unitizing α_U: hand-computed and edge cases', () => {
  it('one annotator marking nothing: D_o = 2·16/(2·100), D_e = 2·160/(10·(20·19 − 12))', () => {
    // r1: [0,4); r2: nothing; L = 10. Gaps ≥ 4: 6 and 10 → Σ(gap − 4 + 1) = 10 → l²·10 = 160.
    const r = unitizingAlpha({
      raters: ['r1', 'r2'],
      continuum: { start: 0, end: 10 },
      annotators: { r1: [{ start: 0, end: 4, label: 'x' }], r2: [] },
    });
    expect(r.D_o).toBeCloseTo(0.16, 15);
    expect(r.D_e).toBeCloseTo(320 / 3680, 15);
    expect(r.alpha).toBeCloseTo(1 - 0.16 / (320 / 3680), 14);
    expect(r.alpha!).toBeLessThan(0);
  });

  it('identical annotations give exactly 1', () => {
    const segs = [
      { start: 3, end: 9, label: 'a' },
      { start: 12, end: 20, label: 'b' },
    ];
    const r = unitizingAlpha({
      raters: ['x', 'y', 'z'],
      continuum: { start: 0, end: 30 },
      annotators: { x: segs, y: segs, z: segs },
    });
    expect(r.alpha).toBe(1);
    expect(r.per_label.a.alpha).toBe(1);
  });

  it('reasons: need_two_raters, empty_input, no_variation (zero-length units only)', () => {
    const one = {
      raters: ['a'],
      continuum: { start: 0, end: 10 },
      annotators: { a: [{ start: 1, end: 2, label: 'x' }] },
    };
    expect(unitizingAlpha(one)).toMatchObject({ alpha: null, reason: 'need_two_raters' });
    expect(unitizingAlpha({ raters: ['a', 'b'], continuum: { start: 0, end: 10 }, annotators: {} })).toMatchObject({
      alpha: null,
      reason: 'empty_input',
    });
    const zero = unitizingAlpha({
      raters: ['a', 'b'],
      continuum: { start: 0, end: 15 },
      annotators: { a: [{ start: 0, end: 0, label: 'A' }], b: [{ start: 0, end: 0, label: 'B' }] },
    });
    expect(zero).toMatchObject({ alpha: null, reason: 'no_variation' });
    expect(zero.per_label.A).toMatchObject({ alpha: null, reason: 'no_variation', D_e: 0 });
  });

  it('rejects same-label overlaps (or merges them on request), non-integer ticks and units outside the continuum', () => {
    const bad = {
      raters: ['a', 'b'],
      continuum: { start: 0, end: 20 },
      annotators: {
        a: [
          { start: 0, end: 5, label: 'x' },
          { start: 4, end: 8, label: 'x' },
        ],
        b: [{ start: 0, end: 8, label: 'x' }],
      },
    };
    expect(() => unitizingAlpha(bad)).toThrow(/overlapping_segments/);
    expect(unitizingAlpha(bad, { overlap: 'merge' }).per_label.x.D_o).toBe(0);
    expect(() => unitizingAlpha({ ...bad, annotators: { a: [{ start: 0.5, end: 3, label: 'x' }] } })).toThrow(
      /non_integer_ticks/,
    );
    expect(() => unitizingAlpha({ ...bad, annotators: { a: [{ start: 10, end: 30, label: 'x' }] } })).toThrow(
      /invalid_segment/,
    );
  });

  it('handles millisecond resolution over hours exactly (BigInt sums)', () => {
    const H = 3 * 3600_000;
    const r = unitizingAlpha({
      raters: ['a', 'b'],
      continuum: { start: 0, end: H },
      annotators: {
        a: [{ start: 1000, end: 2_000_000, label: 's' }],
        b: [{ start: 1500, end: 2_000_250, label: 's' }],
      },
    });
    expect(r.alpha).toBeGreaterThan(0.99);
    expect(r.alpha).toBeLessThan(1);
  });
});

describe('unitizing α_U: properties (seeded)', () => {
  const rng = mulberry32(5150);
  const randomStudy = (): UnitizingInput => {
    const L = randInt(rng, 20, 120);
    const R = randInt(rng, 2, 4);
    const annotators: Record<string, Segment[]> = {};
    const raters = Array.from({ length: R }, (_, i) => `r${i}`);
    for (const r of raters) {
      const segs: Segment[] = [];
      for (const label of ['a', 'b']) {
        let pos = randInt(rng, 0, 10);
        while (pos < L - 2 && rng() < 0.8) {
          const len = randInt(rng, 1, 15);
          if (pos + len > L) break;
          segs.push({ start: pos, end: pos + len, label });
          pos += len + randInt(rng, 0, 12);
        }
      }
      annotators[r] = segs;
    }
    return { raters, continuum: { start: 0, end: L }, annotators };
  };
  const same = (x: number | null, y: number | null) =>
    x === null ? expect(y).toBeNull() : expect(y).toBeCloseTo(x, 12);

  it('is invariant to rater order, annotation order and translation of the whole continuum; α ≤ 1', () => {
    for (let t = 0; t < 150; t++) {
      const s = randomStudy();
      const a = unitizingAlpha(s).alpha;
      same(a, unitizingAlpha({ ...s, raters: shuffle(rng, s.raters) }).alpha);
      const shuffled = Object.fromEntries(Object.entries(s.annotators).map(([k, v]) => [k, shuffle(rng, v ?? [])]));
      same(a, unitizingAlpha({ ...s, annotators: shuffled }).alpha);
      const d = randInt(rng, 1, 1000);
      const moved = Object.fromEntries(
        Object.entries(s.annotators).map(([k, v]) => [
          k,
          (v ?? []).map((x) => ({ ...x, start: x.start + d, end: x.end + d })),
        ]),
      );
      same(a, unitizingAlpha({ ...s, continuum: { start: d, end: s.continuum.end + d }, annotators: moved }).alpha);
      if (a !== null) expect(a).toBeLessThanOrEqual(1);
    }
  });
});
