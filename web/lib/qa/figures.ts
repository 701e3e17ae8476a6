/**
 * How the QA console words agreement figures: values (3 decimals, a real minus sign), the reason
 * a figure is missing, which coefficient a headline is, and the project threshold.
 */
import type { AnnotationKind } from '../../../shared/model/tier.ts';
import type { HeadlineMetric } from '../../../shared/agreement/report-types.ts';

export interface FigureLike {
  value: number | null;
  reason?: string | null;
}

/** 0.7509 → "0.751", −0.47 → "−0.470", null → "—". */
export function formatValue(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = Math.abs(value).toFixed(digits);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}

/** Why a figure is null, in words: short for cells, long for tooltips. */
export const REASONS: Record<string, { short: string; long: string }> = {
  no_variation: {
    short: 'no variation',
    long: 'Only one label (or none) was used, so chance-corrected agreement is undefined.',
  },
  no_pairable_data: { short: 'nothing to compare', long: 'The annotators have no units in common to compare.' },
  need_two_raters: { short: 'one annotator', long: 'Agreement needs at least two annotators.' },
  unequal_ratings_per_unit: {
    short: 'unequal ratings',
    long: "Units carry different numbers of ratings (Fleiss' κ is undefined).",
  },
  empty_input: { short: 'no annotations', long: 'Nothing is annotated on this tier yet.' },
  redacted: { short: 'hidden', long: 'Hidden from you by the visibility mode of the project.' },
  overlapping_segments: {
    short: 'overlaps',
    long: 'An annotator has overlapping segments with different labels (time slicing is impossible).',
  },
  not_compared: { short: 'not compared', long: 'This pair was not compared in the report.' },
  no_report: { short: 'no report', long: 'No agreement report has been computed for this task yet.' },
};

export function reasonText(reason: string | null | undefined, long = false): string {
  if (!reason) return long ? 'Not available.' : 'n/a';
  const known = REASONS[reason];
  if (known) return long ? known.long : known.short;
  const words = reason.replace(/_/g, ' ');
  return long ? `Not computed: ${words}.` : words;
}

/** "0.751" or "— (no variation)". */
export function describeFigure(figure: FigureLike | null | undefined, digits = 3): string {
  if (!figure) return '—';
  if (figure.value !== null && Number.isFinite(figure.value)) return formatValue(figure.value, digits);
  return `— (${reasonText(figure.reason)})`;
}

/** The tier headline coefficient. */
export const METRIC_NAMES: Record<HeadlineMetric, { short: string; long: string }> = {
  slice_alpha: { short: 'α', long: "Krippendorff's α on time slices" },
  mean_f1: { short: 'F1', long: 'mean pairwise F1 (matching with tolerance)' },
  token_alpha: { short: 'token α', long: "Krippendorff's α on tokens" },
  none: { short: '—', long: 'no agreement metric for this tier kind' },
};

/** The pairwise headline of a tier kind (the heat-map cells). */
export function pairMetricName(kind: AnnotationKind): string {
  switch (kind) {
    case 'segment':
      return "Cohen's κ on time slices";
    case 'event':
      return 'F1 with onset tolerance';
    case 'span':
      return "token Cohen's κ";
    default:
      return 'pairwise agreement';
  }
}

/** A figure below the project threshold (missing figures are never "below"). */
export function isBelow(value: number | null | undefined, threshold: number | null | undefined): boolean {
  return (
    value !== null &&
    value !== undefined &&
    threshold !== null &&
    threshold !== undefined &&
    Number.isFinite(value) &&
    value < threshold
  );
}

/** Replaces the user ids inside a diagnostic message with names ("fewer than 10 … by Ada, Ben"). */
export function withNames(message: string, names: (userId: string) => string, userIds: readonly string[]): string {
  let out = message;
  for (const id of [...userIds].sort((a, b) => b.length - a.length)) out = out.split(id).join(names(id));
  return out;
}

/** Display text of a confusion-matrix label: ∅ → "no match", `__unit__` → "unlabelled". */
export function labelText(label: string, classNames: Readonly<Record<string, string>> = {}): string {
  if (label === '\u2205') return 'no match';
  if (label === '__unit__') return 'unlabelled';
  if (label === '__none__') return 'no label';
  return classNames[label] ?? label;
}
