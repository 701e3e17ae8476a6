/** Word error rate (SPEC §9). */
import { describe, expect, it } from 'vitest';
import { wer, werTokens, wordEdits } from '../../../shared/agreement/index.ts';
import { mulberry32, pick, randInt } from './helpers.ts';

describe('WER', () => {
  it('basic normalisation: lowercase, delete P* characters, split', () => {
    expect(werTokens("It's a well-known «fact»!", 'basic')).toEqual(['its', 'a', 'wellknown', 'fact']);
    expect(werTokens("It's", 'none')).toEqual(["It's"]);
    const r = wer(
      { reference: 'So, what do you think?', hypothesis: 'so what do you thing' },
      { normalization: 'basic' },
    );
    expect(r).toMatchObject({ wer: 0.2, errors: 1, ref_words: 5, hyp_words: 5 });
  });

  it('splits on Python whitespace: tabs, NBSP, U+0085, U+001F; not on U+FEFF', () => {
    expect(werTokens('a\tb\u00a0c\u0085d\u001fe\ufefff  \n g ')).toEqual(['a', 'b', 'c', 'd', 'e\ufefff', 'g']);
  });

  it('can exceed 1 and is asymmetric', () => {
    expect(wer({ reference: 'a', hypothesis: 'b c d' })).toMatchObject({ wer: 3, errors: 3 });
    expect(wer({ reference: 'b c d', hypothesis: 'a' }).wer).toBe(1);
  });

  it('corpus-level over segments, not the mean of per-segment WERs', () => {
    const r = wer({ reference: ['a b c d', 'e'], hypothesis: ['a b c d', 'f'] });
    expect(r).toMatchObject({ errors: 1, ref_words: 5, wer: 0.2 }); // mean of segments would be 0.5
    expect(r.tokens.reference).toEqual([['a', 'b', 'c', 'd'], ['e']]);
    expect(() => wer({ reference: ['a'], hypothesis: ['a', 'b'] })).toThrow(/unequal_segment_lists/);
  });

  it('edge cases: both empty → 0, empty reference → null, empty hypothesis → 1', () => {
    expect(wer({ reference: '', hypothesis: '  ' })).toMatchObject({ wer: 0, reason: null });
    expect(wer({ reference: ' ', hypothesis: 'x y' })).toMatchObject({ wer: null, reason: 'empty_input', errors: 2 });
    expect(wer({ reference: 'x y', hypothesis: '' }).wer).toBe(1);
  });

  it('edit distance is a metric and S + D + I add up (seeded)', () => {
    const rng = mulberry32(909);
    const words = ['a', 'b', 'c'];
    const gen = () => Array.from({ length: randInt(rng, 0, 8) }, () => pick(rng, words));
    for (let t = 0; t < 200; t++) {
      const x = gen();
      const y = gen();
      const z = gen();
      const e = wordEdits(x, y);
      expect(e.s + e.d + e.i).toBe(e.errors);
      expect(e.hits + e.s + e.d).toBe(x.length);
      expect(e.hits + e.s + e.i).toBe(y.length);
      expect(wordEdits(y, x).errors).toBe(e.errors);
      expect(wordEdits(x, z).errors).toBeLessThanOrEqual(e.errors + wordEdits(y, z).errors);
      expect(wordEdits(x, x).errors).toBe(0);
      expect(e.errors).toBeGreaterThanOrEqual(Math.abs(x.length - y.length));
    }
  });
});
