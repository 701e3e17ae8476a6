/** Span F1 and token κ over text with UTF-16 offsets (SPEC §8). */
import { describe, expect, it } from 'vitest';
import { spanF1, spanF1Lists, tokenize, tokenKappa, tokenLabels } from '../../../shared/agreement/index.ts';
import type { Segment, SpanInput } from '../../../shared/agreement/index.ts';
import { mulberry32, randInt } from './helpers.ts';

const sp = (start: number, end: number, label = 'E'): Segment => ({ start, end, label });

describe('span F1', () => {
  it('exact mode: identical (start, end, label), or (start, end) with label_mode ignore', () => {
    const A = [sp(0, 3, 'PER'), sp(5, 9, 'LOC'), sp(10, 12, 'ORG')];
    const B = [sp(0, 3, 'PER'), sp(5, 9, 'ORG'), sp(10, 13, 'ORG')];
    expect(spanF1Lists(A, B, { mode: 'exact' })).toMatchObject({
      tp: 1,
      fp: 2,
      fn: 2,
      precision: 1 / 3,
      recall: 1 / 3,
    });
    expect(spanF1Lists(A, B, { mode: 'exact', label_mode: 'ignore' }).tp).toBe(2);
  });

  it('overlap mode is one-to-one and maximum-cardinality (not lenient)', () => {
    // One long B span overlaps two A spans: only one of them can be matched.
    const r = spanF1Lists([sp(0, 5), sp(6, 10)], [sp(0, 10)], { mode: 'overlap' });
    expect(r).toMatchObject({ tp: 1, fn: 1, fp: 0, precision: 1, recall: 0.5 });
    // Touching spans share no character.
    expect(spanF1Lists([sp(0, 5)], [sp(5, 8)], { mode: 'overlap' }).tp).toBe(0);
    expect(spanF1Lists([sp(0, 5, 'a')], [sp(2, 8, 'b')], { mode: 'overlap' }).tp).toBe(0);
    expect(spanF1Lists([sp(0, 5, 'a')], [sp(2, 8, 'b')], { mode: 'overlap', label_mode: 'ignore' }).tp).toBe(1);
  });

  it('UTF-16 offsets: emoji before the spans count as two code units each', () => {
    const text = '😀😀 the red fox';
    const red = text.indexOf('red fox');
    expect(red).toBe(9); // code points would say 7
    expect([...text].indexOf('r')).toBe(7);
    const input: SpanInput = {
      text,
      raters: ['A', 'B'],
      annotators: { A: [sp(red, red + 7, 'ANIMAL')], B: [sp(red + 4, red + 7, 'ANIMAL')] },
    };
    expect(spanF1(input, { mode: 'overlap' }).tp).toBe(1);
    expect(spanF1(input, { mode: 'exact' }).tp).toBe(0);
  });

  it('null rules and F1 symmetry (seeded)', () => {
    expect(spanF1Lists([], [], { mode: 'exact' })).toMatchObject({ f1: null, reason: 'empty_input' });
    expect(spanF1Lists([sp(0, 1)], [], { mode: 'overlap' })).toMatchObject({ f1: 0, precision: null, recall: 0 });
    const rng = mulberry32(55);
    for (let t = 0; t < 200; t++) {
      const gen = () =>
        Array.from({ length: randInt(rng, 0, 6) }, () => {
          const s = randInt(rng, 0, 30);
          return sp(s, s + randInt(rng, 1, 6), rng() < 0.5 ? 'a' : 'b');
        });
      const A = gen();
      const B = gen();
      for (const mode of ['exact', 'overlap'] as const) {
        const ab = spanF1Lists(A, B, { mode });
        const ba = spanF1Lists(B, A, { mode });
        expect(ba.f1).toBe(ab.f1);
        expect(ba.tp).toBe(ab.tp);
      }
    }
  });
});

describe('token κ', () => {
  it('tokenises on Python whitespace with UTF-16 offsets (U+0085 and U+001C split, U+FEFF does not)', () => {
    expect(tokenize('a\u0085b\u001cc\ufeffd  e\u00a0f')).toEqual([
      { start: 0, end: 1, text: 'a' },
      { start: 2, end: 3, text: 'b' },
      { start: 4, end: 7, text: 'c\ufeffd' },
      { start: 9, end: 10, text: 'e' },
      { start: 11, end: 12, text: 'f' },
    ]);
    expect(tokenize('😀 ab')).toEqual([
      { start: 0, end: 2, text: '😀' },
      { start: 3, end: 5, text: 'ab' },
    ]);
  });

  it('largest overlap wins; ties go to the earlier span start, then the smaller label', () => {
    const toks = tokenize('abcd');
    expect(tokenLabels(toks, [sp(0, 1, 'X'), sp(1, 4, 'Y')])).toEqual(['Y']);
    expect(tokenLabels(toks, [sp(2, 4, 'Y'), sp(0, 2, 'X')])).toEqual(['X']);
    expect(tokenLabels(toks, [sp(0, 4, 'Y'), sp(0, 4, 'X')])).toEqual(['X']);
    expect(tokenLabels(toks, [])).toEqual(['O']);
  });

  it('BIO counts boundary disagreements that IO does not see', () => {
    const text = 'the red fox jumps';
    const input: SpanInput = {
      text,
      raters: ['A', 'B'],
      annotators: { A: [sp(4, 11, 'ANIMAL')], B: [sp(4, 7, 'ANIMAL'), sp(8, 11, 'ANIMAL')] },
    };
    const io = tokenKappa(input, { scheme: 'IO' });
    expect(io.kappa).toBe(1);
    const bio = tokenKappa(input, { scheme: 'BIO' });
    expect(bio.token_labels).toEqual({ A: ['O', 'B-ANIMAL', 'I-ANIMAL', 'O'], B: ['O', 'B-ANIMAL', 'B-ANIMAL', 'O'] });
    // p_o = 3/4; a = (O 2, B 1, I 1), b = (O 2, B 2) → p_e = (4 + 2)/16; κ = (3/4 − 3/8)/(5/8) = 0.6
    expect(bio.kappa).toBeCloseTo(0.6, 15);
  });

  it('emoji before the spans shift offsets by code units (surrogate pairs)', () => {
    const text = '😀😀 the red fox';
    const red = text.indexOf('red');
    const r = tokenKappa({
      text,
      raters: ['A', 'B'],
      annotators: { A: [sp(red, red + 7, 'ANIMAL')], B: [sp(red, red + 3, 'ANIMAL')] },
    });
    expect(r.token_labels.A).toEqual(['O', 'O', 'ANIMAL', 'ANIMAL']);
    expect(r.token_labels.B).toEqual(['O', 'O', 'ANIMAL', 'O']);
    expect(r.n_tokens).toBe(4);
  });

  it('reasons: identical labels → 1 or no_variation; no tokens → empty_input; 3 raters → need_two_raters', () => {
    const text = 'a b c';
    expect(tokenKappa({ text, raters: ['A', 'B'], annotators: { A: [sp(0, 1)], B: [sp(0, 1)] } }).kappa).toBe(1);
    expect(tokenKappa({ text, raters: ['A', 'B'], annotators: {} })).toMatchObject({
      kappa: null,
      reason: 'no_variation',
    });
    expect(tokenKappa({ text: '   ', raters: ['A', 'B'], annotators: {} })).toMatchObject({
      kappa: null,
      reason: 'empty_input',
      n_tokens: 0,
    });
    expect(tokenKappa({ text, raters: ['A', 'B', 'C'], annotators: {} }).reason).toBe('need_two_raters');
  });
});
