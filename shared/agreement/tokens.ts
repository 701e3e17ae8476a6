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

/** Token labels of one annotator's spans under scheme IO or BIO. */
export function tokenLabels(
  tokens: readonly Token[],
  spans: readonly Segment[],
  scheme: 'IO' | 'BIO' = 'IO',
): string[] {
  const S = checkSegments(spans, 'spans');
  const started = new Set<number>();
  // Sweep: tokens are disjoint and in text order, so a span that ends before a token's start can
  // never overlap a later token. `active` holds the spans that started before the current
  // token's end and have not ended yet; the winner rule below is order-independent (ties on
  // overlap, start and label go to the lower index, as in a scan in index order).
  const order = S.map((_, i) => i).sort((x, y) => S[x].start - S[y].start || x - y);
  let next = 0;
  const active: number[] = [];
  let sortedTokens = true;
  for (let t = 1; t < tokens.length; t++) if (tokens[t].start < tokens[t - 1].end) sortedTokens = false;
  return tokens.map((t) => {
    let candidates: readonly number[];
    if (sortedTokens) {
      while (next < order.length && S[order[next]].start < t.end) active.push(order[next++]);
      let keep = 0;
      for (let k = 0; k < active.length; k++) if (S[active[k]].end > t.start) active[keep++] = active[k];
      active.length = keep;
      candidates = active;
    } else candidates = order;
    let best = -1;
    let bestOv = 0;
    for (const i of candidates) {
      const ov = Math.min(t.end, S[i].end) - Math.max(t.start, S[i].start);
      if (ov <= 0) continue;
      if (
        best < 0 ||
        ov > bestOv ||
        (ov === bestOv &&
          (S[i].start < S[best].start ||
            (S[i].start === S[best].start &&
              (compareCodePoints(S[i].label ?? '', S[best].label ?? '') < 0 ||
                (compareCodePoints(S[i].label ?? '', S[best].label ?? '') === 0 && i < best)))))
      ) {
        best = i;
        bestOv = ov;
      }
    }
    if (best < 0) return 'O';
    const label = S[best].label ?? '';
    if (scheme === 'IO') return label;
    const prefix = started.has(best) ? 'I-' : 'B-';
    started.add(best);
    return prefix + label;
  });
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
