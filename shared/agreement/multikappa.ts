/**
 * Multi-rater Cohen-family coefficients (SPEC §1 "Multi-rater variants"):
 * Light's κ (mean of pairwise Cohen κ) and Davies & Fleiss (1982) κ (pairwise-averaged
 * observed and expected agreement). Both are defined on complete data only; like Cohen's κ we
 * apply listwise deletion (SPEC §11: "Cohen/multi κ with missing data → listwise deletion"),
 * i.e. only units rated by *every* rater are used.
 */
import type { ReasonCode } from './reasons.ts';
import type { CodeValue, CodingInput, WithReason } from './types.ts';
import { kappaFromConfusion, confusionMatrix } from './cohen.ts';
import { categoryIndex, unitRow, valueKey } from './values.ts';

export interface MultiKappaResult extends WithReason {
  kappa: number | null;
  n_units_total: number;
  /** Units rated by all raters. */
  n_units_used: number;
  /** Pairwise Cohen κ, `pairwise[i][j]` for raters i, j (diagonal null). */
  pairwise: (number | null)[][];
}

/** Rows of complete units (all raters present), or a reason why there are none. */
function completeRows(input: CodingInput): { rows: CodeValue[][]; reason: ReasonCode | null } {
  if (input.raters.length < 2) return { rows: [], reason: 'need_two_raters' };
  if (input.units.length === 0) return { rows: [], reason: 'empty_input' };
  const rows: CodeValue[][] = [];
  for (let u = 0; u < input.units.length; u++) {
    const row = unitRow(input, u);
    if (row.every((v) => v !== null)) rows.push(row as CodeValue[]);
  }
  return { rows, reason: rows.length === 0 ? 'no_pairable_data' : null };
}

function pairwiseKappas(rows: CodeValue[][], R: number): (number | null)[][] {
  const out: (number | null)[][] = Array.from({ length: R }, () => new Array<number | null>(R).fill(null));
  if (rows.length === 0) return out;
  for (let i = 0; i < R; i++) {
    for (let j = i + 1; j < R; j++) {
      const cm = confusionMatrix(
        rows.map((r) => r[i]),
        rows.map((r) => r[j]),
      );
      out[i][j] = out[j][i] = kappaFromConfusion(cm).kappa;
    }
  }
  return out;
}

/** True when every value of every complete unit is the same: then every pairwise p_e is 1. */
function singleValue(rows: CodeValue[][]): boolean {
  const first = valueKey(rows[0][0]);
  return rows.every((r) => r.every((v) => valueKey(v) === first));
}

/**
 * Light's κ: mean of the pairwise Cohen κ over all rater pairs (NLTK `AnnotationTask.kappa`).
 * Null when any pair is undefined (both raters of a pair used one same category): the mean of
 * an undefined term is undefined (`no_variation`).
 */
export function lightKappa(input: CodingInput): MultiKappaResult {
  const R = input.raters.length;
  const { rows, reason } = completeRows(input);
  const pairwise = pairwiseKappas(rows, Math.max(R, 0));
  const base = { n_units_total: input.units.length, n_units_used: rows.length, pairwise };
  if (reason) return { ...base, kappa: null, reason };
  let sum = 0;
  let count = 0;
  for (let i = 0; i < R; i++) {
    for (let j = i + 1; j < R; j++) {
      const k = pairwise[i][j];
      if (k === null) return { ...base, kappa: null, reason: 'no_variation' };
      sum += k;
      count++;
    }
  }
  return { ...base, kappa: sum / count, reason: null };
}

/**
 * Davies & Fleiss (1982) κ = (Ā_o − Ā_e)/(1 − Ā_e), with observed and expected agreement
 * averaged over rater pairs (NLTK `AnnotationTask.multi_kappa`). Computed on integer sums:
 * κ = (n·ΣAgr − ΣΣ a_c b_c) / (P·n² − ΣΣ a_c b_c), P = number of pairs.
 */
export function daviesFleissKappa(input: CodingInput): MultiKappaResult {
  const R = input.raters.length;
  const { rows, reason } = completeRows(input);
  const pairwise = pairwiseKappas(rows, Math.max(R, 0));
  const base = { n_units_total: input.units.length, n_units_used: rows.length, pairwise };
  if (reason) return { ...base, kappa: null, reason };
  if (singleValue(rows)) return { ...base, kappa: null, reason: 'no_variation' };
  const n = rows.length;
  const { index, categories } = categoryIndex(null, rows.flat());
  // counts[r][c] = how often rater r used category c
  const counts = Array.from({ length: R }, () => new Array<number>(categories.length).fill(0));
  rows.forEach((row) => row.forEach((v, r) => counts[r][index.get(valueKey(v))!]++));
  let agree = 0;
  let chance = 0;
  let pairs = 0;
  for (let i = 0; i < R; i++) {
    for (let j = i + 1; j < R; j++) {
      pairs++;
      for (const row of rows) if (valueKey(row[i]) === valueKey(row[j])) agree++;
      for (let c = 0; c < categories.length; c++) chance += counts[i][c] * counts[j][c];
    }
  }
  const kappa = (n * agree - chance) / (pairs * n * n - chance);
  return { ...base, kappa, reason: null };
}

/**
 * Generic rater × rater matrix for reports (e.g. pairwise Cohen κ or segment F1 per tier):
 * `out[i][j] = metric(raters[i], raters[j])` for i ≠ j, `null` on the diagonal. When the metric
 * is symmetric pass `symmetric: true` to compute each unordered pair once.
 */
export function pairwiseMatrix<T>(
  raters: readonly string[],
  metric: (a: string, b: string) => T,
  symmetric = false,
): (T | null)[][] {
  const out: (T | null)[][] = raters.map(() => raters.map(() => null));
  for (let i = 0; i < raters.length; i++) {
    for (let j = 0; j < raters.length; j++) {
      if (i === j || (symmetric && j < i)) continue;
      out[i][j] = metric(raters[i], raters[j]);
      if (symmetric) out[j][i] = out[i][j];
    }
  }
  return out;
}
