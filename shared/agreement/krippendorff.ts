/**
 * Krippendorff's α for coding data: nominal, ordinal, interval, ratio; missing values allowed
 * (Krippendorff 2011; Hayes & Krippendorff 2007; SPEC §3).
 *
 * Units with fewer than two values are unpairable and dropped. The coincidence matrix is built
 * from per-unit value counts in O(U·V_u²) (no loop over rater pairs). The pairable marginals
 * n_c = Σ_u n_uc are integers, so the degenerate case "one distinct pairable value" (D_e = 0) is
 * decided on counts, not by testing a float D_e against 0.
 */
import { AgreementInputError } from './reasons.ts';
import type { CodeValue, CodingInput, WithReason } from './types.ts';
import { categoryIndex, sortedUnique, valueKey } from './values.ts';
import { codeRows, occurringCodes, rowCount } from './rows.ts';
import type { CodedRows, WeightedRow } from './rows.ts';

export type { WeightedRow } from './rows.ts';

export type AlphaLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface AlphaOptions {
  readonly level?: AlphaLevel;
  /**
   * Ordered category list for `ordinal` (required for string labels to be meaningful; default:
   * sorted observed values). For `nominal` it only validates values; unused categories never
   * change α because their pairable marginal is 0.
   */
  readonly categories?: readonly CodeValue[] | null;
}

export interface AlphaResult extends WithReason {
  alpha: number | null;
  /** Observed disagreement (null without pairable data). */
  D_o: number | null;
  /** Expected disagreement (null without pairable data). */
  D_e: number | null;
  /** n = number of pairable values (Σ m_u over units with m_u ≥ 2). */
  n_pairable: number;
  /** Units with at least two values. */
  n_units_pairable: number;
  level: AlphaLevel;
  /** Value domain in δ order, with pairable marginals n_c. */
  values: CodeValue[];
  marginals: number[];
}

/**
 * δ² matrix over the value domain (SPEC §3 table). For ordinal, indices are positions in the
 * declared order and n_g are pairable marginals (unused categories contribute 0).
 */
function deltaMatrix(level: AlphaLevel, values: readonly CodeValue[], marg: readonly number[]): Float64Array {
  const V = values.length;
  const d = new Float64Array(V * V);
  // prefix[i] = Σ_{g<i} n_g, for ordinal range sums.
  const prefix = new Float64Array(V + 1);
  for (let i = 0; i < V; i++) prefix[i + 1] = prefix[i] + marg[i];
  for (let c = 0; c < V; c++) {
    for (let k = 0; k < V; k++) {
      if (c === k) continue;
      let v: number;
      if (level === 'nominal') v = 1;
      else if (level === 'ordinal') {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        const s = prefix[hi + 1] - prefix[lo] - (marg[c] + marg[k]) / 2;
        v = s * s;
      } else {
        const x = values[c] as number;
        const y = values[k] as number;
        if (level === 'interval') v = (x - y) * (x - y);
        else {
          const sum = x + y;
          v = sum === 0 ? 0 : ((x - y) / sum) ** 2;
        }
      }
      d[c * V + k] = v;
    }
  }
  return d;
}

function checkLevel(level: AlphaLevel): void {
  if (!['nominal', 'ordinal', 'interval', 'ratio'].includes(level)) {
    throw new AgreementInputError('invalid_params', `unknown level ${String(level)}`);
  }
}

/**
 * Krippendorff's α. Null reasons: `empty_input` (no units), `no_pairable_data` (no unit with two
 * values, which includes every single-rater study), `no_variation` (D_e = 0: one distinct
 * pairable value; D_o and D_e are then reported as 0).
 */
export function krippendorffAlpha(input: CodingInput, options: AlphaOptions = {}): AlphaResult {
  const rows: WeightedRow[] = input.units.map((unit) => ({ values: input.raters.map((r) => unit[r]), weight: 1 }));
  return krippendorffAlphaRows(rows, options);
}

/**
 * Krippendorff's α on weighted rows: a row of weight w counts as w identical units. This is the
 * core of {@link krippendorffAlpha} (which passes weight 1 per unit), used directly where many
 * units are identical (time slices between two segment boundaries, tokens with the same labels).
 *
 * For the nominal level every δ² is 0 or 1, so the observed-disagreement numerator of each
 * m_u-group is an integer sum; it is accumulated exactly per m_u and divided once, which makes
 * the result independent of unit order and of how units are grouped into rows.
 */
export function krippendorffAlphaRows(rows: readonly WeightedRow[], options: AlphaOptions = {}): AlphaResult {
  checkLevel(options.level ?? 'nominal');
  return krippendorffAlphaCoded(codeRows(rows), options);
}

