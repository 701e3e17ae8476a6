/**
 * One-to-one segment matching between a reference and another annotator by IoU (SPEC §6a),
 * with P/R/F1, mean IoU and onset/offset errors.
 *
 * IoU is computed with exactly the float expression of the spec (inter / (l1 + l2 − inter)), so
 * the inclusive threshold test `IoU ≥ θ` gives the same verdict as the reference generator, also
 * for exact boundary values such as 0.5. Overlapping segments within one tier are accepted here:
 * one-to-one matching stays well defined (indices refer to the input order).
 */
import { AgreementInputError } from './reasons.ts';
import type { LabelMode, PrfResult, Segment, SegmentInput } from './types.ts';
import { maxLexMatching } from './assignment.ts';
import type { WeightedEdge } from './assignment.ts';
import { checkSegments, prf } from './values.ts';

export interface SegmentMatchParams {
  /** θ: pairs need IoU > 0 and IoU ≥ θ. Default 0.5. */
  readonly iou_threshold?: number;
  /** Default `'same'`. */
  readonly label_mode?: LabelMode;
  /** `'optimal'` (default: max #matches, then max total IoU) or `'greedy'`. */
  readonly matching?: 'optimal' | 'greedy';
}

export interface SegmentMatchResult extends PrfResult {
  /** Mean IoU over matched pairs (null if tp = 0). */
  mean_iou: number | null;
  /** Mean |A.start − B.start| over matched pairs (null if tp = 0). */
  onset_mae: number | null;
  /** Mean |A.end − B.end| over matched pairs (null if tp = 0). */
  offset_mae: number | null;
  /** `[referenceIndex, otherIndex]`, sorted by reference index. */
  matches: [number, number][];
}

/** IoU of half-open intervals (SPEC §6a); 0 when they do not overlap (touching included). */
export function iou(a: Pick<Segment, 'start' | 'end'>, b: Pick<Segment, 'start' | 'end'>): number {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  if (inter <= 0) return 0;
  return inter / (a.end - a.start + (b.end - b.start) - inter);
}

/** Candidate lists in compressed form: the candidates of item a are `items[offsets[a] .. offsets[a+1])`. */
export interface Candidates {
  readonly offsets: Int32Array;
  readonly items: Int32Array;
}

/**
 * Indices of `other` that may overlap each reference item, ascending: for every `a`, the `b` with
 * `b.start < a.end + slackAfter` and `b.end > a.start − slackBefore` (a superset of the
 * overlapping pairs; callers apply their exact test). An interval sweep over `other` sorted by
 * start, with a running maximum of ends to find the first candidate, so the cost is
 * O((n + m) log m + candidates) instead of O(n·m); the output is the same as scanning every pair
 * in index order.
 */
export function overlapCandidates(
  ref: readonly { readonly start: number; readonly end: number }[],
  other: readonly { readonly start: number; readonly end: number }[],
  slackBefore = 0,
  slackAfter = 0,
): Candidates {
  const m = other.length;
  let sorted = true;
  for (let b = 1; b < m && sorted; b++) if (other[b].start < other[b - 1].start) sorted = false;
  const order = new Int32Array(m);
  for (let b = 0; b < m; b++) order[b] = b;
  if (!sorted) order.sort((x, y) => other[x].start - other[y].start || x - y);
  const starts = new Float64Array(m);
  const ends = new Float64Array(m);
  const maxEnd = new Float64Array(m);
  let running = -Infinity;
  for (let k = 0; k < m; k++) {
    starts[k] = other[order[k]].start;
    ends[k] = other[order[k]].end;
    running = Math.max(running, ends[k]);
    maxEnd[k] = running;
  }
  const offsets = new Int32Array(ref.length + 1);
  let items = new Int32Array(Math.max(16, ref.length * 2));
  let n = 0;
  for (let a = 0; a < ref.length; a++) {
    const lo0 = ref[a].start - slackBefore;
    const hi0 = ref[a].end + slackAfter;
    // first k with maxEnd[k] > lo0 (maxEnd is non-decreasing)
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (maxEnd[mid] > lo0) hi = mid;
      else lo = mid + 1;
    }
    const first = n;
    for (let k = lo; k < m && starts[k] < hi0; k++) {
      if (!(ends[k] > lo0)) continue;
      if (n === items.length) {
        const grown = new Int32Array(items.length * 2);
        grown.set(items);
        items = grown;
      }
      items[n++] = order[k];
    }
    if (!sorted) items.subarray(first, n).sort();
    offsets[a + 1] = n;
  }
  return { offsets, items: items.subarray(0, n) };
}

