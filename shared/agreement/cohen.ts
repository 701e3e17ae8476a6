/**
 * Cohen's κ for two raters, unweighted and weighted (SPEC §1), plus a confusion-matrix helper.
 *
 * All arithmetic is on integer cell counts; the single division comes last, so that κ = 0 and
 * κ = −1 come out exactly and the undefined case is decided on counts (SPEC §0).
 */
import { AgreementInputError } from './reasons.ts';
import type { ReasonCode } from './reasons.ts';
import type { CodeValue, CodingInput, WithReason } from './types.ts';
import { categoryIndex, twoRaters, unitRow, valueKey } from './values.ts';

export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface CohenOptions {
  /** `'none'` (default), `'linear'` (|i−j|) or `'quadratic'` ((i−j)²). */
  readonly weights?: KappaWeights | null;
  /**
   * Ordered category list. Weighted κ depends on it (indices, not values, are used; SPEC §1).
   * When absent the sorted observed values are used (sklearn's behaviour) and the result
   * carries the warning `category_order_defaulted`: the server should always declare an order.
   */
  readonly categories?: readonly CodeValue[] | null;
}

/** Two-rater confusion matrix: `matrix[i][j]` = #units with A = categories[i], B = categories[j]. */
export interface ConfusionMatrix {
  categories: CodeValue[];
  matrix: number[][];
  /** Row sums (rater A marginals) and column sums (rater B marginals), as counts. */
  rowTotals: number[];
  colTotals: number[];
  n: number;
}

export interface CohenResult extends WithReason {
  kappa: number | null;
  n_units_total: number;
  /** Units where both raters have a value (listwise deletion). */
  n_units_used: number;
  /** Unweighted observed agreement Σ o_ii (null without pairs). */
  p_o: number | null;
  /** Unweighted chance agreement Σ pA_i·pB_i (null without pairs). */
  p_e: number | null;
  weights: KappaWeights;
  confusion: ConfusionMatrix;
  warnings: string[];
}

/**
 * Confusion matrix of two aligned value lists (pairs with a missing side are skipped).
 * Categories: the declared list (order kept) or the sorted observed values.
 */
export function confusionMatrix(
  a: readonly (CodeValue | null)[],
  b: readonly (CodeValue | null)[],
  categories?: readonly CodeValue[] | null,
): ConfusionMatrix {
  if (a.length !== b.length) throw new AgreementInputError('invalid_params', 'value lists differ in length');
  const pairs: [CodeValue, CodeValue][] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== null && y !== null) pairs.push([x, y]);
  }
  return confusionFromPairs(pairs, categories);
}

function confusionFromPairs(
  pairs: readonly [CodeValue, CodeValue][],
  declared?: readonly CodeValue[] | null,
): ConfusionMatrix {
  return confusionFromWeightedPairs(
    pairs.map(([x, y]) => [x, y, 1]),
    declared,
  );
}

/**
 * Confusion matrix of `[a, b, count]` triples: `count` identical pairs each (e.g. all time slices
 * between two segment boundaries). Categories: the declared list or the sorted observed values.
 */
export function confusionFromWeightedPairs(
  pairs: readonly (readonly [CodeValue, CodeValue, number])[],
  declared?: readonly CodeValue[] | null,
): ConfusionMatrix {
  const observed: CodeValue[] = [];
  for (const [x, y] of pairs) observed.push(x, y);
  const { categories, index } = categoryIndex(declared, observed);
  const k = categories.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const rowTotals = new Array<number>(k).fill(0);
  const colTotals = new Array<number>(k).fill(0);
  let n = 0;
  for (const [x, y, w] of pairs) {
    const i = index.get(valueKey(x))!;
    const j = index.get(valueKey(y))!;
    matrix[i][j] += w;
    rowTotals[i] += w;
    colTotals[j] += w;
    n += w;
  }
  return { categories, matrix, rowTotals, colTotals, n };
}

/** Weight (disagreement) of cell (i, j). Scaling does not change κ_w, so no normalisation. */
function weight(w: KappaWeights, i: number, j: number): number {
  if (w === 'none') return i === j ? 0 : 1;
  const d = Math.abs(i - j);
  return w === 'linear' ? d : d * d;
}

