/** SVG line paths and nearest-point lookup. */
import { describe, expect, it } from 'vitest';
import { linePath, nearestIndex } from '../../../../web/lib/charts/path.ts';
import { textWidth, truncate, wrapWords } from '../../../../web/lib/charts/text.ts';

describe('linePath', () => {
  it('draws through the points, rounded to 0.1 px', () => {
    expect(
      linePath([
        { x: 0, y: 10 },
        { x: 5.04, y: 2.26 },
        { x: 10, y: 0 },
      ]),
    ).toBe('M0 10 L5 2.3 L10 0');
  });

  it('breaks at a missing point', () => {
    expect(
      linePath([
        { x: 0, y: 0 },
        { x: 1, y: Number.NaN },
        { x: 2, y: 2 },
        { x: 3, y: 3 },
      ]),
    ).toBe('M0 0 M2 2 L3 3');
    expect(linePath([])).toBe('');
  });
});

describe('nearestIndex', () => {
  it('finds the closest value of a sorted list', () => {
    const xs = [0, 10, 20, 30];
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 14)).toBe(1);
    expect(nearestIndex(xs, 16)).toBe(2);
    expect(nearestIndex(xs, 15)).toBe(1);
    expect(nearestIndex(xs, 99)).toBe(3);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});

describe('text fitting', () => {
  it('truncates with an ellipsis', () => {
    expect(truncate('Ada Lovelace', 20)).toBe('Ada Lovelace');
    expect(truncate('Ada Lovelace', 6)).toBe('Ada L…');
    expect(truncate('abc', 1)).toBe('…');
  });

  it('wraps words on at most n lines', () => {
    expect(wrapWords('nothing to compare', 10)).toEqual(['nothing to', 'compare']);
    expect(wrapWords('no variation', 20)).toEqual(['no variation']);
    expect(wrapWords('a very long reason that does not fit', 8, 2)).toEqual(['a very', 'long re…']);
    expect(wrapWords('', 8)).toEqual([]);
  });

  it('estimates width from the font size', () => {
    expect(textWidth('abcd', 10)).toBeCloseTo(23.2);
  });
});