/** Eligible pairs: IoU > 0, IoU ≥ θ and (in `'same'` mode) equal labels; ordered by `a`, then `b`. */
export function eligiblePairs(
  ref: readonly Segment[],
  other: readonly Segment[],
  threshold: number,
  labelMode: LabelMode,
): WeightedEdge[] {
  const edges: WeightedEdge[] = [];
  const { offsets, items } = overlapCandidates(ref, other);
  for (let a = 0; a < ref.length; a++) {
    for (let k = offsets[a]; k < offsets[a + 1]; k++) {
      const b = items[k];
      if (labelMode === 'same' && (ref[a].label ?? null) !== (other[b].label ?? null)) continue;
      const w = iou(ref[a], other[b]);
      if (w > 0 && w >= threshold) edges.push({ a, b, w });
    }
  }
  return edges;
}

/** Greedy matching: IoU descending, then reference index, then other index (SPEC §6a). */
export function greedyMatching(edges: readonly WeightedEdge[]): [number, number][] {
  const sorted = [...edges].sort((x, y) => y.w - x.w || x.a - y.a || x.b - y.b);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const out: [number, number][] = [];
  for (const e of sorted) {
    if (usedA.has(e.a) || usedB.has(e.b)) continue;
    usedA.add(e.a);
    usedB.add(e.b);
    out.push([e.a, e.b]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

/** Segment matching on two explicit lists (reference first). */
export function matchSegments(
  reference: readonly Segment[],
  other: readonly Segment[],
  params: SegmentMatchParams = {},
): SegmentMatchResult {
  const theta = params.iou_threshold ?? 0.5;
  const labelMode = params.label_mode ?? 'same';
  const method = params.matching ?? 'optimal';
  if (labelMode !== 'same' && labelMode !== 'ignore')
    throw new AgreementInputError('invalid_params', `label_mode ${String(labelMode)}`);
  if (method !== 'optimal' && method !== 'greedy')
    throw new AgreementInputError('invalid_params', `matching ${String(method)}`);
  if (typeof theta !== 'number' || !(theta >= 0))
    throw new AgreementInputError('invalid_params', 'iou_threshold must be ≥ 0');
  const A = checkSegments(reference, 'reference');
  const B = checkSegments(other, 'other');
  return segmentMatchesFromEdges(A, B, eligiblePairs(A, B, theta, labelMode), method);
}

/**
 * The matching result of {@link matchSegments} from a ready eligible-pair list (as returned by
 * {@link eligiblePairs} on validated segments). Lets a caller that needs both label modes find
 * the candidate pairs once: the `'same'` list is the `'ignore'` list filtered by label equality.
 */
export function segmentMatchesFromEdges(
  A: readonly Segment[],
  B: readonly Segment[],
  edges: readonly WeightedEdge[],
  method: 'optimal' | 'greedy' = 'optimal',
): SegmentMatchResult {
  const matches = method === 'optimal' ? maxLexMatching(A.length, edges) : greedyMatching(edges);
  const tp = matches.length;
  let sIou = 0;
  let sOn = 0;
  let sOff = 0;
  for (const [a, b] of matches) {
    sIou += iou(A[a], B[b]);
    sOn += Math.abs(A[a].start - B[b].start);
    sOff += Math.abs(A[a].end - B[b].end);
  }
  return {
    ...prf(tp, A.length, B.length),
    mean_iou: tp === 0 ? null : sIou / tp,
    onset_mae: tp === 0 ? null : sOn / tp,
    offset_mae: tp === 0 ? null : sOff / tp,
    matches,
  };
}

/** Segment matching on a two-rater input (`raters[0]` is the reference). */
export function segmentMatchF1(input: SegmentInput, params: SegmentMatchParams = {}): SegmentMatchResult {
  if (input.raters.length !== 2) {
    return {
      tp: 0,
      fp: 0,
      fn: 0,
      precision: null,
      recall: null,
      f1: null,
      mean_iou: null,
      onset_mae: null,
      offset_mae: null,
      matches: [],
      reason: 'need_two_raters',
    };
  }
  const [ra, rb] = input.raters;
  return matchSegments(input.annotators[ra] ?? [], input.annotators[rb] ?? [], params);
}
