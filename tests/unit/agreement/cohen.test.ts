/** Cohen's κ (SPEC §1), confusion matrix, Light's and Davies–Fleiss κ: hand-computed cases and properties. */
import { describe, expect, it } from 'vitest';
import {
  cohenKappa,
  cohenKappaFromPairs,
  confusionMatrix,
  daviesFleissKappa,
  lightKappa,
  pairwiseMatrix,
} from '../../../shared/agreement/index.ts';
import type { CodeValue, CodingInput } from '../../../shared/agreement/index.ts';
import { mulberry32, pick, randInt, shuffle } from './helpers.ts';

function two(a: (CodeValue | null)[], b: (CodeValue | null)[], ids: [string, string] = ['A', 'B']): CodingInput {
  return { raters: ids, units: a.map((x, i) => ({ [ids[0]]: x, [ids[1]]: b[i] })) };
}

/** Both null, or both numbers and close. */
function same(x: number | null, y: number | null): void {
  if (x === null) expect(y).toBeNull();
  else expect(y).toBeCloseTo(x, 12);
}

function rows(data: (CodeValue | null)[][], ids?: string[]): CodingInput {
  const raters = ids ?? data[0].map((_, i) => `r${i}`);
  return { raters, units: data.map((r) => Object.fromEntries(raters.map((id, i) => [id, r[i]]))) };
}

describe('Cohen κ: hand-computed values', () => {
  it('Wikipedia 2×2 example (20/5/10/15 of 50) gives 0.4', () => {
    const a: string[] = [];
    const b: string[] = [];
    const add = (x: string, y: string, n: number) => {
      for (let i = 0; i < n; i++) {
        a.push(x);
        b.push(y);
      }
    };
    add('yes', 'yes', 20);
    add('yes', 'no', 5);
    add('no', 'yes', 10);
    add('no', 'no', 15);
    const r = cohenKappa(two(a, b));
    expect(r.p_o).toBeCloseTo(0.7, 12);
    expect(r.p_e).toBeCloseTo(0.5, 12);
    expect(r.kappa).toBeCloseTo(0.4, 12);
  });

  it('unweighted, linear and quadratic on a small ordered example', () => {
    // confusion (rows A, cols B) over [1,2,3]: (1,1) (1,2) (2,3) (3,3); a = (2,1,1), b = (1,1,2)
    const input = two([1, 2, 3, 1], [1, 3, 3, 2]);
    expect(cohenKappa(input).kappa).toBeCloseTo(3 / 11, 14); // (.5 − 5/16)/(1 − 5/16)
    expect(cohenKappa(input, { weights: 'linear', categories: [1, 2, 3] }).kappa).toBeCloseTo(0.5, 14); // 1 − 4·2/16
    expect(cohenKappa(input, { weights: 'quadratic', categories: [1, 2, 3] }).kappa).toBeCloseTo(18 / 26, 14); // 1 − 4·2/26
  });

  it('complete disagreement with balanced marginals is exactly −1', () => {
    expect(cohenKappa(two(['x', 'y', 'x', 'y'], ['y', 'x', 'y', 'x'])).kappa).toBe(-1);
  });

  it('one constant rater and one varying rater gives exactly 0', () => {
    const r = cohenKappa(two(['a', 'a', 'a', 'a'], ['a', 'b', 'a', 'c']));
    expect(r.kappa).toBe(0);
    expect(r.reason).toBeNull();
  });

  it('weighted κ uses category indices: an unused middle category changes it, one at the end does not', () => {
    const input = two(['low', 'mid', 'high', 'mid', 'low', 'high'], ['low', 'high', 'high', 'mid', 'mid', 'mid']);
    const base = cohenKappa(input, { weights: 'linear', categories: ['low', 'mid', 'high'] }).kappa!;
    const end = cohenKappa(input, { weights: 'linear', categories: ['low', 'mid', 'high', 'extreme'] }).kappa!;
    const gap = cohenKappa(input, { weights: 'linear', categories: ['low', 'mid', 'mid+', 'high'] }).kappa!;
    expect(end).toBeCloseTo(base, 14);
    expect(Math.abs(gap - base)).toBeGreaterThan(1e-3);
    // Without a declared order the labels sort by code point (high < low < mid) and a warning is set.
    const dflt = cohenKappa(input, { weights: 'linear' });
    const lex = cohenKappa(input, { weights: 'linear', categories: ['high', 'low', 'mid'] });
    expect(dflt.kappa).toBe(lex.kappa);
    expect(dflt.warnings).toContain('category_order_defaulted');
  });
});

