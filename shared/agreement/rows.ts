/**
 * Weighted coding rows: the input form of the coding coefficients when many units are identical
 * (all time slices between two segment boundaries carry the same labels; so do many tokens).
 * A row of weight w counts as w units. `CodedRows` is the compact, columnar form the
 * coefficients work on: every distinct value once, row-major integer codes, −1 for missing.
 */
import type { CodeValue } from './types.ts';
import { readValue } from './values.ts';

/** A coding row (one value per rater, `null` = missing) standing for `weight` identical units. */
export interface WeightedRow {
  readonly values: readonly (CodeValue | null | undefined)[];
  /** Number of units with exactly these values (a non-negative integer; 1 for plain units). */
  readonly weight: number;
}

/** Rows as integer codes: `codes[r·width + i]` indexes `values` (−1 = missing). */
export interface CodedRows {
  /** Distinct values (need not all occur). A Map keys numbers and strings apart, as valueKey. */
  readonly values: readonly CodeValue[];
  readonly width: number;
  readonly codes: Int32Array;
  /** Weight of each row (non-negative integers). */
  readonly weights: Float64Array;
}

/** Number of rows of a coded table. */
export function rowCount(rows: CodedRows): number {
  return rows.weights.length;
}

/** Codes plain rows (values validated with readValue; values numbered in order of appearance). */
export function codeRows(rows: readonly WeightedRow[]): CodedRows {
  let width = 0;
  for (const row of rows) if (row.values.length > width) width = row.values.length;
  const seen = new Map<CodeValue, number>();
  const values: CodeValue[] = [];
  const codes = new Int32Array(rows.length * width).fill(-1);
  const weights = new Float64Array(rows.length);
  rows.forEach((row, r) => {
    weights[r] = row.weight;
    row.values.forEach((x, i) => {
      const v = readValue(x);
      if (v === null) return;
      let t = seen.get(v);
      if (t === undefined) {
        t = values.length;
        seen.set(v, t);
        values.push(v);
      }
      codes[r * width + i] = t;
    });
  });
  return { values, width, codes, weights };
}

/**
 * Codes that occur in the table, in order of first appearance (row by row, rater by rater).
 * Weight-0 rows count as occurring, like units in a plain coding input.
 */
export function occurringCodes(rows: CodedRows): number[] {
  const seen = new Uint8Array(rows.values.length);
  const out: number[] = [];
  const codes = rows.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0 && !seen[c]) {
      seen[c] = 1;
      out.push(c);
    }
  }
  return out;
}

/** Keeps only the given columns (raters), in the given order. */
export function selectColumns(rows: CodedRows, columns: readonly number[]): CodedRows {
  if (columns.length === rows.width && columns.every((c, i) => c === i)) return rows;
  const n = rowCount(rows);
  const width = columns.length;
  const codes = new Int32Array(n * width);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < width; i++) codes[r * width + i] = rows.codes[r * rows.width + columns[i]];
  return { values: rows.values, width, codes, weights: rows.weights };
}

/** Replaces missing values by `value` (e.g. `__none__` in `no_label: 'category'` mode). */
export function fillMissing(rows: CodedRows, value: CodeValue): CodedRows {
  let code = rows.values.indexOf(value);
  const values = code >= 0 ? rows.values : [...rows.values, value];
  if (code < 0) code = rows.values.length;
  const codes = new Int32Array(rows.codes.length);
  for (let i = 0; i < codes.length; i++) codes[i] = rows.codes[i] < 0 ? code : rows.codes[i];
  return { values, width: rows.width, codes, weights: rows.weights };
}