/** κ from a confusion matrix (the core of every Cohen-family function here). */
export function kappaFromConfusion(
  cm: ConfusionMatrix,
  weights: KappaWeights = 'none',
): { kappa: number | null; reason: ReasonCode | null; p_o: number | null; p_e: number | null } {
  const { matrix, rowTotals: ra, colTotals: cb, n } = cm;
  if (n === 0) return { kappa: null, reason: 'no_pairable_data', p_o: null, p_e: null };
  const k = matrix.length;
  let diag = 0;
  let chance = 0; // Σ a_i·b_i (integer)
  let usedA = 0;
  let usedB = 0;
  let sameSingle = -1;
  for (let i = 0; i < k; i++) {
    diag += matrix[i][i];
    chance += ra[i] * cb[i];
    if (ra[i] > 0) usedA++;
    if (cb[i] > 0) usedB++;
    if (ra[i] === n && cb[i] === n) sameSingle = i;
  }
  const nn = n * n;
  const p_o = diag / n;
  const p_e = chance / nn;
  // p_e = 1 exactly iff both raters used one and the same category (decided on counts).
  if (usedA === 1 && usedB === 1 && sameSingle >= 0) return { kappa: null, reason: 'no_variation', p_o, p_e };
  let kappa: number;
  if (weights === 'none') {
    kappa = (n * diag - chance) / (nn - chance);
  } else {
    // κ_w = 1 − Σ w·o / Σ w·e = 1 − n·Σ w_ij c_ij / Σ w_ij a_i b_j  (all integers).
    let wo = 0;
    let we = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const w = weight(weights, i, j);
        if (w === 0) continue;
        wo += w * matrix[i][j];
        we += w * ra[i] * cb[j];
      }
    }
    kappa = (we - n * wo) / we;
  }
  return { kappa, reason: null, p_o, p_e };
}

function normaliseWeights(w: CohenOptions['weights']): KappaWeights {
  if (w === undefined || w === null || w === 'none' || (w as string) === 'unweighted') return 'none';
  if (w === 'linear' || w === 'quadratic') return w;
  throw new AgreementInputError('invalid_params', `unknown weights ${String(w)}`);
}

/**
 * Cohen's κ (SPEC §1) on a coding input with exactly two raters; listwise deletion of units
 * where either value is missing. Null reasons: `need_two_raters`, `empty_input` (no units),
 * `no_pairable_data` (no complete pair), `no_variation` (both raters used one same category).
 */
export function cohenKappa(input: CodingInput, options: CohenOptions = {}): CohenResult {
  const weights = normaliseWeights(options.weights);
  const warnings: string[] = [];
  const raters = twoRaters(input.raters);
  const base = { n_units_total: input.units.length, weights, warnings };
  if (!raters) {
    const confusion = confusionFromPairs([], options.categories);
    return { ...base, kappa: null, reason: 'need_two_raters', n_units_used: 0, p_o: null, p_e: null, confusion };
  }
  const pairs: [CodeValue, CodeValue][] = [];
  for (let u = 0; u < input.units.length; u++) {
    const [x, y] = unitRow(input, u);
    if (x !== null && y !== null) pairs.push([x, y]);
  }
  return cohenKappaFromPairs(pairs, options, input.units.length);
}

/**
 * Cohen's κ on complete `[a, b]` pairs (e.g. token labels, time slices).
 * `nTotal` is reported as `n_units_total` (defaults to the number of pairs).
 */
export function cohenKappaFromPairs(
  pairs: readonly [CodeValue, CodeValue][],
  options: CohenOptions = {},
  nTotal: number = pairs.length,
): CohenResult {
  return cohenKappaFromConfusion(confusionFromPairs(pairs, options.categories), options, nTotal);
}

/**
 * Cohen's κ from a ready confusion matrix (counts; see {@link confusionFromWeightedPairs}).
 * `nTotal` is reported as `n_units_total` (defaults to the matrix total); 0 gives `empty_input`.
 */
export function cohenKappaFromConfusion(
  confusion: ConfusionMatrix,
  options: CohenOptions = {},
  nTotal: number = confusion.n,
): CohenResult {
  const weights = normaliseWeights(options.weights);
  const warnings: string[] = [];
  if (weights !== 'none' && !options.categories) warnings.push('category_order_defaulted');
  const r = kappaFromConfusion(confusion, weights);
  const reason: ReasonCode | null = nTotal === 0 ? 'empty_input' : r.reason;
  return {
    kappa: r.kappa,
    reason,
    n_units_total: nTotal,
    n_units_used: confusion.n,
    p_o: r.p_o,
    p_e: r.p_e,
    weights,
    confusion,
    warnings,
  };
}