describe('Cohen κ: null results and reasons', () => {
  it('no_variation when both raters used one and the same category (p_o = p_e = 1)', () => {
    const r = cohenKappa(two(Array(30).fill('a'), Array(30).fill('a')));
    expect(r).toMatchObject({ kappa: null, reason: 'no_variation', p_o: 1, p_e: 1, n_units_used: 30 });
    expect(cohenKappa(two([1, 1], [1, 1]), { weights: 'quadratic', categories: [1, 2] }).reason).toBe('no_variation');
  });

  it('no_pairable_data when no unit has both values; listwise deletion otherwise', () => {
    expect(cohenKappa(two(['a', null, 'b'], [null, 'b', null]))).toMatchObject({
      kappa: null,
      reason: 'no_pairable_data',
      n_units_total: 3,
      n_units_used: 0,
    });
    const r = cohenKappa(two(['a', 'b', null, 'a'], ['a', 'b', 'a', undefined as unknown as null]));
    expect(r.n_units_used).toBe(2);
    expect(r.kappa).toBe(1);
  });

  it('need_two_raters for 1 or 3 raters; empty_input for no units', () => {
    expect(cohenKappa(rows([['a', 'b', 'a']])).reason).toBe('need_two_raters');
    expect(cohenKappa({ raters: ['A'], units: [{ A: 'x' }] }).reason).toBe('need_two_raters');
    expect(cohenKappa({ raters: ['A', 'B'], units: [] })).toMatchObject({ kappa: null, reason: 'empty_input' });
  });

  it('rejects values outside a declared category list', () => {
    expect(() => cohenKappa(two(['a', 'z'], ['a', 'a']), { categories: ['a', 'b'] })).toThrow(/unknown_category/);
  });
});

