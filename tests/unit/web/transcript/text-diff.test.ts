/** Text diffing into splices, caret transforms and the OT rebase of text deltas. */
import { describe, expect, it } from 'vitest';
import {
  applyDelta,
  deltaToSplices,
  diffSplice,
  normalizeDelta,
  spliceToDelta,
  transformDelta,
  transformPosition,
  transformSelection,
} from '../../../../web/lib/transcript/text-diff.ts';
import type { Delta } from '../../../../web/lib/transcript/text-diff.ts';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('diffSplice', () => {
  it('finds the one changed region', () => {
    expect(diffSplice('hello world', 'hello brave world', 12)).toEqual({ index: 6, remove: 0, insert: 'brave ' });
    expect(diffSplice('hello world', 'hello', 5)).toEqual({ index: 5, remove: 6, insert: '' });
    expect(diffSplice('the cat sat', 'the dog sat', 7)).toEqual({ index: 4, remove: 3, insert: 'dog' });
    expect(diffSplice('', 'abc', 3)).toEqual({ index: 0, remove: 0, insert: 'abc' });
    expect(diffSplice('same', 'same', 2)).toBeNull();
  });

  it('uses the caret to place an edit among repeated characters', () => {
    // Typing "a" into "aa": at the start, in the middle, at the end.
    expect(diffSplice('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
    expect(diffSplice('aa', 'aaa', 2)).toEqual({ index: 1, remove: 0, insert: 'a' });
    expect(diffSplice('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' });
    // Backspace of the first "l" of "hello" (caret ends at 2).
    expect(diffSplice('hello', 'helo', 2)).toEqual({ index: 2, remove: 1, insert: '' });
    // Without a caret the prefix wins.
    expect(diffSplice('aa', 'aaa')).toEqual({ index: 2, remove: 0, insert: 'a' });
  });

  it('never splits a surrogate pair', () => {
    // 😀 = \uD83D\uDE00, 😃 = \uD83D\uDE03: same high surrogate.
    const s = diffSplice('a😀b', 'a😃b', 3)!;
    expect(s).toEqual({ index: 1, remove: 2, insert: '😃' });
    const t = diffSplice('x😀', 'x', 1)!;
    expect(t).toEqual({ index: 1, remove: 2, insert: '' });
    // 👍 = \uD83D\uDC4D and 👎 = \uD83D\uDC4E share the high surrogate; the low one differs.
    expect(diffSplice('👍👎', '👎', 0)).toEqual({ index: 0, remove: 2, insert: '' });
  });

  it('reproduces the new text for random edits at any caret', () => {
    const r = rng(7);
    const alphabet = [...'ab a😀'];
    const rand = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const old = rand(Math.floor(r() * 8));
      const at = Math.floor(r() * (old.length + 1));
      const cut = Math.floor(r() * (old.length - at + 1));
      const ins = rand(Math.floor(r() * 3));
      const next = old.slice(0, at) + ins + old.slice(at + cut);
      const s = diffSplice(old, next, at + ins.length);
      expect(s === null ? old : applyDelta(old, spliceToDelta(s))).toBe(next);
      // Never larger than the real edit, but for keeping surrogate pairs whole at either end.
      if (s !== null) expect(s.remove + s.insert.length).toBeLessThanOrEqual(cut + ins.length + 4);
    }
  });
});

describe('deltas', () => {
  it('converts splices, Y deltas and back', () => {
    expect(spliceToDelta({ index: 3, remove: 2, insert: 'xy' })).toEqual([
      { retain: 3 },
      { delete: 2 },
      { insert: 'xy' },
    ]);
    expect(spliceToDelta({ index: 0, remove: 0, insert: 'a' })).toEqual([{ insert: 'a' }]);
    expect(
      normalizeDelta([
        { retain: 2 },
        { insert: 'x', attributes: { bold: true } } as never,
        { insert: {} },
        { delete: 1 },
      ]),
    ).toEqual([{ retain: 2 }, { insert: 'x' }, { delete: 1 }]);
    expect(deltaToSplices([{ retain: 2 }, { delete: 1 }, { insert: 'ab' }, { retain: 3 }, { insert: 'z' }])).toEqual([
      { index: 2, remove: 1, insert: 'ab' },
      { index: 7, remove: 0, insert: 'z' },
    ]);
    expect(applyDelta('hello world', [{ retain: 6 }, { delete: 5 }, { insert: 'there' }])).toBe('hello there');
  });
});

describe('transformPosition / transformSelection', () => {
  const ins = (at: number, s: string): Delta => [...(at > 0 ? [{ retain: at }] : []), { insert: s }];
  const del = (at: number, n: number): Delta => [...(at > 0 ? [{ retain: at }] : []), { delete: n }];

  it('moves a caret past text inserted before it, not after it', () => {
    expect(transformPosition(5, ins(0, 'abc'))).toBe(8);
    expect(transformPosition(5, ins(7, 'abc'))).toBe(5);
    // At the caret: it stays before a peer's insertion (no letter-by-letter interleaving)...
    expect(transformPosition(5, ins(5, 'abc'))).toBe(5);
    // ...unless asked to stick right.
    expect(transformPosition(5, ins(5, 'abc'), 'right')).toBe(8);
  });

  it('pulls a caret back over deletions before it and to the start of a deletion around it', () => {
    expect(transformPosition(5, del(0, 2))).toBe(3);
    expect(transformPosition(5, del(3, 10))).toBe(3);
    expect(transformPosition(5, del(5, 2))).toBe(5);
    expect(transformPosition(5, del(6, 2))).toBe(5);
  });

  it('follows multi-part deltas', () => {
    const d: Delta = [{ insert: 'XX' }, { retain: 2 }, { delete: 2 }, { insert: 'Y' }];
    // "abcdef" → "XXabYef"
    expect(applyDelta('abcdef', d)).toBe('XXabYef');
    expect(transformPosition(5, d)).toBe(6); // before "f"
    expect(transformPosition(4, d)).toBe(4); // before "e": "cd" deleted, stays before the "Y" inserted there
    expect(transformPosition(1, d)).toBe(3);
    expect(transformPosition(6, d)).toBe(7);
  });

  it('keeps a selection on its text; a range does not grow at its edges', () => {
    expect(transformSelection({ start: 2, end: 6 }, ins(0, 'ab'))).toEqual({ start: 4, end: 8 });
    expect(transformSelection({ start: 2, end: 6 }, ins(2, 'ab'))).toEqual({ start: 4, end: 8 });
    expect(transformSelection({ start: 2, end: 6 }, ins(6, 'ab'))).toEqual({ start: 2, end: 6 });
    expect(transformSelection({ start: 2, end: 6 }, ins(4, 'ab'))).toEqual({ start: 2, end: 8 });
    expect(transformSelection({ start: 2, end: 6 }, del(1, 8))).toEqual({ start: 1, end: 1 });
    expect(transformSelection({ start: 4, end: 4 }, ins(4, 'zz'))).toEqual({ start: 4, end: 4 });
  });
});

describe('transformDelta', () => {
  it('rebases an insertion over a concurrent deletion and insertion', () => {
    const base = 'hello world';
    const a: Delta = [{ retain: 11 }, { insert: '!' }];
    const b: Delta = [{ delete: 6 }];
    expect(applyDelta(applyDelta(base, b), transformDelta(a, b))).toBe('world!');
    const c: Delta = [{ retain: 5 }, { insert: ',' }];
    const d: Delta = [{ retain: 5 }, { insert: ' there' }];
    expect(applyDelta(applyDelta(base, d), transformDelta(c, d, true))).toBe('hello there, world');
    expect(applyDelta(applyDelta(base, d), transformDelta(c, d, false))).toBe('hello, there world');
  });

  it('does not delete twice what both deleted', () => {
    const base = 'abcdef';
    const a: Delta = [{ retain: 1 }, { delete: 3 }];
    const b: Delta = [{ retain: 2 }, { delete: 3 }];
    expect(applyDelta(applyDelta(base, b), transformDelta(a, b))).toBe('af');
  });

  it('converges for random concurrent splices (TP1)', () => {
    const r = rng(42);
    const randSplice = (len: number): Delta => {
      const at = Math.floor(r() * (len + 1));
      const cut = Math.floor(r() * (len - at + 1));
      const text = r() < 0.7 ? 'xyz'.slice(0, 1 + Math.floor(r() * 3)) : '';
      return spliceToDelta({ index: at, remove: cut, insert: text });
    };
    for (let i = 0; i < 3000; i++) {
      const base = 'abcdefgh'.slice(0, Math.floor(r() * 9));
      const a = randSplice(base.length);
      const b = randSplice(base.length);
      const ab = applyDelta(applyDelta(base, a), transformDelta(b, a, false));
      const ba = applyDelta(applyDelta(base, b), transformDelta(a, b, true));
      expect(ab).toBe(ba);
    }
  });
});
