/**
 * Text span agreement (SPEC §8): exact-match and overlap-match span F1.
 * Offsets are UTF-16 code units (JavaScript string indices), half-open.
 *
 * Exact mode uses set semantics: tp = |A ∩ B| over distinct `(start, end, label)` keys (or
 * `(start, end)` with `label_mode = 'ignore'`), and |A|, |B| are the numbers of distinct keys, so
 * a duplicated span cannot count twice. Overlap mode is a one-to-one maximum-cardinality
 * matching of spans sharing at least one code unit (Hopcroft–Karp).
 */
import { AgreementInputError } from './reasons.ts';
import type { LabelMode, PrfResult, Segment, SpanInput } from './types.ts';
import { maxCardinalityMatching } from './assignment.ts';
import { checkSegments, prf } from './values.ts';

export interface SpanF1Params {
  /** `'exact'` (default) or `'overlap'`. */
  readonly mode?: 'exact' | 'overlap';
  readonly label_mode?: LabelMode;
}

export interface SpanF1Result extends PrfResult {
  /** Overlap mode: matched `[referenceIndex, otherIndex]` pairs; exact mode: matched key pairs by first index. */
  matches: [number, number][];
}

function spanKey(s: { start: number; end: number; label: string | null }, labelMode: LabelMode): string {
  return labelMode === 'ignore' ? `${s.start}:${s.end}` : `${s.start}:${s.end}:${JSON.stringify(s.label)}`;
}

/** Span F1 on two explicit span lists (reference first). */
export function spanF1Lists(
  reference: readonly Segment[],
  other: readonly Segment[],
  params: SpanF1Params = {},
): SpanF1Result {
  const mode = params.mode ?? 'exact';
  const labelMode = params.label_mode ?? 'same';
  if (labelMode !== 'same' && labelMode !== 'ignore')
    throw new AgreementInputError('invalid_params', `label_mode ${String(labelMode)}`);
  const A = checkSegments(reference, 'reference');
  const B = checkSegments(other, 'other');
  if (mode === 'exact') {
    const firstA = new Map<string, number>();
    A.forEach((s, i) => {
      const k = spanKey(s, labelMode);
      if (!firstA.has(k)) firstA.set(k, i);
    });
    const firstB = new Map<string, number>();
    B.forEach((s, i) => {
      const k = spanKey(s, labelMode);
      if (!firstB.has(k)) firstB.set(k, i);
    });
    const matches: [number, number][] = [];
    for (const [k, i] of firstA) {
      const j = firstB.get(k);
      if (j !== undefined) matches.push([i, j]);
    }
    matches.sort((x, y) => x[0] - y[0]);
    return { ...prf(matches.length, firstA.size, firstB.size), matches };
  }
  if (mode !== 'overlap') throw new AgreementInputError('invalid_params', `mode ${String(mode)}`);
  const adj = A.map((a) => {
    const row: number[] = [];
    B.forEach((b, j) => {
      if (labelMode === 'same' && a.label !== b.label) return;
      if (Math.min(a.end, b.end) > Math.max(a.start, b.start)) row.push(j);
    });
    return row;
  });
  const matchA = maxCardinalityMatching(B.length, adj);
  const matches: [number, number][] = [];
  matchA.forEach((b, a) => {
    if (b >= 0) matches.push([a, b]);
  });
  return { ...prf(matches.length, A.length, B.length), matches };
}

/** Span F1 on a two-rater span input (`raters[0]` is the reference). */
export function spanF1(input: SpanInput, params: SpanF1Params = {}): SpanF1Result {
  if (input.raters.length !== 2) {
    return { tp: 0, fp: 0, fn: 0, precision: null, recall: null, f1: null, matches: [], reason: 'need_two_raters' };
  }
  const [ra, rb] = input.raters;
  return spanF1Lists(input.annotators[ra] ?? [], input.annotators[rb] ?? [], params);
}