describe('confusionMatrix', () => {
  it('counts pairs by declared category order and skips missing', () => {
    const cm = confusionMatrix(['a', 'b', null, 'b'], ['a', 'a', 'b', 'b'], ['b', 'a', 'c']);
    expect(cm.categories).toEqual(['b', 'a', 'c']);
    expect(cm.matrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(cm.rowTotals).toEqual([2, 1, 0]);
    expect(cm.colTotals).toEqual([1, 2, 0]);
    expect(cm.n).toBe(3);
  });

  it('defaults to numbers ascending, then strings by code point (U+FFFF before U+1F600, unlike UTF-16 order)', () => {
    expect(confusionMatrix([10, 'b', 2, '\uffff'], ['😀', 'B', 2, 'a']).categories).toEqual([
      2,
      10,
      'B',
      'a',
      'b',
      '\uffff',
      '😀',
    ]);
  });
});

describe('Cohen κ: properties (seeded)', () => {
  const rng = mulberry32(2024);
  const cats = ['a', 'b', 'c', 'd'];
  const randomPairs = () => {
    const n = randInt(rng, 2, 25);
    const k = randInt(rng, 2, 4);
    const a = Array.from({ length: n }, () => pick(rng, cats.slice(0, k)));
    const b = a.map((x) => (rng() < 0.6 ? x : pick(rng, cats.slice(0, k))));
    return { a, b };
  };

  it('is symmetric in the raters (unweighted and weighted)', () => {
    for (let t = 0; t < 200; t++) {
      const { a, b } = randomPairs();
      for (const weights of ['none', 'linear', 'quadratic'] as const) {
        const x = cohenKappa(two(a, b), { weights, categories: cats }).kappa;
        const y = cohenKappa(two(b, a), { weights, categories: cats }).kappa;
        if (x === null) expect(y).toBeNull();
        else expect(y).toBeCloseTo(x, 12);
      }
    }
  });

  it('identical ratings give 1, or null when only one category is used', () => {
    for (let t = 0; t < 100; t++) {
      const { a } = randomPairs();
      const r = cohenKappa(two(a, a));
      if (new Set(a).size === 1) expect(r.reason).toBe('no_variation');
      else expect(r.kappa).toBe(1);
    }
  });

  it('is invariant to unit order, rater ids, unused declared categories and (unweighted) relabelling', () => {
    for (let t = 0; t < 100; t++) {
      const { a, b } = randomPairs();
      const k = cohenKappa(two(a, b)).kappa;
      const perm = shuffle(
        rng,
        a.map((_, i) => i),
      );
      same(
        k,
        cohenKappa(
          two(
            perm.map((i) => a[i]),
            perm.map((i) => b[i]),
          ),
        ).kappa,
      );
      expect(cohenKappa(two(a, b, ['x1', 'y2'])).kappa).toBe(k);
      same(k, cohenKappa(two(a, b), { categories: ['zz', ...cats, 'unused'] }).kappa);
      const relabel = (v: string) => `L${cats.indexOf(v) * 7}`;
      same(k, cohenKappa(two(a.map(relabel), b.map(relabel))).kappa);
    }
  });

  it('weighted κ is invariant to reversing the category order; κ ≤ 1', () => {
    for (let t = 0; t < 100; t++) {
      const { a, b } = randomPairs();
      for (const weights of ['linear', 'quadratic'] as const) {
        const x = cohenKappa(two(a, b), { weights, categories: cats }).kappa;
        const y = cohenKappa(two(a, b), { weights, categories: [...cats].reverse() }).kappa;
        if (x !== null) {
          expect(y).toBeCloseTo(x, 12);
          expect(x).toBeLessThanOrEqual(1 + 1e-12);
        }
      }
    }
  });

  it('cohenKappaFromPairs equals cohenKappa on the same data', () => {
    const { a, b } = randomPairs();
    expect(cohenKappaFromPairs(a.map((x, i) => [x, b[i]])).kappa).toBe(cohenKappa(two(a, b)).kappa);
  });
});

describe("Light's κ and Davies–Fleiss κ", () => {
  // Pairwise: κ12 = 0.5, κ13 = 0.5, κ23 = 0.2 (hand-computed); Ā_o = 8/12, Ā_e = 22/48.
  const data = rows([
    ['a', 'a', 'a'],
    ['a', 'b', 'a'],
    ['b', 'b', 'b'],
    ['b', 'b', 'a'],
  ]);

  it('hand-computed 3-rater example', () => {
    expect(lightKappa(data).kappa).toBeCloseTo(0.4, 14);
    expect(lightKappa(data).pairwise[1][2]).toBeCloseTo(0.2, 14);
    expect(daviesFleissKappa(data).kappa).toBeCloseTo(5 / 13, 14);
  });

  it('with two raters both equal Cohen κ', () => {
    const d = rows([
      ['a', 'b'],
      ['b', 'b'],
      ['a', 'a'],
      ['c', 'a'],
    ]);
    const k = cohenKappa(d).kappa!;
    expect(lightKappa(d).kappa).toBeCloseTo(k, 14);
    expect(daviesFleissKappa(d).kappa).toBeCloseTo(k, 14);
  });

  it('uses listwise deletion for missing ratings', () => {
    const withMissing = rows([...data.units.map((u) => Object.values(u) as string[]), ['a', null, 'b']]);
    expect(withMissing.units.length).toBe(5);
    expect(lightKappa(withMissing)).toMatchObject({ n_units_used: 4, n_units_total: 5 });
    expect(lightKappa(withMissing).kappa).toBeCloseTo(0.4, 14);
    expect(daviesFleissKappa(withMissing).kappa).toBeCloseTo(5 / 13, 14);
  });

  it('reasons: need_two_raters, empty_input, no_pairable_data, no_variation', () => {
    expect(lightKappa(rows([['a']])).reason).toBe('need_two_raters');
    expect(daviesFleissKappa({ raters: ['a', 'b'], units: [] }).reason).toBe('empty_input');
    expect(
      lightKappa(
        rows([
          ['a', null, 'b'],
          [null, 'a', 'a'],
        ]),
      ).reason,
    ).toBe('no_pairable_data');
    const constant = rows([
      ['x', 'x', 'x'],
      ['x', 'x', 'x'],
    ]);
    expect(lightKappa(constant).reason).toBe('no_variation');
    expect(daviesFleissKappa(constant).reason).toBe('no_variation');
    // One pair constant-and-equal makes Light's mean undefined, but D–F is still defined.
    const partial = rows([
      ['x', 'x', 'y'],
      ['x', 'x', 'x'],
    ]);
    expect(lightKappa(partial).reason).toBe('no_variation');
    expect(daviesFleissKappa(partial).kappa).not.toBeNull();
  });

  it('both are invariant to rater order (seeded)', () => {
    const rng = mulberry32(99);
    for (let t = 0; t < 50; t++) {
      const R = randInt(rng, 2, 5);
      const d = Array.from({ length: randInt(rng, 3, 15) }, () =>
        Array.from({ length: R }, () => pick(rng, ['a', 'b', 'c'])),
      );
      const perm = shuffle(rng, [...Array(R).keys()]);
      const p = d.map((r) => perm.map((i) => r[i]));
      for (const f of [lightKappa, daviesFleissKappa]) {
        const x = f(rows(d)).kappa;
        const y = f(rows(p)).kappa;
        if (x === null) expect(y).toBeNull();
        else expect(y).toBeCloseTo(x, 12);
      }
    }
  });
});

describe('pairwiseMatrix', () => {
  it('builds a rater × rater matrix (asymmetric metrics keep both directions)', () => {
    const calls: string[] = [];
    const m = pairwiseMatrix(['a', 'b', 'c'], (x, y) => {
      calls.push(x + y);
      return `${x}>${y}`;
    });
    expect(m[0][1]).toBe('a>b');
    expect(m[1][0]).toBe('b>a');
    expect(m[2][2]).toBeNull();
    expect(calls.length).toBe(6);
    const s = pairwiseMatrix(['a', 'b', 'c'], (x, y) => x + y, true);
    expect(s[2][0]).toBe('ac');
    expect(s[0][2]).toBe('ac');
  });
});
