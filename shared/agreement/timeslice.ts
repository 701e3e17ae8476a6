/**
 * Time-sliced (frame-based) agreement (SPEC §7): cut `[t0, t1)` into K = ⌈(t1−t0)/r⌉ slices,
 * label slice k by the segment containing its midpoint t0 + (k+½)·r (half-open containment;
 * a last partial slice is still sampled at its nominal midpoint), then run a coding
 * coefficient on the slices as units.
 *
 * Overlap policy: same-label overlaps of one annotator are merged (no ambiguity); overlapping
 * segments with *different* labels make a midpoint ambiguous and are rejected
 * (`overlapping_segments`, SPEC §0).
 */
import { AgreementInputError } from './reasons.ts';
import type { ReasonCode } from './reasons.ts';
import type { CodingUnit, SegmentInput, WithReason } from './types.ts';
import { checkSegments, valueKey } from './values.ts';
import { cohenKappa } from './cohen.ts';
import type { CohenResult } from './cohen.ts';
import { fleissKappa } from './fleiss.ts';
import type { FleissResult } from './fleiss.ts';
import { krippendorffAlpha } from './krippendorff.ts';
import { UNLABELLED_UNIT } from './unitizing.ts';
import type { AlphaResult } from './krippendorff.ts';

/** Category used for "no label" in `no_label: 'category'` mode (vector conventions). */
export const NO_LABEL = '__none__';

export type SliceCoefficient = 'cohen_kappa' | 'krippendorff_alpha_nominal' | 'fleiss_kappa';

export interface TimeSliceParams {
  /** Slice length r in ticks (> 0). */
  readonly resolution: number;
  /** `[t0, t1)` (also accepted as `{start, end}`); default `[0, max segment end]`. */
  readonly span?: readonly [number, number] | { readonly start: number; readonly end: number } | null;
  /** `'category'`: no label is the category `__none__`; `'exclude'`: no label is missing. */
  readonly no_label?: 'category' | 'exclude';
  readonly coefficient?: SliceCoefficient | 'krippendorff_alpha';
}

export interface TimeSliceResult extends WithReason {
  /** The coefficient (κ or α), null with the coefficient's reason. */
  value: number | null;
  n_slices: number;
  /** Mean over rater pairs of the share of agreeing slices among slices both labelled. */
  observed_agreement: number | null;
  /** Raw slice labels per rater (`null` = no label, in both modes). */
  slices: Record<string, (string | null)[]>;
  coefficient: SliceCoefficient;
  /** The full result of the coefficient on the slice units. */
  detail: CohenResult | AlphaResult | FleissResult;
}

/** K = ⌈d/r⌉, exact for integer ticks (a float quotient could round across an integer). */
export function sliceCount(d: number, r: number): number {
  if (d <= 0) return 0;
  if (Number.isSafeInteger(d) && Number.isSafeInteger(r)) {
    let q = Math.floor(d / r);
    while (q * r < d) q++;
    while (q > 0 && (q - 1) * r >= d) q--;
    return q;
  }
  return Math.ceil(d / r);
}

/**
 * One annotator's segments as used for slicing: validated, zero-length ones dropped, sorted by
 * start, same-label overlaps merged; overlapping segments with different labels are rejected
 * (`overlapping_segments`). The result is disjoint and sorted.
 */
export function slicingSegments(
  segments: SegmentInput['annotators'][string],
  who = 'annotator',
): { start: number; end: number; label: string | null }[] {
  const segs = checkSegments(segments, who)
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number; label: string | null }[] = [];
  for (const s of segs) {
    const prev = merged[merged.length - 1];
    if (prev && s.start < prev.end) {
      if (prev.label !== s.label) {
        throw new AgreementInputError('overlapping_segments', `${who} has overlapping segments with different labels`);
      }
      prev.end = Math.max(prev.end, s.end);
    } else merged.push({ start: s.start, end: s.end, label: s.label });
  }
  return merged;
}

/** Labels of the slices for one annotator. */
export function sliceLabels(
  segments: SegmentInput['annotators'][string],
  t0: number,
  r: number,
  K: number,
  who = 'annotator',
): (string | null)[] {
  const merged = slicingSegments(segments, who);
  const out = new Array<string | null>(K).fill(null);
  let p = 0;
  for (let k = 0; k < K; k++) {
    // Same float expression as the reference generator; exact for integer ticks.
    const mid = t0 + (k + 0.5) * r;
    while (p < merged.length && merged[p].end <= mid) p++;
    if (p < merged.length && merged[p].start <= mid) out[k] = merged[p].label ?? UNLABELLED_UNIT;
  }
  return out;
}

