import { describe, expect, it } from 'vitest';
import { parseRange, type RangeResult } from '../../../server/media/range.ts';

const SIZE = 1000;
const r = (start: number, end: number): RangeResult => ({ type: 'range', start, end });
const IGNORE: RangeResult = { type: 'ignore' };
const UNSAT: RangeResult = { type: 'unsatisfiable' };

describe('parseRange (RFC 9110 §14)', () => {
  it.each<[string | undefined, RangeResult]>([
    // valid single ranges
    ['bytes=0-0', r(0, 0)],
    ['bytes=0-499', r(0, 499)],
    ['bytes=500-999', r(500, 999)],
    ['bytes=500-5000', r(500, 999)], // last-pos past the end is clamped
    ['bytes=999-999', r(999, 999)],
    ['Bytes = 10-20', r(10, 20)], // unit is case-insensitive, OWS tolerated
    // open-ended and suffix
    ['bytes=900-', r(900, 999)],
    ['bytes=0-', r(0, 999)],
    ['bytes=-100', r(900, 999)],
    ['bytes=-5000', r(0, 999)], // suffix longer than the file → whole file
    // unsatisfiable → 416
    ['bytes=1000-', UNSAT],
    ['bytes=1000-2000', UNSAT],
    ['bytes=-0', UNSAT],
    ['bytes=5000-6000, 7000-', UNSAT],
    // malformed or foreign → ignored (200, full body)
    [undefined, IGNORE],
    ['', IGNORE],
    ['bytes', IGNORE],
    ['bytes=', IGNORE],
    ['bytes=-', IGNORE],
    ['bytes=abc', IGNORE],
    ['bytes=5-1', IGNORE], // last-pos < first-pos is invalid syntax, not unsatisfiable
    ['bytes=1-2-3', IGNORE],
    ['bytes=0x10-0x20', IGNORE],
    ['bytes=+1-2', IGNORE],
    ['items=0-5', IGNORE],
    ['bytes=0-1, 5-x', IGNORE],
    // several ranges: coalesced when overlapping or close, else ignored
    ['bytes=0-99, 50-149', r(0, 149)],
    ['bytes=200-299, 0-99, 100-199', r(0, 299)],
    ['bytes=0-9, 50-59', r(0, 59)], // gap of 40 < multipart overhead
    ['bytes=0-9, 500-509', IGNORE],
    ['bytes=0-9, 5000-', r(0, 9)], // the unsatisfiable part is dropped
    ['bytes=0-9,, ,', r(0, 9)], // empty list elements are allowed
    ['bytes=-10, 0-4', IGNORE],
  ])('%j → %j', (header, expected) => {
    expect(parseRange(header, SIZE)).toEqual(expected);
  });

  it('treats any range on an empty file as unsatisfiable', () => {
    expect(parseRange('bytes=0-', 0)).toEqual(UNSAT);
    expect(parseRange('bytes=-1', 0)).toEqual(UNSAT);
  });
});
