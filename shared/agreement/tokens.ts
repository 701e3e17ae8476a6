/**
 * Token-level Cohen's κ over a text (SPEC §8).
 *
 * Tokens are maximal runs of non-whitespace, with Python's whitespace set (the reference
 * generator is Python: `\s` there is JS `\s` minus U+FEFF plus U+001C–U+001F and U+0085).
 * Offsets are UTF-16 code units, i.e. plain JS string indices: an emoji before a span shifts
 * it by 2, not 1. Each token takes the label of the span it overlaps most; ties go to the
 * earlier span start, then the smaller label (code point order); no overlap → "O".
 * Scheme IO uses the label; BIO uses `B-label` on the first token assigned to a span and
 * `I-label` on every later token assigned to the same span, so boundary disagreements count.
 */
import { AgreementInputError } from './reasons.ts';
import type { Segment, SpanInput, WithReason } from './types.ts';
import { cohenKappaFromPairs } from './cohen.ts';
import type { CohenResult } from './cohen.ts';
import { checkSegments, compareCodePoints, PY_TOKEN } from './values.ts';

export interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface TokenKappaParams {
  readonly scheme?: 'IO' | 'BIO';
  readonly tokenizer?: 'whitespace';
}

export interface TokenKappaResult extends WithReason {
  kappa: number | null;
  n_tokens: number;
  p_o: number | null;
  p_e: number | null;
  token_labels: Record<string, string[]>;
  tokens: Token[];
  detail: CohenResult | null;
}

/** Whitespace tokenisation with UTF-16 offsets. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(PY_TOKEN)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

/**
 * Python whitespace as the tokenizer sees it, per UTF-16 code unit: exactly the code units
 * `PY_TOKEN` does not match (JS `\s` minus U+FEFF, plus U+001C–U+001F and U+0085).
 */
export function isTokenSpace(c: number): boolean {
  if (c <= 0x20) return (c >= 0x09 && c <= 0x0d) || c >= 0x1c;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** The bounds of {@link tokenize}'s tokens, without the token objects. */
export function tokenOffsets(text: string): { starts: Float64Array; ends: Float64Array } {
  let starts = new Float64Array(64);
  let ends = new Float64Array(64);
  let n = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const space = i === text.length || isTokenSpace(text.charCodeAt(i));
    if (!space) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    if (n === starts.length) {
      const s2 = new Float64Array(2 * n);
      const e2 = new Float64Array(2 * n);
      s2.set(starts);
      e2.set(ends);
      starts = s2;
      ends = e2;
    }
    starts[n] = start;
    ends[n++] = i;
    start = -1;
  }
  return { starts: starts.slice(0, n), ends: ends.slice(0, n) };
}

/** Token labels of one annotator's spans under scheme IO or BIO. */
export function tokenLabels(
  tokens: readonly Token[],
  spans: readonly Segment[],
  scheme: 'IO' | 'BIO' = 'IO',
): string[] {
  const S = checkSegments(spans, 'spans');
  const winners = tokenWinners(tokens, S);
  const started = new Uint8Array(S.length);
  const out: string[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const best = winners[t];
    if (best < 0) {
      out.push('O');
      continue;
    }
    const label = S[best].label ?? '';
    if (scheme === 'IO') out.push(label);
    else {
      out.push((started[best] ? 'I-' : 'B-') + label);
      started[best] = 1;
    }
  }
  return out;
}

/**
 * The span each token takes its label from (index into `spans`, −1 for none): the span it
 * overlaps most; ties go to the earlier span start, then the smaller label (code point order),
 * then the lower index. `spans` must be valid (finite, start ≤ end; see checkSegments).
 */
