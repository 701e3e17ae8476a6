/**
 * Reason codes for undefined results and input-error codes (SPEC §0, §11).
 *
 * Two different things are kept apart on purpose:
 *  - an *undefined result* (0/0, nothing to compare) is not an error: the metric returns `null`
 *    together with a {@link ReasonCode};
 *  - *invalid input* (overlapping segments of one annotator, unknown category, non-integer ticks…)
 *    is a caller bug: the typed functions throw {@link AgreementInputError}, and
 *    `computeAgreement` turns it into `{ error, reason }` so a vector can still describe it.
 */

/** Why a coefficient is `null` (SPEC §0). */
export type ReasonCode =
  /** Expected disagreement is 0 (only one distinct value among the pairable data). */
  | 'no_variation'
  /** No unit / slice / pair on which the raters can be compared. */
  | 'no_pairable_data'
  /** The metric needs exactly two raters (Cohen, pairwise metrics) or at least two (Fleiss…). */
  | 'need_two_raters'
  /** Fleiss' κ: units carry different numbers of ratings (use Krippendorff's α instead). */
  | 'unequal_ratings_per_unit'
  /** Nothing at all to evaluate (no units, no segments on either side, empty reference…). */
  | 'empty_input';

/** Codes carried by {@link AgreementInputError}. */
export type InputErrorCode =
  | 'overlapping_segments'
  | 'invalid_segment'
  | 'non_integer_ticks'
  | 'unknown_category'
  | 'non_numeric_value'
  | 'invalid_value'
  | 'invalid_params'
  | 'unsupported_variant'
  | 'unequal_segment_lists'
  | 'unknown_metric';

/** Thrown by the typed metric functions when the input itself is invalid. */
export class AgreementInputError extends Error {
  readonly code: InputErrorCode;

  constructor(code: InputErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'AgreementInputError';
    this.code = code;
  }
}

/** Narrowing helper, usable across realms (instanceof can fail with duplicated bundles). */
export function isAgreementInputError(e: unknown): e is AgreementInputError {
  return e instanceof Error && e.name === 'AgreementInputError' && 'code' in e;
}
