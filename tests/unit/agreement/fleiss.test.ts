/** Fleiss' κ (SPEC §2): published example, reasons and properties. */
import { describe, expect, it } from 'vitest';
import { fleissKappa, krippendorffAlpha } from '../../../shared/agreement/index.ts';
import type { CodeValue, CodingInput } from '../../../shared/agreement/index.ts';
import { mulberry32, pick, randInt, shuffle } from './helpers.ts';

/** Builds units from per-unit category counts (rater identity is irrelevant for Fleiss). */
function fromCounts(table: number[][], cats: CodeValue[]): CodingInput {
  const m = table[0].reduce((s, x) => s + x, 0);
  const raters = Array.from({ length: m }, (_, i) => `r${i}`);
  const units = table.map((row) => {
    const vals = row.flatMap((c, j) => Array<CodeValue>(c).fill(cats[j]));
    return Object.fromEntries(raters.map((r, i) => [r, vals[i]]));
  });
  return { raters, units };
}

function rows(data: (CodeValue | null)[][]): CodingInput {
  const raters = data[0].map((_, i) => `r${i}`);
  return { raters, units: data.map((r) => Object.fromEntries(raters.map((id, i) => [id, r[i]]))) };
}

describe('Fleiss κ: published figures', () => {
  it('Wikipedia example (10 units × 14 raters, 5 categories): κ = 0.210, P̄ = 0.378, P̄_e = 0.213', () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const r = fleissKappa(fromCounts(table, [1, 2, 3, 4, 5]));
    // Exact values from the integer formula: A = 688, T = 140, S = 4170.
    expect(r.p_bar).toBeCloseTo(688 / (140 * 13), 14);
    expect(r.p_e).toBeCloseTo(4170 / 140 ** 2, 14);
    expect(r.kappa).toBeCloseTo((688 * 140 - 4170 * 13) / (13 * (140 ** 2 - 4170)), 14);
    expect(Math.abs(r.kappa! - 0.2099)).toBeLessThan(5e-5);
    expect(Math.abs(r.p_bar! - 0.378)).toBeLessThan(5e-4);
    expect(Math.abs(r.p_e! - 0.213)).toBeLessThan(5e-4);
    expect(r).toMatchObject({ n_units: 10, raters_per_unit: 14, reason: null });
  });

  it('Randolph example [[7,1],[3,5]] gives 0.161905', () => {
    const r = fleissKappa(
      fromCounts(
        [
          [7, 1],
          [3, 5],
        ],
        ['yes', 'no'],
      ),
    );
    expect(Math.abs(r.kappa! - 0.161905)).toBeLessThan(5e-7);
  });
});

describe('Fleiss κ: null results and reasons', () => {
  it('no_variation with a single category, decided on counts (30 identical ratings)', () => {
    const r = fleissKappa(rows(Array.from({ length: 30 }, () => ['a', 'a', 'a'])));
    expect(r).toMatchObject({ kappa: null, reason: 'no_variation', p_bar: 1, p_e: 1 });
  });

  it('unequal_ratings_per_unit, need_two_raters, empty_input', () => {
    expect(
      fleissKappa(
        rows([
          ['a', 'b', 'a'],
          ['a', null, 'b'],
        ]),
      ),
    ).toMatchObject({ kappa: null, reason: 'unequal_ratings_per_unit', p_bar: null });
    expect(
      fleissKappa(
        rows([
          ['a', null],
          [null, 'b'],
        ]),
      ),
    ).toMatchObject({ kappa: null, reason: 'need_two_raters' });
    expect(fleissKappa({ raters: ['a', 'b'], units: [] })).toMatchObject({ kappa: null, reason: 'empty_input' });
  });

  it('accepts missing values when every unit still has the same number m of ratings', () => {
    const r = fleissKappa(
      rows([
        ['a', 'b', null],
        [null, 'a', 'a'],
        ['b', null, 'b'],
      ]),
    );
    expect(r.raters_per_unit).toBe(2);
    expect(r.kappa).not.toBeNull();
  });
});

describe('Fleiss κ: properties (seeded)', () => {
  const rng = mulberry32(31337);
  const random = () => {
    const R = randInt(rng, 2, 6);
    const k = randInt(rng, 2, 4);
    return Array.from({ length: randInt(rng, 2, 20) }, () =>
      Array.from({ length: R }, () => pick(rng, ['a', 'b', 'c', 'd'].slice(0, k))),
    );
  };

  it('is invariant to shuffling ratings within units and to unit order', () => {
    for (let t = 0; t < 100; t++) {
      const d = random();
      const k = fleissKappa(rows(d)).kappa;
      const d2 = shuffle(
        rng,
        d.map((r) => shuffle(rng, r)),
      );
      const k2 = fleissKappa(rows(d2)).kappa;
      if (k === null) expect(k2).toBeNull();
      else expect(k2).toBeCloseTo(k, 12);
    }
  });

  it('equals Scott π for m = 2, related to α by 1 − α = (1 − π)(n − 1)/n', () => {
    for (let t = 0; t < 100; t++) {
      const d = random().map((r) => r.slice(0, 2));
      const pi = fleissKappa(rows(d)).kappa;
      const a = krippendorffAlpha(rows(d)).alpha;
      if (pi === null) {
        expect(a).toBeNull();
        continue;
      }
      const n = 2 * d.length;
      expect(1 - a!).toBeCloseTo(((1 - pi) * (n - 1)) / n, 12);
    }
  });

  it('all raters identical gives 1 (or null with one category); κ ≤ 1', () => {
    for (let t = 0; t < 100; t++) {
      const d = random();
      const same = d.map((r) => r.map(() => r[0]));
      const r = fleissKappa(rows(same));
      if (new Set(same.map((x) => x[0])).size === 1) expect(r.reason).toBe('no_variation');
      else expect(r.kappa).toBe(1);
      const k = fleissKappa(rows(d)).kappa;
      if (k !== null) expect(k).toBeLessThanOrEqual(1);
    }
  });
});
