/**
 * Inter-annotator agreement library (pure TypeScript, browser-safe; SPEC.md beside the vectors).
 *
 * `computeAgreement(metric, params, input)` takes exactly the `metric`, `params` and `input` of a
 * vector case (SPEC §12) and returns the fields of its `expected` object. The typed metric
 * functions are re-exported for server-side reports (per tier, per label, pairwise matrices,
 * confusion matrices).
 */
import { AgreementInputError, isAgreementInputError } from './reasons.ts';
import type { ReasonCode } from './reasons.ts';
import type { CodeValue, CodingInput, SegmentInput, SpanInput, UnitizingInput } from './types.ts';
import { cohenKappa } from './cohen.ts';
import type { KappaWeights } from './cohen.ts';
import { daviesFleissKappa, lightKappa } from './multikappa.ts';
import { fleissKappa } from './fleiss.ts';
import { krippendorffAlpha } from './krippendorff.ts';
import type { AlphaLevel } from './krippendorff.ts';
import { unitizingAlpha } from './unitizing.ts';
import { timeSliced } from './timeslice.ts';
import type { TimeSliceParams } from './timeslice.ts';
import { segmentMatchF1 } from './segments.ts';
import type { SegmentMatchParams } from './segments.ts';
import { eventMatchTolerance } from './events.ts';
import type { EventMatchParams } from './events.ts';
import { spanF1 } from './spans.ts';
import type { SpanF1Params } from './spans.ts';
import { tokenKappa } from './tokens.ts';
import type { TokenKappaParams } from './tokens.ts';
import { wer } from './wer.ts';
import type { WerInput, WerParams } from './wer.ts';

export * from './reasons.ts';
export * from './types.ts';
export * from './cohen.ts';
export * from './multikappa.ts';
export * from './fleiss.ts';
export * from './krippendorff.ts';
export * from './unitizing.ts';
export * from './timeslice.ts';
export * from './sweep.ts';
export * from './rows.ts';
export * from './report-types.ts';
export * from './report.ts';
export * from './diagnostics.ts';
export * from './project.ts';
export * from './redact.ts';
export * from './segments.ts';
export * from './events.ts';
export * from './spans.ts';
export * from './tokens.ts';
export * from './wer.ts';
export * from './ticks.ts';
export { solveLexAssignment, maxLexMatching, maxCardinalityMatching } from './assignment.ts';
export type { WeightedEdge } from './assignment.ts';
export { compareValues, sortedUnique } from './values.ts';

/** Metric names of the vector format (SPEC §12). */
export type MetricName =
  | 'cohen_kappa'
  | 'fleiss_kappa'
  | 'krippendorff_alpha'
  | 'light_kappa'
  | 'davies_fleiss_kappa'
  | 'unitizing_alpha'
  | 'segment_match_f1'
  | 'event_match_tolerance'
  | 'time_sliced'
  | 'span_f1'
  | 'token_kappa'
  | 'wer';

/** The main value of each metric (null on input errors). */
const PRIMARY: Record<MetricName, string> = {
  cohen_kappa: 'kappa',
  fleiss_kappa: 'kappa',
  krippendorff_alpha: 'alpha',
  light_kappa: 'kappa',
  davies_fleiss_kappa: 'kappa',
  unitizing_alpha: 'alpha',
  segment_match_f1: 'f1',
  event_match_tolerance: 'f1',
  time_sliced: 'value',
  span_f1: 'f1',
  token_kappa: 'kappa',
  wer: 'wer',
};

/** JSON-like result object in the vector's `expected` shape. */
export type AgreementOutput = Record<string, unknown>;

type Params = Record<string, unknown>;

function withReason(out: Record<string, unknown>, reason: ReasonCode | null): AgreementOutput {
  // `reason` is always present (null when defined); `error` mirrors it for vectors that use
  // that key for undefined results (SPEC §12: Fleiss "or error").
  out.reason = reason;
  if (reason !== null) out.error = reason;
  return out;
}

