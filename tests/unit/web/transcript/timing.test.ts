/** Word segmentation, word-time interpolation and the segment under the playhead. */
import { describe, expect, it } from 'vitest';
import {
  offsetAtTime,
  seekTimeAt,
  segmentIndexAt,
  timeAtOffset,
  wordIndexAt,
  wordIndexAtTime,
  words,
} from '../../../../web/lib/transcript/timing.ts';

const slice = (text: string) => words(text).map((w) => text.slice(w.start, w.end));

describe('words', () => {
  it('finds words, not spaces or punctuation', () => {
    expect(slice('Hello, world!  How are you?')).toEqual(['Hello', 'world', 'How', 'are', 'you']);
    expect(slice("it's 42")).toEqual(["it's", '42']);
    expect(slice('')).toEqual([]);
    expect(slice(' … ')).toEqual([]);
  });

  it('reports UTF-16 offsets (after an emoji, offsets count two units for it)', () => {
    expect(words('😀 hi')).toEqual([{ start: 3, end: 5 }]);
  });
});

describe('word at a caret offset', () => {
  const ws = words('one two  three');
  it('is the word containing it, or the one ending there', () => {
    expect(wordIndexAt(ws, 0)).toBe(0);
    expect(wordIndexAt(ws, 2)).toBe(0);
    expect(wordIndexAt(ws, 3)).toBe(0); // just after "one"
    expect(wordIndexAt(ws, 4)).toBe(1);
    expect(wordIndexAt(ws, 8)).toBe(-1); // the second of two spaces
    expect(wordIndexAt(ws, 14)).toBe(2);
    expect(wordIndexAt([], 0)).toBe(-1);
  });
});

describe('time interpolation by character position', () => {
  const seg = { start: 10, end: 20, text: 'abcdefghij' }; // 10 characters over 10 s

  it('maps offsets to times linearly and back', () => {
    expect(timeAtOffset(seg, 0)).toBe(10);
    expect(timeAtOffset(seg, 5)).toBe(15);
    expect(timeAtOffset(seg, 10)).toBe(20);
    expect(timeAtOffset(seg, 99)).toBe(20);
    expect(offsetAtTime(seg, 12.5)).toBe(2.5);
    expect(offsetAtTime(seg, 0)).toBe(0);
    expect(timeAtOffset({ start: 3, end: 4, text: '' }, 2)).toBe(3);
  });

  it('seeks to the start of the clicked word', () => {
    const s = { start: 0, end: 12, text: 'hello big world!' }; // 16 units → 0.75 s each
    const ws = words(s.text);
    expect(seekTimeAt(s, ws, 7)).toBe(6 * 0.75); // inside "big" → its start, offset 6
    expect(seekTimeAt(s, ws, 15)).toBe(10 * 0.75); // just after "world"
    expect(seekTimeAt(s, ws, 5)).toBe(0); // caret right after "hello"
    expect(seekTimeAt({ ...s, text: '  ' }, [], 1)).toBeNull();
  });

  it('tells which word is spoken at a time (the previous one in a gap)', () => {
    const s = { start: 0, end: 10, text: 'aa bb   cc' };
    const ws = words(s.text);
    expect(wordIndexAtTime(s, ws, 0)).toBe(0);
    expect(wordIndexAtTime(s, ws, 3.5)).toBe(1);
    expect(wordIndexAtTime(s, ws, 6)).toBe(1); // in the spaces after "bb"
    expect(wordIndexAtTime(s, ws, 9)).toBe(2);
    expect(wordIndexAtTime(s, ws, 10)).toBe(-1);
    expect(wordIndexAtTime(s, ws, -1)).toBe(-1);
  });
});

describe('segment under the playhead', () => {
  const segs = [
    { start: 0, end: 2 },
    { start: 2, end: 5 },
    { start: 6, end: 10 },
    { start: 7, end: 8 },
  ];
  it('finds the latest-starting running segment, -1 in gaps', () => {
    expect(segmentIndexAt(segs, 0)).toBe(0);
    expect(segmentIndexAt(segs, 2)).toBe(1);
    expect(segmentIndexAt(segs, 5.5)).toBe(-1);
    expect(segmentIndexAt(segs, 7.5)).toBe(3);
    expect(segmentIndexAt(segs, 9)).toBe(2); // the overlapping one ended, the long one runs on
    expect(segmentIndexAt(segs, -1)).toBe(-1);
    expect(segmentIndexAt(segs, 11)).toBe(-1);
    expect(segmentIndexAt([], 1)).toBe(-1);
  });
});
