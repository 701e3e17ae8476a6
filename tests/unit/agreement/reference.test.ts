/**
 * Cross-checks against deliberately naive, definition-level re-implementations (float
 * arithmetic, explicit pair enumeration) on seeded random data. They share no code with the
 * library, so a slip in the optimised integer formulas shows up here.
 */
import { describe, expect, it } from 'vitest';
import { cohenKappa, fleissKappa, krippendorffAlpha } from '../../../shared/agreement/index.ts';
import type { AlphaLevel, CodingInput } from '../../../shared/agreement/index.ts';
import { mulberry32, pick, randInt } from './helpers.ts';

/** Krippendorff's α straight from the 2011 definition, by enumerating ordered value pairs. */
function naiveAlpha(data: (number | null)[][], level: AlphaLevel): number | null {
  const units = data.map((u) => u.filter((v): v is number => v !== null)).filter((u) => u.length >= 2);
  const values = units.flat();
  const n = values.length;
  if (n === 0) return null;
  const domain = [...new Set(values)].sort((a, b) => a - b);
  const nc = new Map(domain.map((c) => [c, values.filter((v) => v === c).length]));
  const delta = (c: number, k: number): number => {
    if (c === k) return 0;
    if (level === 'nominal') return 1;
    if (level === 'interval') return (c - k) ** 2;
    if (level === 'ratio') return c + k === 0 ? 0 : ((c - k) / (c + k)) ** 2;
    const [lo, hi] = c < k ? [c, k] : [k, c];
    let s = 0;
    for (const g of domain) if (g >= lo && g <= hi) s += nc.get(g)!;
    return (s - (nc.get(c)! + nc.get(k)!) / 2) ** 2;
  };
  let Do = 0;
  for (const u of units) {
    let s = 0;
    for (let i = 0; i < u.length; i++) for (let j = 0; j < u.length; j++) if (i !== j) s += delta(u[i], u[j]);
    Do += s / (u.length - 1);
  }
  Do /= n;
  let De = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) De += delta(values[i], values[j]);
  De /= n * (n - 1);
  return De === 0 ? null : 1 - Do / De;
}

/** Cohen's κ from observed/expected proportion matrices (floats), categories = given list. */
function naiveCohen(a: number[], b: number[], cats: number[], weights: 'none' | 'linear' | 'quadratic'): number | null {
  const k = cats.length;
  const n = a.length;
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  a.forEach((x, u) => (o[cats.indexOf(x)][cats.indexOf(b[u])] += 1 / n));
  const pa = o.map((r) => r.reduce((s, x) => s + x, 0));
  const pb = cats.map((_, j) => o.reduce((s, r) => s + r[j], 0));
  const w = (i: number, j: number) =>
    weights === 'none' ? (i === j ? 0 : 1) : weights === 'linear' ? Math.abs(i - j) : (i - j) ** 2;
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      num += w(i, j) * o[i][j];
      den += w(i, j) * pa[i] * pb[j];
    }
  }
  return den < 1e-12 ? null : 1 - num / den;
}

/** Fleiss' κ from the textbook formulas with floats. */
function naiveFleiss(data: number[][], cats: number[]): number | null {
  const N = data.length;
  const m = data[0].length;
  const nij = data.map((u) => cats.map((c) => u.filter((v) => v === c).length));
  const Pi = nij.map((r) => r.reduce((s, x) => s + x * (x - 1), 0) / (m * (m - 1)));
  const Pbar = Pi.reduce((s, x) => s + x, 0) / N;
  const pj = cats.map((_, j) => nij.reduce((s, r) => s + r[j], 0) / (N * m));
  const Pe = pj.reduce((s, x) => s + x * x, 0);
  return Math.abs(1 - Pe) < 1e-12 ? null : (Pbar - Pe) / (1 - Pe);
}

const toInput = (data: (number | null)[][]): CodingInput => {
  const raters = data[0].map((_, i) => `r${i}`);
  return { raters, units: data.map((u) => Object.fromEntries(raters.map((r, i) => [r, u[i]]))) };
};

describe('definition-level cross-checks (seeded)', () => {
  const rng = mulberry32(271828);

  it('Krippendorff α (all four levels, missing values) equals the pair-enumeration definition', () => {
    for (let t = 0; t < 300; t++) {
      const R = randInt(rng, 2, 5);
      const vals = [1, 2, 3, 5, 8].slice(0, randInt(rng, 2, 5));
      const data = Array.from({ length: randInt(rng, 1, 12) }, () =>
        Array.from({ length: R }, () => (rng() < 0.3 ? null : pick(rng, vals))),
      );
      for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as AlphaLevel[]) {
        const ref = naiveAlpha(data, level);
        const got = krippendorffAlpha(toInput(data), { level }).alpha;
        if (ref === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(ref, 10);
      }
    }
  });

  it('Cohen κ (unweighted, linear, quadratic) equals the proportion-matrix definition', () => {
    for (let t = 0; t < 300; t++) {
      const cats = [1, 2, 3, 4, 5].slice(0, randInt(rng, 2, 5));
      const n = randInt(rng, 1, 20);
      const a = Array.from({ length: n }, () => pick(rng, cats));
      const b = a.map((x) => (rng() < 0.5 ? x : pick(rng, cats)));
      for (const weights of ['none', 'linear', 'quadratic'] as const) {
        const ref = naiveCohen(a, b, cats, weights);
        const got = cohenKappa(toInput(a.map((x, i) => [x, b[i]])), { weights, categories: cats }).kappa;
        if (ref === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(ref, 10);
      }
    }
  });

  it('Fleiss κ equals the textbook formulas', () => {
    for (let t = 0; t < 300; t++) {
      const cats = [1, 2, 3, 4].slice(0, randInt(rng, 1, 4));
      const m = randInt(rng, 2, 7);
      const data = Array.from({ length: randInt(rng, 1, 15) }, () => Array.from({ length: m }, () => pick(rng, cats)));
      const ref = naiveFleiss(data, cats);
      const got = fleissKappa(toInput(data)).kappa;
      if (ref === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(ref, 10);
    }
  });
});
