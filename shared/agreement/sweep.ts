/**
 * Time slicing by interval sweep (SPEC §7 without a per-slice array).
 *
 * `timeSliced` labels every slice, which is K = 3.6 million slices per annotator for one hour at
 * millisecond resolution. The slice labels are piecewise constant between segment boundaries,
 * so here each annotator's merged segments become runs of slice indices `[k0, k1)` (the slices
 * whose midpoint `t0 + (k + ½)·r` lies in the segment, found with the very float expression and
 * comparisons of `sliceLabels`), and a sweep over all run boundaries yields one weighted row per
 * elementary interval: "these `weight` slices carry these labels". The coefficients run on the
 * weighted rows (`cohenKappaFromConfusion`, `fleissKappaRows`, `krippendorffAlphaRows`), whose
 * sums are integer counts, so the results equal those of `timeSliced` on the same input (κ and
 * Fleiss bit for bit; nominal α too, since its numerator is summed exactly per m_u).
 */
import type { ReasonCode } from './reasons.ts';
import type { CodeValue, SegmentInput, WithReason } from './types.ts';
import { cohenKappaFromConfusion, confusionFromWeightedPairs } from './cohen.ts';
import type { CohenResult } from './cohen.ts';
import type { ConfusionMatrix } from './cohen.ts';
import { fleissKappaCoded } from './fleiss.ts';
import type { FleissResult } from './fleiss.ts';
import { krippendorffAlphaCoded } from './krippendorff.ts';
import type { AlphaResult } from './krippendorff.ts';
import { completeRows, fillMissing, meanPairwiseAgreement, rowCount } from './rows.ts';
import type { CodedRows } from './rows.ts';
import { NO_LABEL, sliceGrid, slicingSegments } from './timeslice.ts';
import type { SliceCoefficient, TimeSliceParams } from './timeslice.ts';
import { UNLABELLED_UNIT } from './unitizing.ts';

/** Slices `[k0, k1)` (k1 > k0) all labelled `label` by one annotator. */
export interface SliceRun {
  readonly k0: number;
  readonly k1: number;
  readonly label: string;
}

/** First slice index k in [0, K] whose midpoint `t0 + (k + ½)·r` is ≥ x. */
function firstSliceFrom(x: number, t0: number, r: number, K: number): number {
  let k = Math.ceil((x - t0) / r - 0.5);
  if (!(k >= 0)) k = 0;
  if (k > K) k = K;
  // The estimate can be off by one where the float quotient rounds across an integer; settle it
  // with the midpoint expression and comparison of `sliceLabels` (monotone in k).
  while (k > 0 && t0 + (k - 1 + 0.5) * r >= x) k--;
  while (k < K && t0 + (k + 0.5) * r < x) k++;
  return k;
}

/**
 * One annotator's slice runs, sorted and disjoint: slice k is labelled by the (merged) segment
 * with `start ≤ mid_k < end`, exactly as in `sliceLabels`. Throws `overlapping_segments` like it.
 */
export function sliceRuns(
  segments: SegmentInput['annotators'][string],
  t0: number,
  r: number,
  K: number,
  who = 'annotator',
): SliceRun[] {
  const out: SliceRun[] = [];
  for (const s of slicingSegments(segments, who)) {
    const k0 = firstSliceFrom(s.start, t0, r, K);
    const k1 = firstSliceFrom(s.end, t0, r, K);
    if (k1 > k0) out.push({ k0, k1, label: s.label ?? UNLABELLED_UNIT });
  }
  return out;
}

/**
 * Sweeps the runs of several annotators over `[0, K)`: one row per maximal interval on which
 * nobody's label changes, column i = annotator i's label there (missing = no label), weight =
 * number of slices. Rows come in slice order and cover every slice once.
 */
