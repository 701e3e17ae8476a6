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
import { overlapCandidates } from './segments.ts';

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
  // null and every string label get distinct suffixes ('!' vs '"' prefix).
  return labelMode === 'ignore'
    ? `${s.start}:${s.end}`
    : `${s.start}:${s.end}:${s.label === null ? '!' : `"${s.label}`}`;
}

/**
 * Distinct exact-match keys of validated spans → index of the first span with that key; `prefix`
 * (e.g. a text id) is prepended to every key, so that keys of several texts can share a map.
 */
export function exactSpanKeys(
  spans: readonly { start: number; end: number; label?: string | null }[],
  labelMode: LabelMode = 'same',
  prefix = '',
): Map<string, number> {
  const keys = new Map<string, number>();
  spans.forEach((s, i) => {
    const k = prefix + spanKey({ start: s.start, end: s.end, label: s.label ?? null }, labelMode);
    if (!keys.has(k)) keys.set(k, i);
  });
  return keys;
}

/** Exact matches (set intersection of keys): `[referenceIndex, otherIndex]` by reference index. */
export function exactSpanMatches(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): [number, number][] {
  const matches: [number, number][] = [];
  for (const [k, i] of a) {
    const j = b.get(k);
    if (j !== undefined) matches.push([i, j]);
  }
  return matches.sort((x, y) => x[0] - y[0]);
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
    const ka = exactSpanKeys(A, labelMode);
    const kb = exactSpanKeys(B, labelMode);
    const matches = exactSpanMatches(ka, kb);
    return { ...prf(matches.length, ka.size, kb.size), matches };
  }
  if (mode !== 'overlap') throw new AgreementInputError('invalid_params', `mode ${String(mode)}`);
  const { offsets, items } = overlapCandidates(A, B);
  const adj = A.map((a, i) => {
    const row: number[] = [];
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const j = items[k];
      const b = B[j];
      if (labelMode === 'same' && a.label !== b.label) continue;
      if (Math.min(a.end, b.end) > Math.max(a.start, b.start)) row.push(j);
    }
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