export function tokenWinners(
  tokens: readonly Token[],
  spans: readonly { readonly start: number; readonly end: number; readonly label?: string | null }[],
): Int32Array {
  const ts = new Float64Array(tokens.length);
  const te = new Float64Array(tokens.length);
  for (let t = 0; t < tokens.length; t++) {
    ts[t] = tokens[t].start;
    te[t] = tokens[t].end;
  }
  const ss = new Float64Array(spans.length);
  const se = new Float64Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    ss[i] = spans[i].start;
    se[i] = spans[i].end;
  }
  return spanWinners(
    ts,
    te,
    ss,
    se,
    spans.map((s) => s.label ?? null),
  );
}

/** {@link tokenWinners} on bounds arrays: tokens `[ts, te)`, spans `[ss, se)` with labels. */
export function spanWinners(
  ts: ArrayLike<number>,
  te: ArrayLike<number>,
  ss: ArrayLike<number>,
  se: ArrayLike<number>,
  labels: readonly (string | null)[],
): Int32Array {
  const T = ts.length;
  const nS = ss.length;
  const out = new Int32Array(T).fill(-1);
  const bestOv = new Float64Array(T);
  // The winner is the maximum of the overlapping spans in a strict total order (overlap, then
  // earlier start, then smaller label, then lower index), so the spans can be offered to their
  // tokens in any order.
  const offer = (t: number, i: number): void => {
    const ov = Math.min(te[t], se[i]) - Math.max(ts[t], ss[i]);
    if (ov <= 0) return;
    const best = out[t];
    if (
      best < 0 ||
      ov > bestOv[t] ||
      (ov === bestOv[t] &&
        (ss[i] < ss[best] ||
          (ss[i] === ss[best] &&
            (compareCodePoints(labels[i] ?? '', labels[best] ?? '') < 0 ||
              (compareCodePoints(labels[i] ?? '', labels[best] ?? '') === 0 && i < best)))))
    ) {
      out[t] = i;
      bestOv[t] = ov;
    }
  };
  let sortedTokens = true;
  for (let t = 1; t < T; t++) if (ts[t] < te[t - 1]) sortedTokens = false;
  if (!sortedTokens) {
    for (let t = 0; t < T; t++) for (let i = 0; i < nS; i++) offer(t, i);
    return out;
  }
  // Tokens are disjoint and in text order, so their ends increase: each span overlaps the
  // tokens from the first one ending after its start to the last one starting before its end.
  for (let i = 0; i < nS; i++) {
    let lo = 0;
    let hi = T;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (te[mid] > ss[i]) hi = mid;
      else lo = mid + 1;
    }
    for (let t = lo; t < T && ts[t] < se[i]; t++) offer(t, i);
  }
  return out;
}

/** Token κ between `raters[0]` and `raters[1]` over `input.text`. */
export function tokenKappa(input: SpanInput, params: TokenKappaParams = {}): TokenKappaResult {
  const scheme = params.scheme ?? 'IO';
  if (scheme !== 'IO' && scheme !== 'BIO') throw new AgreementInputError('invalid_params', `scheme ${String(scheme)}`);
  if (params.tokenizer !== undefined && params.tokenizer !== 'whitespace') {
    throw new AgreementInputError('invalid_params', `tokenizer ${String(params.tokenizer)}`);
  }
  const tokens = tokenize(input.text);
  const token_labels: Record<string, string[]> = {};
  for (const r of input.raters) token_labels[r] = tokenLabels(tokens, input.annotators[r] ?? [], scheme);
  if (input.raters.length !== 2) {
    return {
      kappa: null,
      reason: 'need_two_raters',
      n_tokens: tokens.length,
      p_o: null,
      p_e: null,
      token_labels,
      tokens,
      detail: null,
    };
  }
  const [a, b] = input.raters;
  const pairs = tokens.map((_, i) => [token_labels[a][i], token_labels[b][i]] as [string, string]);
  const c = cohenKappaFromPairs(pairs);
  return {
    kappa: c.kappa,
    reason: c.reason,
    n_tokens: tokens.length,
    p_o: c.p_o,
    p_e: c.p_e,
    token_labels,
    tokens,
    detail: c,
  };
}