function dispatch(metric: MetricName, p: Params, input: unknown): AgreementOutput {
  switch (metric) {
    case 'cohen_kappa': {
      const r = cohenKappa(input as CodingInput, {
        weights: (p.weights ?? null) as KappaWeights | null,
        categories: (p.categories ?? null) as CodeValue[] | null,
      });
      const { kappa, n_units_total, n_units_used, p_o, p_e } = r;
      return withReason({ kappa, n_units_total, n_units_used, p_o, p_e }, r.reason);
    }
    case 'fleiss_kappa': {
      const r = fleissKappa(input as CodingInput);
      const { kappa, p_bar, p_e, n_units, raters_per_unit } = r;
      return withReason({ kappa, p_bar, p_e, n_units, raters_per_unit }, r.reason);
    }
    case 'krippendorff_alpha': {
      const r = krippendorffAlpha(input as CodingInput, {
        level: (p.level ?? 'nominal') as AlphaLevel,
        categories: (p.categories ?? null) as CodeValue[] | null,
      });
      const { alpha, D_o, D_e, n_pairable } = r;
      return withReason({ alpha, D_o, D_e, n_pairable }, r.reason);
    }
    case 'light_kappa':
    case 'davies_fleiss_kappa': {
      const r = metric === 'light_kappa' ? lightKappa(input as CodingInput) : daviesFleissKappa(input as CodingInput);
      const { kappa, n_units_total, n_units_used } = r;
      return withReason({ kappa, n_units_total, n_units_used }, r.reason);
    }
    case 'unitizing_alpha': {
      const variant = p.variant ?? 'krippendorff_1995_2004_dkpro';
      if (variant !== 'krippendorff_1995_2004_dkpro') {
        throw new AgreementInputError(
          'unsupported_variant',
          `unitizing variant ${String(variant)} (SPEC §5b has no oracle)`,
        );
      }
      const r = unitizingAlpha(input as UnitizingInput, { overlap: p.overlap === 'merge' ? 'merge' : 'reject' });
      const per_label: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.per_label))
        per_label[k] = { alpha: v.alpha, D_o: v.D_o, D_e: v.D_e, reason: v.reason };
      return withReason({ alpha: r.alpha, D_o: r.D_o, D_e: r.D_e, per_label }, r.reason);
    }
    case 'segment_match_f1': {
      const r = segmentMatchF1(input as SegmentInput, p as SegmentMatchParams);
      const { tp, fp, fn, precision, recall, f1, mean_iou, onset_mae, offset_mae, matches } = r;
      return withReason({ tp, fp, fn, precision, recall, f1, mean_iou, onset_mae, offset_mae, matches }, r.reason);
    }
    case 'event_match_tolerance': {
      const r = eventMatchTolerance(input as SegmentInput, p as EventMatchParams);
      const { tp, fp, fn, precision, recall, f1 } = r;
      return withReason({ tp, fp, fn, precision, recall, f1 }, r.reason);
    }
    case 'time_sliced': {
      const r = timeSliced(input as SegmentInput, p as unknown as TimeSliceParams);
      // Coefficient fields first (n_units_used, p_o, p_e / D_o, D_e, n_pairable / p_bar…),
      // then the slicing fields.
      const detail = { ...(r.detail as unknown as Record<string, unknown>) };
      for (const k of [
        'reason',
        'confusion',
        'warnings',
        'weights',
        'values',
        'marginals',
        'level',
        'categories',
        'category_proportions',
      ]) {
        delete detail[k];
      }
      return withReason(
        { ...detail, value: r.value, n_slices: r.n_slices, observed_agreement: r.observed_agreement, slices: r.slices },
        r.reason,
      );
    }
    case 'span_f1': {
      const r = spanF1(input as SpanInput, p as SpanF1Params);
      const { tp, fp, fn, precision, recall, f1 } = r;
      return withReason({ tp, fp, fn, precision, recall, f1 }, r.reason);
    }
    case 'token_kappa': {
      const r = tokenKappa(input as SpanInput, p as TokenKappaParams);
      const { kappa, n_tokens, p_o, p_e, token_labels } = r;
      return withReason({ kappa, n_tokens, p_o, p_e, token_labels }, r.reason);
    }
    case 'wer': {
      const r = wer(input as WerInput, p as WerParams);
      const { errors, ref_words, hyp_words, tokens, substitutions, deletions, insertions, hits } = r;
      return withReason(
        { wer: r.wer, errors, ref_words, hyp_words, tokens, substitutions, deletions, insertions, hits },
        r.reason,
      );
    }
    default:
      throw new AgreementInputError('unknown_metric', `unknown metric ${String(metric)}`);
  }
}

/**
 * Computes one vector case. Undefined results come back as `null` with `reason` (and `error`);
 * invalid input (overlapping segments, unknown category, …) comes back as
 * `{ <main value>: null, reason: <code>, error: <code>, message }` instead of throwing, so that a
 * vector can describe it. Any other exception is a bug and is rethrown.
 */
export function computeAgreement(metric: string, params: Params | null | undefined, input: unknown): AgreementOutput {
  try {
    return dispatch(metric as MetricName, params ?? {}, input);
  } catch (e) {
    if (!isAgreementInputError(e)) throw e;
    const primary = PRIMARY[metric as MetricName] ?? 'value';
    return { [primary]: null, reason: e.code, error: e.code, message: e.message };
  }
}