export function sliceRows(runs: readonly (readonly SliceRun[])[], K: number): CodedRows {
  const R = runs.length;
  const values: CodeValue[] = [];
  const seen = new Map<string, number>();
  // Flat per-rater arrays: run starts, ends and label codes.
  const k0s: Float64Array[] = [];
  const k1s: Float64Array[] = [];
  const labs: Int32Array[] = [];
  let nCuts = 2;
  for (const list of runs) {
    const a = new Float64Array(list.length);
    const b = new Float64Array(list.length);
    const l = new Int32Array(list.length);
    for (let p = 0; p < list.length; p++) {
      a[p] = list[p].k0;
      b[p] = list[p].k1;
      let c = seen.get(list[p].label);
      if (c === undefined) {
        c = values.length;
        seen.set(list[p].label, c);
        values.push(list[p].label);
      }
      l[p] = c;
    }
    k0s.push(a);
    k1s.push(b);
    labs.push(l);
    nCuts += 2 * list.length;
  }
  // Each rater's boundaries are already sorted (runs are disjoint and ordered), so the sweep
  // steps from one boundary to the nearest next one of any rater: no sort needed.
  const pos = new Int32Array(R);
  const codes = new Int32Array(nCuts * R);
  const weights = new Float64Array(nCuts);
  let nRows = 0;
  let a = 0;
  while (a < K) {
    let b = K;
    const base = nRows * R;
    for (let i = 0; i < R; i++) {
      const k0 = k0s[i];
      const k1 = k1s[i];
      let p = pos[i];
      while (p < k1.length && k1[p] <= a) p++;
      pos[i] = p;
      if (p < k1.length && k0[p] <= a) {
        codes[base + i] = labs[i][p];
        if (k1[p] < b) b = k1[p];
      } else {
        codes[base + i] = -1;
        if (p < k1.length && k0[p] < b) b = k0[p];
      }
    }
    weights[nRows++] = b - a;
    a = b;
  }
  return { values, width: R, codes: codes.slice(0, nRows * R), weights: weights.slice(0, nRows) };
}

/** Confusion matrix of columns i and j over rows where both have a value (weighted counts). */
export function columnConfusion(rows: CodedRows, i: number, j: number): ConfusionMatrix {
  const V = rows.values.length;
  const counts = new Float64Array(V * V);
  const n = rowCount(rows);
  for (let r = 0; r < n; r++) {
    const a = rows.codes[r * rows.width + i];
    const b = rows.codes[r * rows.width + j];
    if (a >= 0 && b >= 0) counts[a * V + b] += rows.weights[r];
  }
  const triples: [CodeValue, CodeValue, number][] = [];
  for (let a = 0; a < V; a++)
    for (let b = 0; b < V; b++)
      if (counts[a * V + b] > 0) triples.push([rows.values[a], rows.values[b], counts[a * V + b]]);
  return confusionFromWeightedPairs(triples);
}

/** `timeSliced` without the per-slice label arrays. */
export interface TimeSliceSummary extends WithReason {
  value: number | null;
  n_slices: number;
  observed_agreement: number | null;
  coefficient: SliceCoefficient;
  detail: CohenResult | AlphaResult | FleissResult;
}

/** Coefficient of time slicing on coded rows (no label already mapped per mode). */
export function sliceCoefficient(
  rows: CodedRows,
  coefficient: SliceCoefficient,
): { value: number | null; detail: CohenResult | AlphaResult | FleissResult; observed: number | null } {
  if (coefficient === 'fleiss_kappa') {
    const used = completeRows(rows);
    const f = fleissKappaCoded(used);
    return { value: f.kappa, detail: f, observed: meanPairwiseAgreement(used) };
  }
  const observed = meanPairwiseAgreement(rows);
  if (coefficient === 'krippendorff_alpha_nominal') {
    const a = krippendorffAlphaCoded(rows, { level: 'nominal' });
    return { value: a.alpha, detail: a, observed };
  }
  let total = 0;
  for (const w of rows.weights) total += w;
  const c: CohenResult =
    rows.width === 2
      ? cohenKappaFromConfusion(columnConfusion(rows, 0, 1), {}, total)
      : {
          kappa: null,
          reason: 'need_two_raters',
          n_units_total: total,
          n_units_used: 0,
          p_o: null,
          p_e: null,
          weights: 'none',
          confusion: confusionFromWeightedPairs([]),
          warnings: [],
        };
  return { value: c.kappa, detail: c, observed };
}

/**
 * Time-sliced κ/α/Fleiss (SPEC §7) by interval sweep: same parameters, value, reason, slice
 * count, observed agreement and coefficient detail as `timeSliced`, in O(S log S) for S segments
 * instead of O(K) slices.
 */
export function timeSlicedSweep(input: SegmentInput, params: TimeSliceParams): TimeSliceSummary {
  const { t0, r, K, mode, coefficient } = sliceGrid(input, params);
  const runs = input.raters.map((rid) => sliceRuns(input.annotators[rid], t0, r, K, rid));
  const raw = sliceRows(runs, K);
  const rows = mode === 'category' ? fillMissing(raw, NO_LABEL) : raw;
  const { value, detail, observed } = sliceCoefficient(rows, coefficient);
  const reason: ReasonCode | null = K === 0 ? 'empty_input' : value === null ? detail.reason : null;
  return { value, reason, n_slices: K, observed_agreement: observed, coefficient, detail };
}
