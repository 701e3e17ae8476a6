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
import { unitRow } from './values.ts';
import { codeRows, rowCount } from './rows.ts';
import type { CodedRows, WeightedRow } from './rows.ts';

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
  return fleissKappaRows(input.units.map((_, u) => ({ values: unitRow(input, u), weight: 1 })));
}

/**
 * Fleiss' κ on weighted rows (a row of weight w counts as w identical units); the core of
 * {@link fleissKappa}. All sums stay integers, so grouping units into rows changes nothing.
 */
export function fleissKappaRows(rows: readonly WeightedRow[]): FleissResult {
  return fleissKappaCoded(codeRows(rows));
}

/** {@link fleissKappaRows} on coded rows (see rows.ts). */
export function fleissKappaCoded(table: CodedRows): FleissResult {
  const nRows = rowCount(table);
  const Wd = table.width;
  let N = 0;
  for (let r = 0; r < nRows; r++) N += table.weights[r];
  const empty = { n_units: N, categories: [], category_proportions: [] };
  if (N === 0) return { ...empty, kappa: null, p_bar: null, p_e: null, raters_per_unit: null, reason: 'empty_input' };
  // Categories in order of first appearance; catOf maps a value code to its category index.
  const catOf = new Int32Array(table.values.length).fill(-1);
  const categories: CodeValue[] = [];
  const totals: number[] = [];
  const scratch = new Int32Array(table.values.length);
  const touched = new Int32Array(Math.max(Wd, 1));
  let m = -1;
  let A = 0;
  for (let r = 0; r < nRows; r++) {
    const w = table.weights[r];
    if (w === 0) continue;
    let mu = 0;
    let nt = 0;
    for (let i = r * Wd; i < (r + 1) * Wd; i++) {
      const code = table.codes[i];
      if (code < 0) continue;
      mu++;
      let c = catOf[code];
      if (c < 0) {
        c = catOf[code] = categories.length;
        categories.push(table.values[code]);
        totals.push(0);
      }
      totals[c] += w;
      if (scratch[c]++ === 0) touched[nt++] = c;
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
    for (let a = 0; a < nt; a++) {
      const c = touched[a];
      A += w * scratch[c] * (scratch[c] - 1);
      scratch[c] = 0;
    }
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