/** Validated slicing parameters: origin t0, slice length r, slice count K, modes. */
export interface SliceGrid {
  t0: number;
  r: number;
  K: number;
  mode: 'category' | 'exclude';
  coefficient: SliceCoefficient;
}

/** Reads and validates {@link TimeSliceParams} (default span `[0, max segment end]`). */
export function sliceGrid(input: SegmentInput, params: TimeSliceParams): SliceGrid {
  const r = params.resolution;
  if (!(typeof r === 'number' && r > 0 && Number.isFinite(r))) {
    throw new AgreementInputError('invalid_params', 'resolution must be a positive number');
  }
  const mode = params.no_label ?? 'category';
  if (mode !== 'category' && mode !== 'exclude')
    throw new AgreementInputError('invalid_params', `no_label ${String(mode)}`);
  const coefficient: SliceCoefficient =
    params.coefficient === 'krippendorff_alpha' ? 'krippendorff_alpha_nominal' : (params.coefficient ?? 'cohen_kappa');
  if (!['cohen_kappa', 'krippendorff_alpha_nominal', 'fleiss_kappa'].includes(coefficient))
    throw new AgreementInputError('invalid_params', `unknown coefficient ${String(coefficient)}`);
  let t0: number;
  let t1: number;
  const span = params.span as unknown;
  if (Array.isArray(span)) [t0, t1] = span as [number, number];
  else if (span && typeof span === 'object') ({ start: t0, end: t1 } = span as { start: number; end: number });
  else {
    t0 = 0;
    t1 = 0;
    for (const rid of input.raters) for (const s of input.annotators[rid] ?? []) t1 = Math.max(t1, s.end);
  }
  return { t0, r, K: sliceCount(t1 - t0, r), mode, coefficient };
}

/**
 * Time-sliced κ/α/Fleiss (SPEC §7). The coefficient's own null rules apply; with no slices the
 * reason is `empty_input`.
 */
export function timeSliced(input: SegmentInput, params: TimeSliceParams): TimeSliceResult {
  const { t0, r, K, mode, coefficient } = sliceGrid(input, params);
  const slices: Record<string, (string | null)[]> = {};
  for (const rid of input.raters) slices[rid] = sliceLabels(input.annotators[rid], t0, r, K, rid);

  const units: CodingUnit[] = [];
  for (let k = 0; k < K; k++) {
    const unit: Record<string, string | null> = {};
    let complete = true;
    for (const rid of input.raters) {
      const v = slices[rid][k];
      unit[rid] = v === null ? (mode === 'category' ? NO_LABEL : null) : v;
      if (unit[rid] === null) complete = false;
    }
    // Fleiss needs equal ratings per unit: in exclude mode keep only fully labelled slices.
    if (coefficient === 'fleiss_kappa' && !complete) continue;
    units.push(unit);
  }
  const coding = { raters: input.raters, units };
  let detail: CohenResult | AlphaResult | FleissResult;
  let value: number | null;
  if (coefficient === 'cohen_kappa') {
    const c = cohenKappa(coding);
    detail = c;
    value = c.kappa;
  } else if (coefficient === 'fleiss_kappa') {
    const f = fleissKappa(coding);
    detail = f;
    value = f.kappa;
  } else if (coefficient === 'krippendorff_alpha_nominal') {
    const a = krippendorffAlpha(coding, { level: 'nominal' });
    detail = a;
    value = a.alpha;
  } else throw new AgreementInputError('invalid_params', `unknown coefficient ${String(coefficient)}`);
  const reason: ReasonCode | null = K === 0 ? 'empty_input' : value === null ? detail.reason : null;
  return { value, reason, n_slices: K, observed_agreement: pairwiseAgreement(coding), slices, coefficient, detail };
}

/** Mean pairwise percent agreement over slices where both raters of a pair have a value. */
function pairwiseAgreement(coding: { raters: readonly string[]; units: readonly CodingUnit[] }): number | null {
  const R = coding.raters;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < R.length; i++) {
    for (let j = i + 1; j < R.length; j++) {
      let agree = 0;
      let both = 0;
      for (const u of coding.units) {
        const a = u[R[i]];
        const b = u[R[j]];
        if (a === null || a === undefined || b === null || b === undefined) continue;
        both++;
        if (valueKey(a) === valueKey(b)) agree++;
      }
      if (both > 0) {
        sum += agree / both;
        pairs++;
      }
    }
  }
  return pairs === 0 ? null : sum / pairs;
}
