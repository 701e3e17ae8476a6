/**
 * Fleiss' κ (Fleiss 1971; SPEC §2). Rater identity is irrelevant: each unit contributes the
 * multiset of its non-missing ratings, and every unit must carry the same number m ≥ 2.
 *
 * With integer counts A = Σ_ij n_ij(n_ij−1), T = N·m ratings and S = Σ_j c_j² (c_j = column
 * totals): P̄ = A / (T(m−1)), P̄_e = S / T², and
 *   κ = (P̄ − P̄_e)/(1 − P̄_e) = (A·T − S(m−1)) / ((m−1)(T² − S)),
 * one division at the end. P̄_e = 1 ⇔ S = T² ⇔ a single category was used (decided on counts).
 */
import type { CodeValue, CodingInput, WithReason } from './types.ts';
import { unitRow, valueKey } from './values.ts';

export interface FleissResult extends WithReason {
  kappa: number | null;
  /** Mean per-unit agreement P̄ (null when κ cannot be set up at all). */
  p_bar: number | null;
  /** Chance agreement P̄_e = Σ p_j². */
  p_e: number | null;
  n_units: number;
  /** m, the common number of ratings per unit (null if unequal). */
  raters_per_unit: number | null;
  /** Category order of `category_proportions`: first appearance. */
  categories: CodeValue[];
  /** p_j per category. */
  category_proportions: number[];
}

/**
 * Fleiss' κ. Null reasons: `empty_input` (no units), `unequal_ratings_per_unit`,
 * `need_two_raters` (m < 2), `no_variation` (one category only).
 */
export function fleissKappa(input: CodingInput): FleissResult {
  const N = input.units.length;
  const empty = { n_units: N, categories: [], category_proportions: [] };
  if (N === 0) return { ...empty, kappa: null, p_bar: null, p_e: null, raters_per_unit: null, reason: 'empty_input' };
  const catIndex = new Map<string, number>();
  const categories: CodeValue[] = [];
  const totals: number[] = [];
  let m = -1;
  let A = 0;
  for (let u = 0; u < N; u++) {
    const counts = new Map<number, number>();
    let mu = 0;
    for (const v of unitRow(input, u)) {
      if (v === null) continue;
      mu++;
      const key = valueKey(v);
      let c = catIndex.get(key);
      if (c === undefined) {
        c = categories.length;
        catIndex.set(key, c);
        categories.push(v);
        totals.push(0);
      }
      totals[c]++;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    if (m === -1) m = mu;
    else if (m !== mu) {
      return {
        ...empty,
        kappa: null,
        p_bar: null,
        p_e: null,
        raters_per_unit: null,
        reason: 'unequal_ratings_per_unit',
      };
    }
    for (const c of counts.values()) A += c * (c - 1);
  }
  const T = N * m;
  if (m < 2) {
    return { ...empty, kappa: null, p_bar: null, p_e: null, raters_per_unit: m, reason: 'need_two_raters' };
  }
  let S = 0;
  for (const c of totals) S += c * c;
  const p_bar = A / (T * (m - 1));
  const p_e = S / (T * T);
  const base = {
    n_units: N,
    raters_per_unit: m,
    categories,
    category_proportions: totals.map((c) => c / T),
    p_bar,
    p_e,
  };
  if (categories.length === 1) return { ...base, kappa: null, reason: 'no_variation' };
  const kappa = (A * T - S * (m - 1)) / ((m - 1) * (T * T - S));
  return { ...base, kappa, reason: null };
}
