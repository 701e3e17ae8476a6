/** Assignment solvers vs brute force on small random instances (seeded). */
import { describe, expect, it } from 'vitest';
import {
  maxCardinalityMatching,
  maxLexMatching,
  solveLexAssignment,
  sparseLexMatching,
} from '../../../shared/agreement/assignment.ts';
import type { WeightedEdge } from '../../../shared/agreement/assignment.ts';
import { mulberry32, randInt } from './helpers.ts';

/** All one-to-one matchings of the edge list: best (count, total weight) lexicographically. */
function bruteForce(nA: number, edges: readonly WeightedEdge[]): { count: number; weight: number } {
  const byA: WeightedEdge[][] = Array.from({ length: nA }, () => []);
  for (const e of edges) byA[e.a].push(e);
  let best = { count: 0, weight: 0 };
  const usedB = new Set<number>();
  const rec = (a: number, count: number, weight: number): void => {
    if (a === nA) {
      if (count > best.count || (count === best.count && weight > best.weight)) best = { count, weight };
      return;
    }
    rec(a + 1, count, weight); // leave a unmatched
    for (const e of byA[a]) {
      if (usedB.has(e.b)) continue;
      usedB.add(e.b);
      rec(a + 1, count + 1, weight + e.w);
      usedB.delete(e.b);
    }
  };
  rec(0, 0, 0);
  return best;
}

function randomEdges(rng: () => number, nA: number, nB: number, density: number): WeightedEdge[] {
  const edges: WeightedEdge[] = [];
  for (let a = 0; a < nA; a++) for (let b = 0; b < nB; b++) if (rng() < density) edges.push({ a, b, w: rng() });
  return edges;
}

