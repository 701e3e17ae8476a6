/** Krippendorff's α (SPEC §3): published examples, reasons and properties. */
import { describe, expect, it } from 'vitest';
import { krippendorffAlpha } from '../../../shared/agreement/index.ts';
import type { AlphaLevel, CodeValue, CodingInput } from '../../../shared/agreement/index.ts';
import { mulberry32, pick, randInt, shuffle } from './helpers.ts';

/** Reliability data as rater rows (Krippendorff's layout): data[r][u]. */
function byRater(data: (CodeValue | null)[][], ids?: string[]): CodingInput {
  const raters = ids ?? data.map((_, i) => `c${i}`);
  const U = data[0].length;
  return {
    raters,
    units: Array.from({ length: U }, (_, u) => Object.fromEntries(raters.map((r, i) => [r, data[i][u]]))),
  };
}

const _ = null;
// Krippendorff (2011) example C: 4 coders × 12 units with missing values.
const K2011_C = byRater([
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]);

describe('Krippendorff α: published figures', () => {
  it.each([
    ['nominal', 0.743421],
    ['ordinal', 0.815388],
    ['interval', 0.849107],
    ['ratio', 0.797403],
  ] as const)('Krippendorff 2011 example C, %s = %f', (level, published) => {
    const r = krippendorffAlpha(K2011_C, { level });
    expect(Math.abs(r.alpha! - published)).toBeLessThan(5e-7);
    expect(r.n_pairable).toBe(40); // the last unit has a single value and is dropped
  });

  it('ordinal with string labels needs the declared order and then equals the numeric result', () => {
    const names = ['very low', 'low', 'mid', 'high', 'very high'];
    const data = K2011_C.units.map((u) =>
      Object.fromEntries(Object.entries(u).map(([k, v]) => [k, v === null ? null : names[(v as number) - 1]])),
    );
    const r = krippendorffAlpha({ raters: K2011_C.raters, units: data }, { level: 'ordinal', categories: names });
    expect(Math.abs(r.alpha! - 0.815388)).toBeLessThan(5e-7);
    // Without the order, code-point sorting scrambles the scale and α changes.
    expect(
      Math.abs(krippendorffAlpha({ raters: K2011_C.raters, units: data }, { level: 'ordinal' }).alpha! - 0.815388),
    ).toBeGreaterThan(1e-3);
  });

  it('2011 example A (binary, 2 observers) = 0.095 and B (Ben & Gerry) = 0.692', () => {
    const a = krippendorffAlpha(
      byRater([
        [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
        [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
      ]),
    );
    expect(a.alpha).toBeCloseTo(1 - 0.4 / ((2 * 14 * 6) / (20 * 19)), 12); // D_o = 8/20, n_0 = 14, n_1 = 6
    expect(Math.abs(a.alpha! - 0.095238)).toBeLessThan(5e-7);
    const b = krippendorffAlpha(
      byRater([
        ['a', 'a', 'b', 'b', 'd', 'c', 'c', 'c', 'e', 'd', 'd', 'a'],
        ['b', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'e', 'd', 'd', 'd'],
      ]),
    );
    expect(Math.abs(b.alpha! - 0.691964)).toBeLessThan(5e-7);
  });

  it('Wikipedia example (3 coders × 15 units): nominal 0.691358, interval 0.810845', () => {
    const w = byRater([
      [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
      [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
      [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
    ]);
    expect(Math.abs(krippendorffAlpha(w).alpha! - 0.691358)).toBeLessThan(5e-7);
    expect(Math.abs(krippendorffAlpha(w, { level: 'interval' }).alpha! - 0.810845)).toBeLessThan(5e-7);
  });
});

describe('Krippendorff α: edge cases and reasons', () => {
  it('total disagreement on balanced binary data: 8 units → exactly 1 − 15/8 = −0.875', () => {
    const r = krippendorffAlpha(
      byRater([
        ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
        ['b', 'a', 'b', 'a', 'b', 'a', 'b', 'a'],
      ]),
    );
    expect(r.D_o).toBe(1);
    expect(r.alpha).toBeCloseTo(-0.875, 14);
  });

  it('a single disagreement in otherwise constant data gives α = 0 (fast-krippendorff #11)', () => {
    const r = krippendorffAlpha(
      byRater([
        [3, 3, 3, 3, 3],
        [3, 3, 3, 3, 3],
        [3, 3, _, _, 3],
        [3, 3, 3, 3, 1],
        [3, _, 3, 3, 3],
      ]),
    );
    expect(r.D_o).toBeCloseTo(1 / 11, 15);
    expect(r.D_e).toBeCloseTo(1 / 11, 15);
    expect(Math.abs(r.alpha!)).toBeLessThan(1e-12);
  });

  it('no_variation with a single pairable value (D_o = D_e = 0), even with a declared unused category', () => {
    const data = byRater([Array(30).fill('x'), Array(30).fill('x')]);
    expect(krippendorffAlpha(data)).toMatchObject({
      alpha: null,
      reason: 'no_variation',
      D_o: 0,
      D_e: 0,
      n_pairable: 60,
    });
    expect(krippendorffAlpha(data, { categories: ['x', 'y'] }).reason).toBe('no_variation');
    // a different value in an unpairable unit does not count
    const u = byRater([
      ['x', 'x', 'y'],
      ['x', 'x', null],
    ]);
    expect(krippendorffAlpha(u).reason).toBe('no_variation');
  });

  it('no_pairable_data without a unit of two values (incl. a single rater); empty_input without units', () => {
    expect(
      krippendorffAlpha(
        byRater([
          [1, _, 2],
          [_, 3, _],
        ]),
      ),
    ).toMatchObject({ alpha: null, reason: 'no_pairable_data', n_pairable: 0 });
    expect(krippendorffAlpha(byRater([[1, 2, 3]])).reason).toBe('no_pairable_data');
    expect(krippendorffAlpha({ raters: ['a', 'b'], units: [] }).reason).toBe('empty_input');
  });

  it('ratio distance is 0 when c + k = 0; interval/ratio reject strings; ordinal rejects undeclared values', () => {
    expect(
      krippendorffAlpha(
        byRater([
          [0, 0, 1],
          [0, 0, 2],
        ]),
        { level: 'ratio' },
      ).alpha,
    ).not.toBeNull();
    expect(() => krippendorffAlpha(byRater([['a'], ['b']]), { level: 'interval' })).toThrow(/non_numeric_value/);
    expect(() => krippendorffAlpha(byRater([['a'], ['z']]), { level: 'ordinal', categories: ['a', 'b'] })).toThrow(
      /unknown_category/,
    );
  });
});

describe('Krippendorff α: properties (seeded)', () => {
  const rng = mulberry32(4242);
  const random = (): (number | null)[][] => {
    const R = randInt(rng, 2, 5);
    const U = randInt(rng, 2, 15);
    const vals = [1, 2, 3, 4, 5];
    return Array.from({ length: R }, () => Array.from({ length: U }, () => (rng() < 0.25 ? null : pick(rng, vals))));
  };
  const same = (x: number | null, y: number | null) =>
    x === null ? expect(y).toBeNull() : expect(y).toBeCloseTo(x, 10);

  it('α ≤ 1, and nominal α ≥ −1', () => {
    for (let t = 0; t < 300; t++) {
      const d = random();
      for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as AlphaLevel[]) {
        const a = krippendorffAlpha(byRater(d), { level }).alpha;
        if (a === null) continue;
        expect(a).toBeLessThanOrEqual(1 + 1e-12);
        if (level === 'nominal') expect(a).toBeGreaterThanOrEqual(-1);
      }
    }
  });

  it('is invariant to rater order, rater ids, unit order', () => {
    for (let t = 0; t < 100; t++) {
      const d = random();
      const base = krippendorffAlpha(byRater(d), { level: 'interval' }).alpha;
      same(base, krippendorffAlpha(byRater(shuffle(rng, d)), { level: 'interval' }).alpha);
      same(
        base,
        krippendorffAlpha(
          byRater(
            d,
            d.map((_r, i) => `id-${i * 13}`),
          ),
          { level: 'interval' },
        ).alpha,
      );
      const perm = shuffle(
        rng,
        d[0].map((_u, i) => i),
      );
      same(base, krippendorffAlpha(byRater(d.map((r) => perm.map((i) => r[i]))), { level: 'interval' }).alpha);
    }
  });

  it('interval α is invariant to affine maps, ratio α to scaling, ordinal α to monotone relabelling, nominal α to any relabelling', () => {
    for (let t = 0; t < 100; t++) {
      const d = random();
      const map = (f: (v: number) => CodeValue) => d.map((r) => r.map((v) => (v === null ? null : f(v))));
      same(
        krippendorffAlpha(byRater(d), { level: 'interval' }).alpha,
        krippendorffAlpha(byRater(map((v) => 3.5 * v - 7)), { level: 'interval' }).alpha,
      );
      same(
        krippendorffAlpha(byRater(d), { level: 'ratio' }).alpha,
        krippendorffAlpha(byRater(map((v) => 2.5 * v)), { level: 'ratio' }).alpha,
      );
      same(
        krippendorffAlpha(byRater(d), { level: 'ordinal' }).alpha,
        krippendorffAlpha(byRater(map((v) => v ** 3)), { level: 'ordinal' }).alpha,
      );
      same(krippendorffAlpha(byRater(d)).alpha, krippendorffAlpha(byRater(map((v) => `lab${(v * 7) % 5}`))).alpha);
    }
  });

  it('unused declared categories change neither nominal nor ordinal α (marginal 0)', () => {
    for (let t = 0; t < 100; t++) {
      const d = random();
      same(
        krippendorffAlpha(byRater(d)).alpha,
        krippendorffAlpha(byRater(d), { categories: [0, 1, 2, 3, 4, 5, 6] }).alpha,
      );
      same(
        krippendorffAlpha(byRater(d), { level: 'ordinal' }).alpha,
        krippendorffAlpha(byRater(d), { level: 'ordinal', categories: [0, 1, 2, 2.5, 3, 4, 5, 6] }).alpha,
      );
    }
  });

  it('identical raters give 1 (or null with one distinct value)', () => {
    for (let t = 0; t < 100; t++) {
      const row = random()[0].map((v) => v ?? 1);
      const r = krippendorffAlpha(byRater([row, row, row]));
      if (new Set(row).size === 1) expect(r.reason).toBe('no_variation');
      else expect(r.alpha).toBe(1);
    }
  });
});
