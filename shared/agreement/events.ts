/**
 * Tolerance-based event matching (SPEC §6b), the criterion of
 * `mir_eval.transcription.precision_recall_f1_overlap(strict=False)`:
 *  - |onset_A − onset_B| ≤ onset_tolerance, labels equal in `'same'` mode;
 *  - if offset_ratio is not null, also |offset_A − offset_B| ≤ max(offset_ratio·dur_A,
 *    offset_min_tolerance) (asymmetric: the reference duration);
 *  - distances are rounded to 4 decimals first, like numpy `around` (round half to even on
 *    x·10⁴), so that e.g. 0.05000000000000071 compares as 0.05;
 *  - maximum-cardinality one-to-one matching (Hopcroft–Karp).
 * Empty lists follow the null rules of §6a instead of mir_eval's all-zero output.
 */
import { AgreementInputError } from './reasons.ts';
import type { LabelMode, PrfResult, Segment, SegmentInput } from './types.ts';
import { maxCardinalityMatching } from './assignment.ts';
import { checkSegments, prf } from './values.ts';
import { overlapCandidates } from './segments.ts';

export interface EventMatchParams {
  /** Seconds (or the input's unit). mir_eval default 0.05. */
  readonly onset_tolerance?: number;
  /** null disables the offset criterion; mir_eval default 0.2. */
  readonly offset_ratio?: number | null;
  /** mir_eval default 0.05. */
  readonly offset_min_tolerance?: number;
  readonly label_mode?: LabelMode;
}

export interface EventMatchResult extends PrfResult {
  /** `[referenceIndex, otherIndex]` of one maximum matching (which one is arbitrary). */
  matches: [number, number][];
  /** Informative only (depends on which maximum matching is found; SPEC §6b). */
  avg_overlap_ratio: number | null;
}

/** numpy `around(x, 4)`: rint(x·10⁴)/10⁴ with round-half-to-even. */
export function roundDecimals4(x: number): number {
  const y = x * 1e4;
  let r = Math.round(y);
  if (Math.abs(y % 1) === 0.5 && r % 2 !== 0) r -= 1; // Math.round rounds .5 up; numpy rounds to even
  return r / 1e4;
}

/** Event matching on two explicit lists (reference first). */
export function matchEvents(
  reference: readonly Segment[],
  other: readonly Segment[],
  params: EventMatchParams = {},
): EventMatchResult {
  const onsetTol = params.onset_tolerance ?? 0.05;
  const offsetRatio = params.offset_ratio === undefined ? 0.2 : params.offset_ratio;
  const offsetMin = params.offset_min_tolerance ?? 0.05;
  const labelMode = params.label_mode ?? 'same';
  if (labelMode !== 'same' && labelMode !== 'ignore')
    throw new AgreementInputError('invalid_params', `label_mode ${String(labelMode)}`);
  const A = checkSegments(reference, 'reference');
  const B = checkSegments(other, 'other');
  // Candidates: onsets within the tolerance plus a margin (the exact rounded test follows), found
  // by an interval sweep instead of testing every pair; same adjacency lists, in index order.
  const margin = onsetTol + 1e-3;
  const point = (x: { start: number }) => ({ start: x.start, end: x.start });
  const { offsets, items } = overlapCandidates(A.map(point), B.map(point), margin, margin);
  const adj: number[][] = A.map((a, i) => {
    const row: number[] = [];
    const offTol = offsetRatio === null ? 0 : Math.max(offsetRatio * (a.end - a.start), offsetMin);
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const j = items[k];
      const b = B[j];
      if (labelMode === 'same' && a.label !== b.label) continue;
      if (!(roundDecimals4(Math.abs(a.start - b.start)) <= onsetTol)) continue;
      if (offsetRatio !== null && !(roundDecimals4(Math.abs(a.end - b.end)) <= offTol)) continue;
      row.push(j);
    }
    return row;
  });
  const matchA = maxCardinalityMatching(B.length, adj);
  const matches: [number, number][] = [];
  matchA.forEach((b, a) => {
    if (b >= 0) matches.push([a, b]);
  });
  const tp = matches.length;
  const base = prf(tp, A.length, B.length);
  // mir_eval's F = 2PR/(P+R) (same value as 2tp/(|A|+|B|) up to rounding).
  if (base.precision !== null && base.recall !== null && tp > 0) {
    base.f1 = (2 * base.precision * base.recall) / (base.precision + base.recall);
  }
  let ratio = 0;
  for (const [a, b] of matches) {
    const x = A[a];
    const y = B[b];
    const hull = Math.max(x.end, y.end) - Math.min(x.start, y.start);
    // Two identical zero-length events: count as full overlap instead of 0/0.
    ratio += hull === 0 ? 1 : (Math.min(x.end, y.end) - Math.max(x.start, y.start)) / hull;
  }
  return { ...base, matches, avg_overlap_ratio: tp === 0 ? null : ratio / tp };
}

/** Event matching on a two-rater input (`raters[0]` is the reference). */
export function eventMatchTolerance(input: SegmentInput, params: EventMatchParams = {}): EventMatchResult {
  if (input.raters.length !== 2) {
    return {
      tp: 0,
      fp: 0,
      fn: 0,
      precision: null,
      recall: null,
      f1: null,
      matches: [],
      avg_overlap_ratio: null,
      reason: 'need_two_raters',
    };
  }
  const [ra, rb] = input.raters;
  return matchEvents(input.annotators[ra] ?? [], input.annotators[rb] ?? [], params);
}
