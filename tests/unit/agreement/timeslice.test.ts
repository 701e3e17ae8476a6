/** Time-sliced agreement (SPEC §7). */
import { describe, expect, it } from 'vitest';
import { cohenKappa, sliceLabels, timeSliced } from '../../../shared/agreement/index.ts';
import type { Segment, SegmentInput } from '../../../shared/agreement/index.ts';
import { mulberry32, randInt, shuffle } from './helpers.ts';

// Krippendorff (1995) pair A: Bertha 0 0|1×8|0×4|1×6|0×4, Bill 0×4|1×4|0×7|1 1|0×7 (24 slices).
const K1995_A: SegmentInput = {
  raters: ['Bertha', 'Bill'],
  annotators: {
    Bertha: [
      { start: 2, end: 10, label: 'u' },
      { start: 14, end: 20, label: 'u' },
    ],
    Bill: [
      { start: 4, end: 8, label: 'u' },
      { start: 15, end: 17, label: 'u' },
    ],
  },
};

describe('time slicing: published figures', () => {
  it('Krippendorff 1995 example A digitised into 24 slices: κ = .385, α = .329, π = .314 (DKPro)', () => {
    const p = { resolution: 1, span: [0, 24] as [number, number], no_label: 'category' as const };
    const k = timeSliced(K1995_A, { ...p, coefficient: 'cohen_kappa' });
    const a = timeSliced(K1995_A, { ...p, coefficient: 'krippendorff_alpha_nominal' });
    const f = timeSliced(K1995_A, { ...p, coefficient: 'fleiss_kappa' }); // Fleiss with m = 2 is Scott's π
    expect(k.n_slices).toBe(24);
    expect(Math.abs(k.value! - 0.385)).toBeLessThan(5e-4);
    expect(Math.abs(a.value! - 0.329)).toBeLessThan(5e-4);
    expect(Math.abs(f.value! - 0.314)).toBeLessThan(5e-4);
  });
});

describe('time slicing: slicing rule', () => {
  it('samples slice midpoints with half-open containment, including a partial last slice', () => {
    // span [0, 250), r = 100 → K = 3, midpoints 50, 150, 250 (the last one is outside the span)
    expect(sliceLabels([{ start: 200, end: 260, label: 'x' }], 0, 100, 3)).toEqual([null, null, 'x']);
    expect(sliceLabels([{ start: 200, end: 250, label: 'x' }], 0, 100, 3)).toEqual([null, null, null]);
    expect(sliceLabels([{ start: 150, end: 151, label: 'x' }], 0, 100, 3)).toEqual([null, 'x', null]);
    expect(sliceLabels([{ start: 0, end: 150, label: 'x' }], 0, 100, 3)).toEqual(['x', null, null]);
    const r = timeSliced({ raters: ['a', 'b'], annotators: {} }, { resolution: 100, span: [0, 250] });
    expect(r.n_slices).toBe(3);
  });

  it('merges same-label overlaps and rejects different-label overlaps of one annotator', () => {
    expect(
      sliceLabels(
        [
          { start: 0, end: 150, label: 'x' },
          { start: 100, end: 300, label: 'x' },
        ],
        0,
        100,
        3,
      ),
    ).toEqual(['x', 'x', 'x']);
    expect(() =>
      sliceLabels(
        [
          { start: 0, end: 150, label: 'x' },
          { start: 100, end: 300, label: 'y' },
        ],
        0,
        100,
        3,
      ),
    ).toThrow(/overlapping_segments/);
  });

  it('category vs exclude mode', () => {
    const input: SegmentInput = {
      raters: ['A', 'B', 'C'],
      annotators: {
        A: [
          { start: 0, end: 200, label: 'a' },
          { start: 300, end: 400, label: 'b' },
        ],
        B: [
          { start: 0, end: 100, label: 'a' },
          { start: 100, end: 200, label: 'b' },
          { start: 300, end: 400, label: 'b' },
        ],
        C: [{ start: 0, end: 200, label: 'a' }],
      },
    };
    const p = { resolution: 100, span: [0, 500] as [number, number] };
    const cat = timeSliced(input, { ...p, no_label: 'category', coefficient: 'fleiss_kappa' });
    expect(cat.detail).toMatchObject({ n_units: 5, raters_per_unit: 3 });
    const exc = timeSliced(input, { ...p, no_label: 'exclude', coefficient: 'fleiss_kappa' });
    expect(exc.detail).toMatchObject({ n_units: 2 }); // only slices 0 and 1 are labelled by all
    const alpha = timeSliced(input, { ...p, no_label: 'exclude', coefficient: 'krippendorff_alpha_nominal' });
    expect(alpha.detail).toMatchObject({ n_pairable: 8 }); // 3 + 3 + 2 pairable values
    const two = { raters: ['A', 'B'], annotators: input.annotators };
    const ck = timeSliced(two, { ...p, no_label: 'exclude', coefficient: 'cohen_kappa' });
    expect(ck.detail).toMatchObject({ n_units_used: 3 });
    expect(ck.observed_agreement).toBeCloseTo(2 / 3, 15);
    expect(timeSliced(input, { ...p, coefficient: 'cohen_kappa' }).reason).toBe('need_two_raters');
    expect(timeSliced(two, { resolution: 100, span: [0, 0] }).reason).toBe('empty_input');
  });
});

describe('time slicing: properties (seeded)', () => {
  const rng = mulberry32(8080);
  const randomTier = (): Segment[] => {
    const segs: Segment[] = [];
    let pos = randInt(rng, 0, 50);
    while (pos < 900) {
      const len = randInt(rng, 10, 200);
      segs.push({ start: pos, end: pos + len, label: rng() < 0.5 ? 'x' : 'y' });
      pos += len + randInt(rng, 0, 100);
    }
    return segs;
  };

  it('κ equals Cohen κ on the slice units, is symmetric and order-invariant', () => {
    for (let t = 0; t < 100; t++) {
      const input = { raters: ['A', 'B'], annotators: { A: randomTier(), B: randomTier() } };
      const p = {
        resolution: randInt(rng, 7, 60),
        span: [0, 1000] as [number, number],
        no_label: 'category' as const,
        coefficient: 'cohen_kappa' as const,
      };
      const r = timeSliced(input, p);
      const units = r.slices.A.map((a, k) => ({ A: a ?? '__none__', B: r.slices.B[k] ?? '__none__' }));
      expect(r.value).toBe(cohenKappa({ raters: ['A', 'B'], units }).kappa);
      const swapped = timeSliced({ ...input, raters: ['B', 'A'] }, p);
      if (r.value === null) expect(swapped.value).toBeNull();
      else expect(swapped.value).toBeCloseTo(r.value, 12);
      const shuffled = timeSliced(
        {
          raters: ['A', 'B'],
          annotators: { A: shuffle(rng, input.annotators.A), B: shuffle(rng, input.annotators.B) },
        },
        p,
      );
      expect(shuffled.value).toBe(r.value);
      expect(r.observed_agreement).toBe((r.detail as { p_o: number }).p_o);
    }
  });
});
