/**
 * Types and settings of the task and project agreement reports (report.ts, project.ts).
 *
 * Reports are plain JSON (stored, sent over REST and WebSocket): numbers, strings, arrays and
 * records only. Every coefficient is a {@link Figure}: a value, or `null` with the reason code of
 * the metric that could not be computed (SPEC §0 reasons, or an input-error code such as
 * `overlapping_segments`).
 */
import type { Annotation } from '../model/annotation.ts';
import type { Taxonomy } from '../model/taxonomy.ts';
import type { AnnotationKind, Tier } from '../model/tier.ts';
import { AgreementInputError } from './reasons.ts';
import type { InputErrorCode, ReasonCode } from './reasons.ts';
import type { FrameRate } from './ticks.ts';

/**
 * Tick resolution of the time-based coefficients (time slicing, αU; SPEC §0 "Time unit"):
 * `ms` ticks of `ms` milliseconds, or video frames at a rational frame rate.
 */
export type Resolution = { unit: 'ms'; ms: number } | { unit: 'frame'; fps: FrameRate };

export interface AgreementSettings {
  /** Tick resolution (the task's media can override it, e.g. frames at the video's rate). */
  resolution: Resolution;
  /** Slice length for time slicing, in ticks (1 = one slice per ms or per frame). */
  sliceTicks: number;
  /** Time slicing: "no label" is a category (`__none__`) or a missing value (SPEC §7). */
  noLabel: 'category' | 'exclude';
  /** Segment matching: pairs need IoU ≥ θ (and > 0) (SPEC §6a). */
  iouThreshold: number;
  /** Segment matching method (SPEC §6a). */
  matching: 'optimal' | 'greedy';
  /** Event matching: onset tolerance in seconds (SPEC §6b; offsets are not compared). */
  eventToleranceSeconds: number;
  /** Span F1 mode of the headline span figures (SPEC §8). */
  spanMode: 'exact' | 'overlap';
  /** Token labelling scheme for token κ / α (SPEC §8). */
  tokenScheme: 'IO' | 'BIO';
  /** WER normalisation (SPEC §9). */
  werNormalization: 'none' | 'basic';
  /** Diagnostics: fewer units than this per annotator (or matched units) is "too few". */
  minUnits: number;
  /** Diagnostics: one label holding at least this share of all labelled units is "skewed". */
  skewThreshold: number;
  /** Diagnostics: boundary disagreements ≥ this × label disagreements is "boundary dominated". */
  boundaryDominance: number;
}

/** Defaults: millisecond ticks, θ = 0.5, optimal matching, 100 ms event tolerance, basic WER. */
export const DEFAULT_AGREEMENT_SETTINGS: Readonly<AgreementSettings> = Object.freeze({
  resolution: Object.freeze({ unit: 'ms', ms: 1 }) as Resolution,
  sliceTicks: 1,
  noLabel: 'category',
  iouThreshold: 0.5,
  matching: 'optimal',
  eventToleranceSeconds: 0.1,
  spanMode: 'exact',
  tokenScheme: 'IO',
  werNormalization: 'basic',
  minUnits: 10,
  skewThreshold: 0.9,
  boundaryDominance: 2,
});

const positiveInt = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) > 0;
const nonNegative = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/**
 * Defaults merged with `partial` (and `resolution`, which wins over `partial.resolution`),
 * validated. Throws `AgreementInputError('invalid_params')` on a bad value.
 */
export function resolveSettings(
  partial?: Partial<AgreementSettings> | null,
  resolution?: Resolution | null,
): AgreementSettings {
  const s: AgreementSettings = { ...DEFAULT_AGREEMENT_SETTINGS, ...(partial ?? {}) };
  if (resolution) s.resolution = resolution;
  const bad = (what: string): never => {
    throw new AgreementInputError('invalid_params', `agreement settings: ${what}`);
  };
  const r = s.resolution as Resolution | undefined;
  if (r?.unit === 'ms') {
    if (!(typeof r.ms === 'number' && Number.isFinite(r.ms) && r.ms > 0)) bad('resolution.ms must be > 0');
  } else if (r?.unit === 'frame') {
    if (!positiveInt(r.fps?.num) || !positiveInt(r.fps?.den))
      bad('resolution.fps must be a ratio of positive integers');
  } else bad('resolution.unit must be ms or frame');
  if (!positiveInt(s.sliceTicks)) bad('sliceTicks must be a positive integer');
  if (s.noLabel !== 'category' && s.noLabel !== 'exclude') bad('noLabel');
  if (!(nonNegative(s.iouThreshold) && s.iouThreshold <= 1)) bad('iouThreshold must be in [0, 1]');
  if (s.matching !== 'optimal' && s.matching !== 'greedy') bad('matching');
  if (!nonNegative(s.eventToleranceSeconds)) bad('eventToleranceSeconds must be ≥ 0');
  if (s.spanMode !== 'exact' && s.spanMode !== 'overlap') bad('spanMode');
  if (s.tokenScheme !== 'IO' && s.tokenScheme !== 'BIO') bad('tokenScheme');
  if (s.werNormalization !== 'none' && s.werNormalization !== 'basic') bad('werNormalization');
  if (!nonNegative(s.minUnits)) bad('minUnits must be ≥ 0');
  if (!(nonNegative(s.skewThreshold) && s.skewThreshold <= 1)) bad('skewThreshold must be in [0, 1]');
  if (!nonNegative(s.boundaryDominance)) bad('boundaryDominance must be ≥ 0');
  return s;
}

