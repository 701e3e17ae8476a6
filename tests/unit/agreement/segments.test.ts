/** Segment matching by IoU (SPEC §6a) and tolerance event matching (SPEC §6b). */
import { describe, expect, it } from 'vitest';
import {
  iou,
  matchEvents,
  matchSegments,
  maxCardinalityMatching,
  roundDecimals4,
  segmentMatchF1,
} from '../../../shared/agreement/index.ts';
import type { Segment } from '../../../shared/agreement/index.ts';
import { mulberry32, randInt, shuffle } from './helpers.ts';

const S = (start: number, end: number, label = 'x'): Segment => ({ start, end, label });

describe('IoU', () => {
  it('uses the real union, and touching or disjoint segments have IoU 0', () => {
    expect(iou(S(0, 4), S(2, 4))).toBe(0.5);
    expect(iou(S(0, 2), S(2, 4))).toBe(0);
    expect(iou(S(0, 1), S(5, 6))).toBe(0);
    expect(iou(S(0, 10), S(2, 11))).toBeCloseTo(8 / 11, 15);
  });
});

describe('segment matching', () => {
  it('threshold is inclusive (exact 0.5), touching segments never match even at θ = 0', () => {
    expect(matchSegments([S(0, 4)], [S(2, 4)], { iou_threshold: 0.5 }).tp).toBe(1);
    expect(matchSegments([S(0, 4)], [S(2, 4)], { iou_threshold: 0.50001 }).tp).toBe(0);
    expect(matchSegments([S(0, 2)], [S(2, 4)], { iou_threshold: 0 }).tp).toBe(0);
  });

  it('optimal maximises the number of matches where greedy strands a segment', () => {
    const A = [S(0, 10), S(10, 12)];
    const B = [S(2, 11), S(0, 1)];
    const g = matchSegments(A, B, { iou_threshold: 0.05, matching: 'greedy' });
    const o = matchSegments(A, B, { iou_threshold: 0.05 });
    expect(g).toMatchObject({ tp: 1, matches: [[0, 0]] });
    expect(o).toMatchObject({
      tp: 2,
      fp: 0,
      fn: 0,
      f1: 1,
      matches: [
        [0, 1],
        [1, 0],
      ],
    });
    expect(o.mean_iou).toBeCloseTo(0.1, 15);
    expect(o.onset_mae).toBe(4); // (|0−0| + |10−2|) / 2
    expect(o.offset_mae).toBe(5); // (|10−1| + |12−11|) / 2
  });

  it('among maximum matchings picks the larger total IoU', () => {
    // a0 can take b0 (IoU 0.9) or b1 (0.5); a1 can only take b1 (0.2) → {a0b0, a1b1}.
    const A = [S(0, 10), S(20, 30)];
    const B = [S(0, 9), S(5, 25)];
    const r = matchSegments(A, B, { iou_threshold: 0.1 });
    expect(r.matches).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('label modes', () => {
    expect(matchSegments([S(0, 4, 'a')], [S(0, 4, 'b')]).tp).toBe(0);
    expect(matchSegments([S(0, 4, 'a')], [S(0, 4, 'b')], { label_mode: 'ignore' }).tp).toBe(1);
  });

  it('null rules: P null when the other side is empty, R null when the reference is, F1 null when both are', () => {
    expect(matchSegments([], [])).toMatchObject({
      tp: 0,
      precision: null,
      recall: null,
      f1: null,
      mean_iou: null,
      reason: 'empty_input',
    });
    expect(matchSegments([S(0, 1)], [])).toMatchObject({ precision: null, recall: 0, f1: 0, fn: 1, reason: null });
    expect(matchSegments([], [S(0, 1)])).toMatchObject({ precision: 0, recall: null, f1: 0, fp: 1 });
    expect(segmentMatchF1({ raters: ['a'], annotators: {} }).reason).toBe('need_two_raters');
  });

  it('rejects invalid segments', () => {
    expect(() => matchSegments([S(5, 1)], [])).toThrow(/invalid_segment/);
  });
});

describe('segment matching: properties (seeded)', () => {
  const rng = mulberry32(1234);
  const tier = (): Segment[] => {
    const out: Segment[] = [];
    let pos = randInt(rng, 0, 5);
    const n = randInt(rng, 0, 8);
    for (let i = 0; i < n; i++) {
      const len = randInt(rng, 1, 12);
      out.push(S(pos, pos + len, rng() < 0.7 ? 'x' : 'y'));
      pos += len + randInt(rng, 0, 4);
    }
    return out;
  };

  it('F1 symmetric, P/R swap; optimal tp is maximum and ≥ greedy; order-invariant; identical → perfect', () => {
    for (let t = 0; t < 300; t++) {
      const A = tier();
      const B = tier();
      const theta = [0, 0.1, 0.3, 0.5][randInt(rng, 0, 3)];
      const label_mode = rng() < 0.5 ? 'same' : 'ignore';
      const p = { iou_threshold: theta, label_mode } as const;
      const ab = matchSegments(A, B, p);
      const ba = matchSegments(B, A, p);
      expect(ba.tp).toBe(ab.tp);
      expect(ba.f1).toBe(ab.f1);
      expect(ba.precision).toBe(ab.recall);
      if (ab.mean_iou !== null) expect(ba.mean_iou).toBeCloseTo(ab.mean_iou, 12);
      // maximum cardinality (Hopcroft–Karp on the same eligible graph)
      const adj = A.map((a) =>
        B.flatMap((b, j) =>
          (label_mode === 'ignore' || a.label === b.label) && iou(a, b) > 0 && iou(a, b) >= theta ? [j] : [],
        ),
      );
      expect(ab.tp).toBe([...maxCardinalityMatching(B.length, adj)].filter((x) => x >= 0).length);
      const g = matchSegments(A, B, { ...p, matching: 'greedy' });
      expect(g.tp).toBeLessThanOrEqual(ab.tp);
      const perm = shuffle(
        rng,
        A.map((_, i) => i),
      );
      const pm = matchSegments(
        perm.map((i) => A[i]),
        B,
        p,
      );
      expect(pm.tp).toBe(ab.tp);
      if (ab.mean_iou !== null) expect(pm.mean_iou).toBeCloseTo(ab.mean_iou, 12);
      const self = matchSegments(A, A, p);
      expect(self.tp).toBe(A.length);
      if (A.length > 0) expect(self).toMatchObject({ f1: 1, mean_iou: 1, onset_mae: 0, offset_mae: 0 });
    }
  });
});

describe('event matching (mir_eval criterion)', () => {
  const A = [S(0, 4, 'speech'), S(5, 6, 'laugh')];
  const B = [S(1, 4, 'speech'), S(5.5, 6.5, 'laugh'), S(8, 9, 'speech')];

  it('onset-only matching with labels', () => {
    const r = matchEvents(A, B, {
      onset_tolerance: 0.5,
      offset_ratio: null,
      offset_min_tolerance: 0.05,
      label_mode: 'same',
    });
    expect(r).toMatchObject({ tp: 1, precision: 1 / 3, recall: 0.5 });
    expect(r.f1).toBeCloseTo(0.4, 15);
    expect(matchEvents(A, B, { onset_tolerance: 1, offset_ratio: null }).tp).toBe(2);
  });

  it('rounds distances to 4 decimals before comparing (numpy around, half to even)', () => {
    // 1.3 − 1.25 = 0.050000000000000044 in doubles, which rounds to 0.05 ≤ 0.05
    expect(matchEvents([S(1.25, 2)], [S(1.3, 2)], { onset_tolerance: 0.05, offset_ratio: null }).tp).toBe(1);
    expect(roundDecimals4(0.00025)).toBe(0.0002); // 2.5 → 2
    expect(roundDecimals4(0.00035)).toBeCloseTo(0.0004, 15);
    expect(roundDecimals4(0.123456)).toBe(0.1235);
  });

  it('offset criterion uses the reference duration (asymmetric)', () => {
    const p = { onset_tolerance: 0.05, offset_ratio: 0.2, offset_min_tolerance: 0.05 };
    expect(matchEvents([S(0, 1)], [S(0, 0.8)], p).tp).toBe(1); // |Δ| 0.2 ≤ 0.2·1
    expect(matchEvents([S(0, 0.8)], [S(0, 1)], p).tp).toBe(0); // |Δ| 0.2 > 0.2·0.8
    expect(matchEvents([S(0, 0.1)], [S(0, 0.15)], p).tp).toBe(1); // min tolerance 0.05
  });

  it('maximum cardinality, not greedy, and the §6a null rules', () => {
    const p = { onset_tolerance: 0.5, offset_ratio: null, label_mode: 'ignore' as const };
    // ref0 is close to both, ref1 only to est0: a maximum matching uses both.
    expect(matchEvents([S(1, 2), S(0.6, 2)], [S(1.05, 2), S(1.4, 2)], p).tp).toBe(2);
    expect(matchEvents([], [], p)).toMatchObject({ f1: null, reason: 'empty_input' });
    expect(matchEvents([S(0, 1)], [], p)).toMatchObject({ precision: null, recall: 0, f1: 0 });
  });
});