/** Keeps the rows where every column has a value. */
export function completeRows(rows: CodedRows): CodedRows {
  const n = rowCount(rows);
  const keep: number[] = [];
  for (let r = 0; r < n; r++) {
    let ok = true;
    for (let i = 0; i < rows.width; i++) if (rows.codes[r * rows.width + i] < 0) ok = false;
    if (ok) keep.push(r);
  }
  const codes = new Int32Array(keep.length * rows.width);
  const weights = new Float64Array(keep.length);
  keep.forEach((r, k) => {
    codes.set(rows.codes.subarray(r * rows.width, (r + 1) * rows.width), k * rows.width);
    weights[k] = rows.weights[r];
  });
  return { values: rows.values, width: rows.width, codes, weights };
}

/**
 * One-vs-rest recoding: value `target` becomes 1, every other value 0, missing stays missing
 * (numbers, so no label name can collide with the "rest" category).
 */
export function oneVsRest(rows: CodedRows, target: CodeValue): CodedRows {
  const t = rows.values.indexOf(target);
  const codes = rows.codes.map((c) => (c < 0 ? -1 : c === t ? 1 : 0));
  return { values: [0, 1], width: rows.width, codes, weights: rows.weights };
}

/** Weighted agreement counts of columns i and j over rows where both have a value. */
export function columnAgreement(rows: CodedRows, i: number, j: number): { agree: number; both: number } {
  let agree = 0;
  let both = 0;
  const n = rowCount(rows);
  for (let r = 0; r < n; r++) {
    const a = rows.codes[r * rows.width + i];
    const b = rows.codes[r * rows.width + j];
    if (a < 0 || b < 0) continue;
    both += rows.weights[r];
    if (a === b) agree += rows.weights[r];
  }
  return { agree, both };
}

/** Mean over column pairs of agree/both (pairs without a common row are skipped). */
export function meanPairwiseAgreement(rows: CodedRows): number | null {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < rows.width; i++) {
    for (let j = i + 1; j < rows.width; j++) {
      const { agree, both } = columnAgreement(rows, i, j);
      if (both > 0) {
        sum += agree / both;
        pairs++;
      }
    }
  }
  return pairs === 0 ? null : sum / pairs;
}

/**
 * Merges rows with the same multiset of values (rater identity dropped): codes within a row are
 * sorted (missing first) and equal rows summed. Coefficients that ignore rater identity (α,
 * Fleiss' κ, one-vs-rest α) give the same result on the collapsed table, computed on a few
 * hundred rows instead of tens of thousands. Rows come in order of first appearance.
 */
export function collapseRows(rows: CodedRows): CodedRows {
  const n = rowCount(rows);
  const W = rows.width;
  const V = rows.values.length;
  // Numeric key: counts per value (and of missing) in base W + 1 when that fits a double.
  const numeric = (V + 1) * Math.log2(W + 1) < 52;
  const keyOf = new Map<number | string, number>();
  const outCodes: number[] = [];
  const outWeights: number[] = [];
  const row = new Int32Array(W);
  const pow = new Float64Array(V + 1); // (W + 1)^(code + 1), by exact repeated products
  pow[0] = 1;
  for (let c = 1; c <= V; c++) pow[c] = pow[c - 1] * (W + 1);
  for (let r = 0; r < n; r++) {
    // insertion sort: rows are a handful of raters wide
    for (let i = 0; i < W; i++) {
      const v = rows.codes[r * W + i];
      let j = i;
      while (j > 0 && row[j - 1] > v) {
        row[j] = row[j - 1];
        j--;
      }
      row[j] = v;
    }
    let key: number | string;
    if (numeric) {
      key = 0;
      for (let i = 0; i < W; i++) key += pow[row[i] + 1];
    } else key = row.join(',');
    const k = keyOf.get(key);
    if (k === undefined) {
      keyOf.set(key, outWeights.length);
      for (let i = 0; i < W; i++) outCodes.push(row[i]);
      outWeights.push(rows.weights[r]);
    } else outWeights[k] += rows.weights[r];
  }
  return { values: rows.values, width: W, codes: Int32Array.from(outCodes), weights: Float64Array.from(outWeights) };
}