/** One layer of the task as the report reads it. */
export interface ReportLayer {
  layerId: string;
  userId: string;
  kind: 'annotator' | 'gold';
  /** All readable annotations of the layer (`LayerDoc.list()`), any tier. */
  annotations: readonly Annotation[];
  /**
   * Tiers the layer takes part in (its owner may annotate them); absent or null: every tier.
   * See shared/model `layerCoversTier`.
   */
  tierIds?: readonly string[] | null;
}

export interface TaskReportInput {
  taskId?: string | null;
  projectId?: string | null;
  tiers: readonly Tier[];
  taxonomy: Taxonomy;
  settings?: Partial<AgreementSettings> | null;
  /** The task media's resolution (e.g. frames at the video's rate); overrides settings. */
  resolution?: Resolution | null;
  /** Length of the task timeline in seconds (the αU / slicing continuum); null when unknown. */
  mediaDuration?: number | null;
  /** Contents of text media files, by media id (span tiers on text media: token κ). */
  texts?: Readonly<Record<string, string>> | null;
  layers: readonly ReportLayer[];
  /** Timestamp stored with the report (ms epoch); default `Date.now()`. */
  computedAt?: number;
}

/**
 * Why a figure is null: a metric reason (SPEC §0), an input error of the metric, or `redacted`
 * (removed by `redactReport` for a viewer who may not see it).
 */
export type ReportReason = ReasonCode | InputErrorCode | 'redacted';

/** A coefficient or rate: `value`, or null with the reason. */
export interface Figure {
  value: number | null;
  reason: ReportReason | null;
}

/** P/R/F1 of a one-to-one matching; `a` (the pair's first user) is the reference. */
export interface MatchFigures {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  reason: ReportReason | null;
  /** Segments only, over matched pairs (null if none): mean IoU and mean boundary errors (s). */
  meanIou?: number | null;
  onsetError?: number | null;
  offsetError?: number | null;
}

/** Label of unmatched items in confusion matrices. */
export const NO_MATCH = '∅';

/**
 * Confusion of labels over the label-blind matching of two annotators: `counts[i][j]` = items
 * labelled `labels[i]` by a matched to items labelled `labels[j]` by b; the last label is
 * {@link NO_MATCH} (row: b's unmatched items, column: a's unmatched items). Unlabelled items
 * appear as `__unit__`.
 */
export interface LabelConfusion {
  labels: string[];
  counts: number[][];
}

/** Per-label figures of one pair: items of the label on each side, label-aware matches, F1. */
export interface PairLabelFigures {
  a: number;
  b: number;
  tp: number;
  f1: number | null;
}

/** Agreement of two annotators (or an annotator and gold: then `a` is the gold user). */
export interface PairReport {
  a: string;
  b: string;
  /** The tier's pairwise headline: slice κ (segments), F1 (events), token κ (spans). */
  headline: Figure;
  /** Segments: Cohen's κ and observed agreement on time slices. */
  sliceKappa?: Figure;
  sliceAgreement?: number | null;
  /** Matching with equal labels: IoU ≥ θ (segments), tolerance (events), spanMode (spans). */
  match: MatchFigures;
  /** Label-blind matching (segments: IoU ≥ θ; events: tolerance; spans: overlap). */
  boundaryMatch: MatchFigures;
  /** Spans: token κ over the texts both annotated. */
  tokenKappa?: Figure;
  /** Transcripts: WER(reference a, hypothesis b) and the reverse, over label-blind matches. */
  wer?: { ab: Figure; ba: Figure };
  /** Label-blind matches whose labels differ. */
  labelDisagreements: number;
  /** Items without a label-blind match, both sides (fp + fn). */
  boundaryDisagreements: number;
  perLabel: Record<string, PairLabelFigures>;
  /** α per attribute over label-blind matched pairs carrying it on both sides. */
  attributes: Record<string, Figure>;
  confusion: LabelConfusion;
}

