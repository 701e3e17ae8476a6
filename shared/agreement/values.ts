/**
 * Small helpers shared by several metric families: value identity and ordering, coding-input
 * access, P/R/F1 with the SPEC §6a null rules, and validation of segments.
 */
import { AgreementInputError } from './reasons.ts';
import type { CodeValue, CodingInput, PrfResult, Segment } from './types.ts';

/** Identity key of a value: numbers and strings never collide (`1` ≠ `"1"`). */
export function valueKey(v: CodeValue): string {
  return typeof v === 'number' ? `n:${v}` : `s:${v}`;
}

/**
 * Code point comparison of strings. JS `<` compares UTF-16 code units, which orders
 * U+E000–U+FFFF after astral characters; Python / numpy sort by code point (SPEC §1).
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  const ra = a.length - i;
  const rb = b.length - j;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

/** Default category order (SPEC §1): numbers ascending, then strings by code point. */
export function compareValues(a: CodeValue, b: CodeValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareCodePoints(a, b);
}

/** Sorted distinct values, in the default order of {@link compareValues}. */
export function sortedUnique(values: Iterable<CodeValue>): CodeValue[] {
  const seen = new Map<string, CodeValue>();
  for (const v of values) seen.set(valueKey(v), v);
  return [...seen.values()].sort(compareValues);
}

/** Reads one rating; rejects non-finite numbers and non-scalar values. */
export function readValue(v: unknown): CodeValue | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new AgreementInputError('invalid_value', `non-finite value ${v}`);
    return v;
  }
  throw new AgreementInputError('invalid_value', `unsupported value ${JSON.stringify(v)}`);
}

/** Values of one unit in rater order, `null` for missing. */
export function unitRow(input: CodingInput, u: number): (CodeValue | null)[] {
  const unit = input.units[u];
  return input.raters.map((r) => readValue(unit[r]));
}

/**
 * Builds a category index from a declared list (order kept, duplicates rejected) or from the
 * sorted observed values. Throws `unknown_category` for an observed value that was not declared.
 */
export function categoryIndex(
  declared: readonly CodeValue[] | undefined | null,
  observed: Iterable<CodeValue>,
): { categories: CodeValue[]; index: Map<string, number> } {
  const obs = [...observed];
  const categories = declared ? declared.map((c) => readValue(c)!) : sortedUnique(obs);
  const index = new Map<string, number>();
  categories.forEach((c, i) => {
    const k = valueKey(c);
    if (index.has(k)) throw new AgreementInputError('invalid_params', `duplicate category ${String(c)}`);
    index.set(k, i);
  });
  for (const v of obs) {
    if (!index.has(valueKey(v))) {
      throw new AgreementInputError('unknown_category', `value ${JSON.stringify(v)} is not a declared category`);
    }
  }
  return { categories, index };
}

/** P/R/F1 with the SPEC §6a null rules; all arithmetic on the integer counts. */
export function prf(tp: number, nRef: number, nOther: number): PrfResult {
  const both = nRef + nOther;
  return {
    tp,
    fp: nOther - tp,
    fn: nRef - tp,
    precision: nOther === 0 ? null : tp / nOther,
    recall: nRef === 0 ? null : tp / nRef,
    f1: both === 0 ? null : (2 * tp) / both,
    reason: both === 0 ? 'empty_input' : null,
  };
}

/** Validates `[start, end)` (finite, start ≤ end) and returns a plain copy with its index. */
export function checkSegments(
  segs: readonly Segment[] | undefined,
  who: string,
): { start: number; end: number; label: string | null; idx: number }[] {
  return (segs ?? []).map((s, idx) => {
    const start = s.start;
    const end = s.end;
    if (typeof start !== 'number' || typeof end !== 'number' || !Number.isFinite(start) || !Number.isFinite(end)) {
      throw new AgreementInputError('invalid_segment', `${who}[${idx}] has non-numeric bounds`);
    }
    if (end < start) throw new AgreementInputError('invalid_segment', `${who}[${idx}] ends before it starts`);
    return { start, end, label: s.label ?? null, idx };
  });
}

/** The two raters of a pairwise metric, or null when there are not exactly two. */
export function twoRaters(raters: readonly string[]): [string, string] | null {
  return raters.length === 2 ? [raters[0], raters[1]] : null;
}

/**
 * Python `str.isspace()` set as a regex class body: JS `\s` minus U+FEFF plus U+001C–U+001F and
 * U+0085 (SPEC §9). Used for WER tokenisation and for token-kappa tokens (SPEC §8).
 */
// eslint-disable-next-line no-control-regex -- the control characters are the point (Python isspace)
export const PY_WS_RUN = /(?:[^\S\uFEFF]|[\x1c-\x1f\x85])+/u;
/** Maximal runs of non-whitespace (Python semantics), global, for `matchAll`. */
// eslint-disable-next-line no-control-regex -- as above
export const PY_TOKEN = /(?:[^\s\x1c-\x1f\x85]|\uFEFF)+/g;
