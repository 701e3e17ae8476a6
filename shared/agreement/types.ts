/**
 * Shared input/output types of the agreement library. Field names follow the vector format
 * (SPEC §12) so that typed results can be serialised as-is (snake_case on purpose).
 */
import type { ReasonCode } from './reasons.ts';

/** A coded value: a category label or a number (numbers are required for interval/ratio). */
export type CodeValue = string | number;

/** One coding unit: rater id → value; `null` or an absent key means "missing". */
export type CodingUnit = Readonly<Record<string, CodeValue | null | undefined>>;

/** Coding task input (Cohen, Fleiss, Krippendorff, Light, Davies–Fleiss). */
export interface CodingInput {
  readonly raters: readonly string[];
  readonly units: readonly CodingUnit[];
}

/** A segment / span: half-open `[start, end)`. Label may be absent for label-free tiers. */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly label?: string | null;
}

/** One tier, one list of segments per annotator. */
export interface SegmentInput {
  readonly raters: readonly string[];
  readonly annotators: Readonly<Record<string, readonly Segment[] | undefined>>;
}

/** Unitizing input: continuum `[start, end)` in integer ticks (SPEC §5). */
export interface UnitizingInput extends SegmentInput {
  readonly continuum: { readonly start: number; readonly end: number };
}

/** Text span input (SPEC §8). Offsets are UTF-16 code units. */
export interface SpanInput extends SegmentInput {
  readonly text: string;
  readonly offset_unit?: 'utf16';
}

/** `'same'`: labels must be equal to match; `'ignore'`: labels are ignored. */
export type LabelMode = 'same' | 'ignore';

/** Common shape of results: `reason` is non-null exactly when the main value is null. */
export interface WithReason {
  reason: ReasonCode | null;
}

/** P/R/F1 counts shared by segment, event and span matching (SPEC §6a null rules). */
export interface PrfResult extends WithReason {
  tp: number;
  fp: number;
  fn: number;
  /** tp/|other|; null when the other annotator has no items. */
  precision: number | null;
  /** tp/|reference|; null when the reference has no items. */
  recall: number | null;
  /** 2tp/(|A|+|B|); null only when both are empty. */
  f1: number | null;
}