/** One annotator on one tier. */
export interface AnnotatorTierFigures {
  userId: string;
  /** Items on the tier. */
  units: number;
  /** Items per label (`__unit__` for unlabelled). */
  labels: Record<string, number>;
  /** Mean of the pairwise headline over the pairs with this annotator (non-null ones). */
  meanVsOthers: Figure;
  /** Pairwise headline against gold (null when no gold on the tier). */
  vsGold: Figure | null;
}

/** One label (one-vs-rest) on one tier. */
export interface LabelReport {
  label: string;
  /** Items per annotator (gold included under its user id). */
  counts: Record<string, number>;
  total: number;
  /** Pooled label-aware F1 over annotator pairs: 2Σtp / Σ(a + b). */
  f1: number | null;
  /** Segments: one-vs-rest α on time slices, and αU of the label (SPEC §5a per-label). */
  sliceAlpha?: Figure;
  unitizingAlpha?: Figure;
  /** Spans: one-vs-rest α on tokens. */
  tokenAlpha?: Figure;
}

export interface AttributeReport {
  attributeId: string;
  level: 'nominal' | 'interval';
  /** α over label-blind aligned units of all annotators. */
  alpha: Figure;
  /** Aligned units with the attribute from at least two annotators. */
  units: number;
}

/** Tier-level figures; which are present depends on the tier kind. */
export interface TierSummary {
  /** Segments: time-sliced α (nominal), Fleiss' κ, mean pairwise observed agreement, K. */
  sliceAlpha?: Figure;
  sliceFleiss?: Figure;
  sliceAgreement?: number | null;
  slices?: number;
  /** Segments: Krippendorff's αU (DKPro variant, SPEC §5a) at the tick resolution. */
  unitizingAlpha?: Figure;
  /** Mean over annotator pairs of the label-aware and label-blind F1. */
  meanF1: number | null;
  meanBoundaryF1: number | null;
  /** Segments: mean IoU of label-blind matches, pooled over pairs. */
  meanIou?: number | null;
  /** Spans: multi-annotator α on token labels, number of tokens, mean pairwise token κ. */
  tokenAlpha?: Figure;
  tokens?: number;
  meanTokenKappa?: number | null;
  /** Transcripts: mean pairwise WER (both directions). */
  meanWer?: number | null;
  /** α (nominal) of the labels of label-blind aligned units (categorisation given unitizing). */
  labelAlpha: Figure;
}

export type HeadlineMetric = 'slice_alpha' | 'mean_f1' | 'token_alpha' | 'none';

export type DiagnosticCode =
  | 'single_annotator'
  | 'too_few_units'
  | 'skewed_label_distribution'
  | 'label_unused_by_annotator'
  | 'boundary_dominated'
  | 'overlapping_segments'
  | 'unresolved_span_text'
  | 'unsupported_tier_kind';

/** Stable diagnostic codes (INCEpTION-style agreement warnings). */
export const DIAGNOSTIC_CODES: readonly DiagnosticCode[] = [
  'single_annotator',
  'too_few_units',
  'skewed_label_distribution',
  'label_unused_by_annotator',
  'boundary_dominated',
  'overlapping_segments',
  'unresolved_span_text',
  'unsupported_tier_kind',
];

export interface Diagnostic {
  code: DiagnosticCode;
  severity: 'info' | 'warning';
  tierId: string;
  message: string;
  /** Users concerned (e.g. the annotators who never used a label). */
  users?: string[];
  label?: string;
  data?: Record<string, number>;
}

export interface TierReport {
  tierId: string;
  tierName: string;
  kind: AnnotationKind;
  /** Annotator user ids, sorted (pairs and per-annotator figures use these). */
  raters: string[];
  /** User id of the gold layer used on this tier (null when gold has nothing on it). */
  gold: string | null;
  headline: Figure & { metric: HeadlineMetric };
  summary: TierSummary;
  annotators: AnnotatorTierFigures[];
  labels: LabelReport[];
  attributes: AttributeReport[];
  /** Annotator pairs (a < b). */
  pairs: PairReport[];
  /** Each annotator against gold (a = gold). */
  vsGold: PairReport[];
  /** Pooled over annotator pairs, both directions (symmetric). */
  confusion: LabelConfusion;
  diagnostics: Diagnostic[];
}

export interface AnnotatorSummary {
  userId: string;
  /** Items over all tiers. */
  units: number;
  /** Mean over tiers of the tier's meanVsOthers (non-null ones). */
  meanVsOthers: Figure;
  /** Mean over tiers of the headline against gold (null when no tier has gold). */
  vsGold: Figure | null;
}

export interface TaskReport {
  version: 1;
  taskId: string | null;
  projectId: string | null;
  computedAt: number;
  /** Effective settings (with the resolution used). */
  settings: AgreementSettings;
  annotators: string[];
  gold: string | null;
  /** Mean of the tier headlines (non-null ones). */
  headline: Figure;
  tiers: TierReport[];
  annotatorSummary: AnnotatorSummary[];
}
