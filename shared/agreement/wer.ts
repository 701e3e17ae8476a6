/**
 * Word error rate between a reference and a hypothesis transcript (SPEC §9).
 *
 * WER = (S + D + I) / N_ref with unit-cost word Levenshtein distance. Over several aligned
 * segment pairs it is corpus-level: Σ edits / Σ reference words (not a mean of per-segment
 * WERs). Tokenisation is Python `str.split()`: runs of Python whitespace (JS `\s` minus U+FEFF,
 * plus U+001C–U+001F and U+0085). `'basic'` normalisation lowercases (`toLowerCase`, Unicode
 * default case mapping like `str.lower()`), deletes every P* character, then tokenises.
 */
import { AgreementInputError } from './reasons.ts';
import type { WithReason } from './types.ts';
import { PY_WS_RUN } from './values.ts';

export type WerNormalization = 'none' | 'basic';

export interface WerParams {
  readonly normalization?: WerNormalization;
}

export interface WerInput {
  /** One transcript, or a list of segment transcripts aligned with `hypothesis`. */
  readonly reference: string | readonly string[];
  readonly hypothesis: string | readonly string[];
}

export interface WerResult extends WithReason {
  /** null when the reference is empty but the hypothesis is not (`empty_input`). */
  wer: number | null;
  /** Total edit distance S + D + I (unique, unlike its split). */
  errors: number;
  ref_words: number;
  hyp_words: number;
  tokens: { reference: string[][]; hypothesis: string[][] };
  /** One optimal split of `errors`; informative only (ties between alignments). */
  substitutions: number;
  deletions: number;
  insertions: number;
  hits: number;
}

const PUNCT = /\p{P}/gu;

/** Normalises and tokenises one transcript. */
export function werTokens(text: string, normalization: WerNormalization = 'none'): string[] {
  let t = text;
  if (normalization === 'basic') t = t.toLowerCase().replace(PUNCT, '');
  else if (normalization !== 'none')
    throw new AgreementInputError('invalid_params', `normalization ${String(normalization)}`);
  return t.split(PY_WS_RUN).filter((w) => w.length > 0);
}

/**
 * Word-level Levenshtein alignment. Returns the distance and one S/D/I split (preferring
 * match/substitution, then deletion, then insertion when backtracking).
 */
export function wordEdits(
  ref: readonly string[],
  hyp: readonly string[],
): { errors: number; s: number; d: number; i: number; hits: number } {
  const n = ref.length;
  const m = hyp.length;
  const W = m + 1;
  const dp = new Uint32Array((n + 1) * W);
  for (let j = 0; j <= m; j++) dp[j] = j;
  for (let i = 1; i <= n; i++) {
    dp[i * W] = i;
    for (let j = 1; j <= m; j++) {
      const sub = dp[(i - 1) * W + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      const del = dp[(i - 1) * W + j] + 1;
      const ins = dp[i * W + j - 1] + 1;
      dp[i * W + j] = Math.min(sub, del, ins);
    }
  }
  let s = 0;
  let d = 0;
  let ins = 0;
  let hits = 0;
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const cur = dp[i * W + j];
    if (i > 0 && j > 0 && cur === dp[(i - 1) * W + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      if (ref[i - 1] === hyp[j - 1]) hits++;
      else s++;
      i--;
      j--;
    } else if (i > 0 && cur === dp[(i - 1) * W + j] + 1) {
      d++;
      i--;
    } else {
      ins++;
      j--;
    }
  }
  return { errors: dp[n * W + m], s, d, i: ins, hits };
}

/**
 * WER (SPEC §9). Edge cases: both empty → 0; empty reference with a non-empty hypothesis →
 * null (`empty_input`; jiwer would return the insertion count); empty hypothesis → 1.
 */
export function wer(input: WerInput, params: WerParams = {}): WerResult {
  const norm = params.normalization ?? 'none';
  const refs = typeof input.reference === 'string' ? [input.reference] : [...input.reference];
  const hyps = typeof input.hypothesis === 'string' ? [input.hypothesis] : [...input.hypothesis];
  if (refs.length !== hyps.length) {
    throw new AgreementInputError(
      'unequal_segment_lists',
      `${refs.length} reference vs ${hyps.length} hypothesis segments`,
    );
  }
  const tokens = { reference: refs.map((r) => werTokens(r, norm)), hypothesis: hyps.map((h) => werTokens(h, norm)) };
  let errors = 0;
  let refWords = 0;
  let hypWords = 0;
  let S = 0;
  let D = 0;
  let I = 0;
  let H = 0;
  tokens.reference.forEach((r, k) => {
    const h = tokens.hypothesis[k];
    const e = wordEdits(r, h);
    errors += e.errors;
    S += e.s;
    D += e.d;
    I += e.i;
    H += e.hits;
    refWords += r.length;
    hypWords += h.length;
  });
  const base = {
    errors,
    ref_words: refWords,
    hyp_words: hypWords,
    tokens,
    substitutions: S,
    deletions: D,
    insertions: I,
    hits: H,
  };
  if (refWords === 0) {
    return hypWords === 0 ? { ...base, wer: 0, reason: null } : { ...base, wer: null, reason: 'empty_input' };
  }
  return { ...base, wer: errors / refWords, reason: null };
}