describe('solveLexAssignment (Hungarian with lexicographic costs)', () => {
  it('solves a textbook 3×3 instance', () => {
    const C = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    const r = solveLexAssignment(
      3,
      3,
      (i, j) => C[i][j],
      () => 0,
    );
    const total = [...r].reduce((s, j, i) => s + C[i][j], 0);
    expect(total).toBe(5); // 1 + 2 + 2
    expect(new Set(r).size).toBe(3);
  });

  it('handles rectangular matrices in both orientations and empty ones', () => {
    const C = [[5, 1, 7, 3]];
    expect([
      ...solveLexAssignment(
        1,
        4,
        (i, j) => C[i][j],
        () => 0,
      ),
    ]).toEqual([1]);
    const T = [[5], [1], [7], [3]];
    expect([
      ...solveLexAssignment(
        4,
        1,
        (i, j) => T[i][j],
        () => 0,
      ),
    ]).toEqual([-1, 0, -1, -1]);
    expect(
      solveLexAssignment(
        0,
        3,
        () => 0,
        () => 0,
      ).length,
    ).toBe(0);
  });

  it('prefers the secondary cost only among equal primary costs', () => {
    // Primary: both diagonals cost −2; secondary decides the anti-diagonal.
    const hi = [
      [-1, -1],
      [-1, -1],
    ];
    const lo = [
      [-0.1, -0.5],
      [-0.5, -0.1],
    ];
    expect([
      ...solveLexAssignment(
        2,
        2,
        (i, j) => hi[i][j],
        (i, j) => lo[i][j],
      ),
    ]).toEqual([1, 0]);
    // A huge secondary gain never beats one more primary unit.
    const hi2 = [
      [-1, 0],
      [0, 0],
    ];
    const lo2 = [
      [0, -1e6],
      [-1e6, 0],
    ];
    expect([
      ...solveLexAssignment(
        2,
        2,
        (i, j) => hi2[i][j],
        (i, j) => lo2[i][j],
      ),
    ]).toEqual([0, 1]);
  });

  it('matches brute force on 300 random lexicographic instances', () => {
    const rng = mulberry32(12345);
    for (let t = 0; t < 300; t++) {
      const nA = randInt(rng, 1, 6);
      const nB = randInt(rng, 1, 6);
      const edges = randomEdges(rng, nA, nB, 0.2 + 0.6 * rng());
      const got = maxLexMatching(nA, edges);
      const bf = bruteForce(nA, edges);
      const w = new Map(edges.map((e) => [`${e.a},${e.b}`, e.w]));
      expect(got.length).toBe(bf.count);
      expect(new Set(got.map((m) => m[0])).size).toBe(got.length);
      expect(new Set(got.map((m) => m[1])).size).toBe(got.length);
      const total = got.reduce((s, [a, b]) => s + w.get(`${a},${b}`)!, 0);
      expect(total).toBeCloseTo(bf.weight, 9);
    }
  });

  it('keeps 1e-13 weight differences that a scalar −(K + w) double encoding loses', () => {
    // With K = 2^40 the scalar costs of the two perfect matchings below are identical doubles…
    const K = 2 ** 40;
    expect(K + 0.5 + (K + 0.6) === K + (0.5 + 1e-13) + (K + 0.6)).toBe(true);
    // …while lexicographic (count, IoU) pairs still see that the crossed matching is better.
    const edges: WeightedEdge[] = [
      { a: 0, b: 0, w: 0.5 },
      { a: 0, b: 1, w: 0.5 + 1e-13 },
      { a: 1, b: 0, w: 0.6 },
      { a: 1, b: 1, w: 0.6 },
    ];
    expect(maxLexMatching(2, edges)).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});

/** Dense solver on the whole instance (no component split), as a reference. */
function dense(nA: number, nB: number, edges: readonly WeightedEdge[]): { count: number; weight: number } {
  const W = new Map(edges.map((e) => [`${e.a},${e.b}`, e.w]));
  const r = solveLexAssignment(
    nA,
    nB,
    (i, j) => (W.has(`${i},${j}`) ? -1 : 0),
    (i, j) => -(W.get(`${i},${j}`) ?? 0),
  );
  let count = 0;
  let weight = 0;
  r.forEach((j, i) => {
    const w = W.get(`${i},${j}`);
    if (j >= 0 && w !== undefined) {
      count++;
      weight += w;
    }
  });
  return { count, weight };
}

function score(edges: readonly WeightedEdge[], m: [number, number][]): { count: number; weight: number } {
  const W = new Map(edges.map((e) => [`${e.a},${e.b}`, e.w]));
  expect(new Set(m.map((x) => x[0])).size).toBe(m.length);
  expect(new Set(m.map((x) => x[1])).size).toBe(m.length);
  return { count: m.length, weight: m.reduce((s, [a, b]) => s + W.get(`${a},${b}`)!, 0) };
}

describe('sparseLexMatching (successive shortest paths)', () => {
  it('matches brute force on 300 small random instances', () => {
    const rng = mulberry32(4711);
    for (let t = 0; t < 300; t++) {
      const nA = randInt(rng, 0, 6);
      const nB = randInt(rng, 0, 6);
      const edges = randomEdges(rng, nA, nB, rng());
      const got = score(edges, sparseLexMatching(nA, nB, edges));
      const bf = bruteForce(nA, edges);
      expect(got.count).toBe(bf.count);
      expect(got.weight).toBeCloseTo(bf.weight, 9);
    }
  });

  it('agrees with the dense Hungarian solver on 60 medium instances (up to 40 × 40)', () => {
    const rng = mulberry32(8);
    for (let t = 0; t < 60; t++) {
      const nA = randInt(rng, 5, 40);
      const nB = randInt(rng, 5, 40);
      const edges = randomEdges(rng, nA, nB, 0.02 + 0.3 * rng());
      const a = score(edges, sparseLexMatching(nA, nB, edges));
      const b = dense(nA, nB, edges);
      expect(a.count).toBe(b.count);
      expect(a.weight).toBeCloseTo(b.weight, 9);
      // maxLexMatching (component split + solver choice) gives the same optimum
      const c = score(edges, maxLexMatching(nA, edges));
      expect(c.count).toBe(b.count);
      expect(c.weight).toBeCloseTo(b.weight, 9);
    }
  });

  it('prefers one more pair over any weight gain', () => {
    // a0–b0 (0.99) alone vs a0–b1 (0.01) + a1–b0 (0.01): cardinality first.
    const edges = [
      { a: 0, b: 0, w: 0.99 },
      { a: 0, b: 1, w: 0.01 },
      { a: 1, b: 0, w: 0.01 },
    ];
    expect(sparseLexMatching(2, 2, edges)).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  // Speed is the agreement benchmark's business (npm run bench:agreement); the test timeout only
  // catches a blow-up on one large connected component.
  it('solves a 3000-long overlap chain (one connected component)', () => {
    const n = 3000;
    const edges: WeightedEdge[] = [];
    for (let i = 0; i < n; i++) {
      edges.push({ a: i, b: i, w: 1 / 3 });
      if (i + 1 < n) edges.push({ a: i + 1, b: i, w: 1 / 3 + ((i % 7) + 1) * 1e-3 });
    }
    const m = maxLexMatching(n, edges);
    expect(m.length).toBe(n); // the only perfect matching is the diagonal
    expect(m.every(([a, b]) => a === b)).toBe(true);
  });
});

describe('maxCardinalityMatching (Hopcroft–Karp)', () => {
  it('matches brute-force cardinality on 300 random graphs', () => {
    const rng = mulberry32(777);
    for (let t = 0; t < 300; t++) {
      const nA = randInt(rng, 0, 7);
      const nB = randInt(rng, 0, 7);
      const edges = randomEdges(rng, nA, nB, rng());
      const adj: number[][] = Array.from({ length: nA }, () => []);
      for (const e of edges) adj[e.a].push(e.b);
      const m = maxCardinalityMatching(nB, adj);
      const matched = [...m].filter((b) => b >= 0);
      expect(matched.length).toBe(
        bruteForce(
          nA,
          edges.map((e) => ({ ...e, w: 0 })),
        ).count,
      );
      expect(new Set(matched).size).toBe(matched.length);
      m.forEach((b, a) => {
        if (b >= 0) expect(adj[a]).toContain(b);
      });
    }
  });

  it('handles a long alternating chain without recursion limits', () => {
    const n = 20000;
    // a_i – b_i and a_i – b_{i+1}; greedy first choices force long augmenting paths.
    const adj = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1, i] : [i]));
    const m = maxCardinalityMatching(n, adj);
    expect([...m].filter((b) => b >= 0).length).toBe(n);
  });
});