/** {@link krippendorffAlphaRows} on coded rows (see rows.ts). */
export function krippendorffAlphaCoded(table: CodedRows, options: AlphaOptions = {}): AlphaResult {
  const level = options.level ?? 'nominal';
  checkLevel(level);
  const nRows = rowCount(table);
  const W = table.width;
  const observed = occurringCodes(table).map((c) => table.values[c]);
  if (level === 'interval' || level === 'ratio') {
    for (const v of observed) {
      if (typeof v !== 'number')
        throw new AgreementInputError('non_numeric_value', `${level} α needs numbers, got ${JSON.stringify(v)}`);
    }
  }
  // Value domain: declared order for ordinal (validated), otherwise sorted observed values.
  const declared = level === 'ordinal' || level === 'nominal' ? options.categories : null;
  const { categories: domain, index } = declared
    ? categoryIndex(declared, observed)
    : { categories: sortedUnique(observed), index: null };
  const idx = index ?? new Map(domain.map((v, i) => [valueKey(v), i]));
  const V = domain.length;
  const toDomain = Int32Array.from(table.values, (v) => idx.get(valueKey(v)) ?? -1);

  const marg = new Array<number>(V).fill(0);
  let n = 0;
  let nUnits = 0;
  let nPairableUnits = 0;
  const mOf = new Int32Array(nRows); // non-missing values per row
  // Nominal: Σ_{c≠k} n_uc n_uk = m_u² − Σ_c n_uc² is an integer, summed exactly per m_u (≤ W)
  // in this same pass; the other levels need D_e's δ² first (second pass below).
  const nominal = level === 'nominal';
  const byM = new Float64Array(W + 1);
  const seenM = new Uint8Array(W + 1);
  const scratch = new Int32Array(V);
  const touched = new Int32Array(V);
  const codes = table.codes;
  for (let r = 0; r < nRows; r++) {
    const w = table.weights[r];
    nUnits += w;
    let m = 0;
    for (let i = r * W; i < (r + 1) * W; i++) if (codes[i] >= 0) m++;
    mOf[r] = m;
    if (m < 2) continue;
    let nt = 0;
    for (let i = r * W; i < (r + 1) * W; i++) {
      if (codes[i] < 0) continue;
      const c = toDomain[codes[i]];
      marg[c] += w;
      if (nominal && scratch[c]++ === 0) touched[nt++] = c;
    }
    n += m * w;
    nPairableUnits += w;
    if (nominal) {
      let sq = 0;
      for (let a = 0; a < nt; a++) {
        sq += scratch[touched[a]] * scratch[touched[a]];
        scratch[touched[a]] = 0;
      }
      byM[m] += w * (m * m - sq);
      seenM[m] = 1;
    }
  }
  const base = { level, n_pairable: n, n_units_pairable: nPairableUnits, values: domain, marginals: marg };
  if (nUnits === 0) return { ...base, alpha: null, D_o: null, D_e: null, reason: 'empty_input' };
  if (n === 0) return { ...base, alpha: null, D_o: null, D_e: null, reason: 'no_pairable_data' };
  const distinct = marg.filter((c) => c > 0).length;
  if (distinct <= 1) return { ...base, alpha: null, D_o: 0, D_e: 0, reason: 'no_variation' };

  const delta = deltaMatrix(level, domain, marg);
  // D_o = (1/n) Σ_u 1/(m_u−1) Σ_{c≠k} n_uc n_uk δ²_ck, from the value counts n_uc of each unit
  // (categories in order of first appearance within the unit).
  let doSum = 0;
  for (let r = 0; r < nRows && !nominal; r++) {
    const m = mOf[r];
    if (m < 2) continue;
    const w = table.weights[r];
    let nt = 0;
    for (let i = r * W; i < (r + 1) * W; i++) {
      if (codes[i] < 0) continue;
      const c = toDomain[codes[i]];
      if (scratch[c]++ === 0) touched[nt++] = c;
    }
    let s = 0;
    for (let a = 0; a < nt; a++) {
      const c = touched[a];
      for (let b = 0; b < nt; b++) if (a !== b) s += scratch[c] * scratch[touched[b]] * delta[c * V + touched[b]];
    }
    doSum += (w * s) / (m - 1);
    for (let a = 0; a < nt; a++) scratch[touched[a]] = 0;
  }
  for (let m = 2; m <= W; m++) if (seenM[m]) doSum += byM[m] / (m - 1);
  // D_e = 1/(n(n−1)) Σ_c Σ_k n_c n_k δ²_ck
  let deSum = 0;
  for (let c = 0; c < V; c++) {
    if (marg[c] === 0) continue;
    for (let k = 0; k < V; k++) if (marg[k] > 0 && c !== k) deSum += marg[c] * marg[k] * delta[c * V + k];
  }
  const D_o = doSum / n;
  const D_e = deSum / (n * (n - 1));
  // deSum is a sum of non-negative terms: exactly 0 only if every δ² between used values is 0
  // (possible for ratio data such as {x, −x}); treat it like a single value.
  if (deSum === 0) return { ...base, alpha: null, D_o, D_e: 0, reason: 'no_variation' };
  return { ...base, alpha: 1 - D_o / D_e, D_o, D_e, reason: null };
}
