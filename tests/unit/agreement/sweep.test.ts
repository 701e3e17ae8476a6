/**
 * Interval-sweep time slicing and the sweep-based candidate search of the matchers must give the
 * same results as the per-slice / all-pairs reference implementations, on every time_sliced
 * vector and on seeded random inputs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cohenKappa,
  eligiblePairs,
  maxLexMatching,
  isAgreementInputError,
  iou,
  krippendorffAlpha,
  krippendorffAlphaCoded,
  krippendorffAlphaRows,
  fleissKappa,
  fleissKappaRows,
  matchEvents,
  matchSegments,
  roundDecimals4,
  sliceRows,
  sliceRuns,
  sliceLabels,
  spanF1Lists,
  timeSliced,
  timeSlicedSweep,
  tokenize,
  tokenLabels,
  unitizingAlpha,
} from '../../../shared/agreement/index.ts';
import type {
  CodeValue,
  Segment,
  SegmentInput,
  TimeSliceParams,
  WeightedRow,
} from '../../../shared/agreement/index.ts';
import { compareExpected, mulberry32, randInt, shuffle } from './helpers.ts';

const vectorFile = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/agreement/vectors-public.json', import.meta.url)), 'utf8'),
) as {
  default_tolerance_abs: number;
  cases: { id: string; metric: string; params: TimeSliceParams; input: SegmentInput; expected: object }[];
};

function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    if (isAgreementInputError(e)) return { error: e.code };
    throw e;
  }
}

function randomSegments(rng: () => number, n: number, span: number, labels: string[], integer: boolean): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < n; i++) {
    const a = integer ? randInt(rng, 0, span) : rng() * span;
    const len = integer ? randInt(rng, 0, Math.ceil(span / 4)) : rng() * (span / 4);
    out.push({ start: a, end: a + len, label: labels[randInt(rng, 0, labels.length - 1)] });
  }
  return out;
}

/** Non-overlapping segments (gaps and touching boundaries included). */
function tiling(rng: () => number, span: number, labels: (string | null)[], integer: boolean): Segment[] {
  const out: Segment[] = [];
  let t = integer ? randInt(rng, 0, 3) : rng() * 3;
  while (t < span) {
    const len = integer ? randInt(rng, 1, 6) : 0.1 + rng() * 6;
    if (rng() < 0.7) out.push({ start: t, end: t + len, label: labels[randInt(rng, 0, labels.length - 1)] });
    t += len + (rng() < 0.5 ? 0 : integer ? randInt(rng, 0, 4) : rng() * 4);
  }
  return out;
}

describe('timeSlicedSweep equals timeSliced', () => {
  const cases = vectorFile.cases.filter((c) => c.metric === 'time_sliced');

  it.each(cases.map((c) => [c.id, c] as const))('vector %s', (_id, c) => {
    const sweep = timeSlicedSweep(c.input, c.params);
    const expected = { ...(c.expected as Record<string, unknown>) };
    delete expected.slices;
    const flat = { ...(sweep.detail as unknown as Record<string, unknown>), ...sweep, value: sweep.value };
    // Every asserted field but the per-slice label arrays (which the sweep does not build).
    expect(compareExpected(expected, flat, vectorFile.default_tolerance_abs, c.id)).toEqual([]);
  });

  it('random inputs, every coefficient and no-label mode, integer and float ticks (seeded)', () => {
    const rng = mulberry32(20240601);
    for (let iter = 0; iter < 400; iter++) {
      const integer = rng() < 0.6;
      const span = randInt(rng, 5, 60);
      const nR = randInt(rng, 1, 4);
      const raters = ['r0', 'r1', 'r2', 'r3'].slice(0, nR);
      const labels = ['a', 'b', 'c'].slice(0, randInt(rng, 1, 3));
      const annotators: Record<string, Segment[]> = {};
      for (const r of raters)
        annotators[r] =
          rng() < 0.15
            ? randomSegments(rng, randInt(rng, 0, 6), span, labels, integer)
            : tiling(rng, span, labels, integer);
      const params: TimeSliceParams = {
        resolution: integer && rng() < 0.7 ? randInt(rng, 1, 4) : 0.3 + rng() * 2,
        span: rng() < 0.5 ? null : [randInt(rng, -2, 3), span + randInt(rng, -5, 5)],
        no_label: rng() < 0.5 ? 'category' : 'exclude',
        coefficient: (['cohen_kappa', 'krippendorff_alpha_nominal', 'fleiss_kappa'] as const)[randInt(rng, 0, 2)],
      };
      const input = { raters, annotators };
      const a = outcome(() => timeSliced(input, params));
      const b = outcome(() => timeSlicedSweep(input, params));
      if ('error' in a) {
        expect(b).toEqual(a);
        continue;
      }
      if (!('ok' in b)) throw new Error(`sweep threw ${b.error}`);
      const ref = a.ok;
      const got = b.ok;
      expect(got.value).toBe(ref.value);
      expect(got.reason).toBe(ref.reason);
      expect(got.n_slices).toBe(ref.n_slices);
      expect(got.observed_agreement).toBe(ref.observed_agreement);
      const { confusion: _c1, ...refDetail } = ref.detail as unknown as Record<string, unknown>;
      const { confusion: _c2, ...gotDetail } = got.detail as unknown as Record<string, unknown>;
      expect(gotDetail).toEqual(refDetail);
    }
  });

  it('slice runs reproduce sliceLabels', () => {
    const rng = mulberry32(77);
    for (let iter = 0; iter < 300; iter++) {
      const segs = tiling(rng, 40, ['x', 'y', null], rng() < 0.5);
      const r = rng() < 0.5 ? randInt(rng, 1, 3) : 0.25 + rng();
      const t0 = rng() < 0.5 ? 0 : rng() * 3 - 1;
      const K = randInt(rng, 0, Math.ceil(45 / r));
      const labels = sliceLabels(segs, t0, r, K);
      const fromRuns = new Array<string | null>(K).fill(null);
      for (const run of sliceRuns(segs, t0, r, K)) for (let k = run.k0; k < run.k1; k++) fromRuns[k] = run.label;
      expect(fromRuns).toEqual(labels);
    }
  });

  it('weighted rows give the same α and Fleiss κ as the expanded units, in any row order', () => {
    const rng = mulberry32(5);
    for (let iter = 0; iter < 100; iter++) {
      const runs = [0, 1, 2].map(() => sliceRuns(tiling(rng, 30, ['p', 'q'], true), 0, 1, 32));
      const coded = sliceRows(runs, 32);
      const rows: WeightedRow[] = [];
      for (let r = 0; r < coded.weights.length; r++) {
        const values = [0, 1, 2].map((i) => {
          const c = coded.codes[r * coded.width + i];
          return c < 0 ? null : coded.values[c];
        });
        rows.push({ values, weight: coded.weights[r] });
      }
      const units = rows.flatMap((row) =>
        new Array<Record<string, CodeValue | null>>(row.weight).fill(
          Object.fromEntries(row.values.map((v, i) => [`r${i}`, v ?? null])),
        ),
      );
      const expanded = krippendorffAlpha({ raters: ['r0', 'r1', 'r2'], units });
      const weighted = krippendorffAlphaRows(rows);
      expect(weighted).toEqual(expanded);
      expect(krippendorffAlphaCoded(coded)).toEqual(expanded);
      // Row order does not matter for nominal α (exact integer numerator per m_u).
      expect(krippendorffAlphaRows(shuffle(rng, rows)).alpha).toBe(weighted.alpha);
      const filled = units.map((u) => Object.fromEntries(Object.entries(u).map(([k, v]) => [k, v ?? '__none__'])));
      expect(fleissKappaRows(rows.map((r) => ({ ...r, values: r.values.map((v) => v ?? '__none__') })))).toEqual(
        fleissKappa({ raters: ['r0', 'r1', 'r2'], units: filled }),
      );
    }
  });
});

/** All-pairs references of the sweep-based candidate search. */
function naiveSegmentEdges(A: Segment[], B: Segment[], theta: number, same: boolean) {
  const out: { a: number; b: number; w: number }[] = [];
  A.forEach((x, a) =>
    B.forEach((y, b) => {
      if (same && (x.label ?? null) !== (y.label ?? null)) return;
      const w = iou(x, y);
      if (w > 0 && w >= theta) out.push({ a, b, w });
    }),
  );
  return out;
}

describe('sweep candidate search equals all-pairs scanning', () => {
  it('segment matching, event matching, overlap span F1, token labels (seeded)', () => {
    const rng = mulberry32(99);
    for (let iter = 0; iter < 300; iter++) {
      const integer = rng() < 0.5;
      const labels = ['a', 'b'];
      const A =
        rng() < 0.3 ? randomSegments(rng, randInt(rng, 0, 15), 50, labels, integer) : tiling(rng, 50, labels, integer);
      const B =
        rng() < 0.3 ? randomSegments(rng, randInt(rng, 0, 15), 50, labels, integer) : tiling(rng, 50, labels, integer);
      const theta = [0, 0.1, 0.5, 0.8][randInt(rng, 0, 3)];
      const same = rng() < 0.5;
      const m = matchSegments(A, B, { iou_threshold: theta, label_mode: same ? 'same' : 'ignore' });
      // Reference: the same solver on the all-pairs edge list (same edge order → same matching).
      const edges = naiveSegmentEdges(A, B, theta, same);
      expect(eligiblePairs(A, B, theta, same ? 'same' : 'ignore')).toEqual(edges);
      expect(m.matches).toEqual(maxLexMatching(A.length, edges));

      const tol = [0.05, 0.5, 2][randInt(rng, 0, 2)];
      const ev = matchEvents(A, B, { onset_tolerance: tol, offset_ratio: null, label_mode: same ? 'same' : 'ignore' });
      for (const [a, b] of ev.matches)
        expect(roundDecimals4(Math.abs(A[a].start - B[b].start))).toBeLessThanOrEqual(tol);
      // Cardinality against a brute-force augmenting-path matching on all pairs.
      const adj = A.map((x) =>
        B.flatMap((y, j) =>
          (!same || x.label === y.label) && roundDecimals4(Math.abs(x.start - y.start)) <= tol ? [j] : [],
        ),
      );
      expect(ev.tp).toBe(bruteMatching(adj, B.length));

      const sp = spanF1Lists(A, B, { mode: 'overlap', label_mode: same ? 'same' : 'ignore' });
      const adj2 = A.map((x) =>
        B.flatMap((y, j) =>
          (!same || x.label === y.label) && Math.min(x.end, y.end) > Math.max(x.start, y.start) ? [j] : [],
        ),
      );
      expect(sp.tp).toBe(bruteMatching(adj2, B.length));
    }
  });

  it('token labels with overlapping spans and ties', () => {
    const rng = mulberry32(3);
    const text = 'aa bb cc dd ee ff gg hh ii jj kk ll mm nn oo pp';
    const tokens = tokenize(text);
    for (let iter = 0; iter < 300; iter++) {
      const spans: Segment[] = [];
      for (let i = randInt(rng, 0, 8); i > 0; i--) {
        const s = randInt(rng, 0, text.length - 1);
        spans.push({ start: s, end: s + randInt(rng, 1, 12), label: ['X', 'Y'][randInt(rng, 0, 1)] });
      }
      for (const scheme of ['IO', 'BIO'] as const)
        expect(tokenLabels(tokens, spans, scheme)).toEqual(naiveTokenLabels(tokens, spans, scheme));
    }
  });

  it('Cohen κ on slices via sweep equals the per-slice computation', () => {
    const rng = mulberry32(11);
    const a = tiling(rng, 500, ['x', 'y'], true);
    const b = tiling(rng, 500, ['x', 'y'], true);
    const K = 500;
    const la = sliceLabels(a, 0, 1, K);
    const lb = sliceLabels(b, 0, 1, K);
    const ref = cohenKappa({
      raters: ['a', 'b'],
      units: la.map((x, k) => ({ a: x ?? '__none__', b: lb[k] ?? '__none__' })),
    });
    const got = timeSlicedSweep(
      { raters: ['a', 'b'], annotators: { a, b } },
      { resolution: 1, span: [0, K], coefficient: 'cohen_kappa' },
    );
    expect(got.value).toBe(ref.kappa);
  });
});

function bruteMatching(adj: number[][], nB: number): number {
  const matchB = new Array<number>(nB).fill(-1);
  const tryA = (a: number, seen: boolean[]): boolean => {
    for (const b of adj[a]) {
      if (seen[b]) continue;
      seen[b] = true;
      if (matchB[b] === -1 || tryA(matchB[b], seen)) {
        matchB[b] = a;
        return true;
      }
    }
    return false;
  };
  let n = 0;
  for (let a = 0; a < adj.length; a++) if (tryA(a, new Array<boolean>(nB).fill(false))) n++;
  return n;
}

/** The original O(tokens × spans) token labelling (SPEC §8), kept as the reference. */
function naiveTokenLabels(tokens: { start: number; end: number }[], S: Segment[], scheme: 'IO' | 'BIO'): string[] {
  const started = new Set<number>();
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return tokens.map((t) => {
    let best = -1;
    let bestOv = 0;
    for (let i = 0; i < S.length; i++) {
      const ov = Math.min(t.end, S[i].end) - Math.max(t.start, S[i].start);
      if (ov <= 0) continue;
      if (
        best < 0 ||
        ov > bestOv ||
        (ov === bestOv &&
          (S[i].start < S[best].start ||
            (S[i].start === S[best].start && cmp(S[i].label ?? '', S[best].label ?? '') < 0)))
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

describe('unitizing α: double-precision path equals the BigInt reference', () => {
  it('random studies, small and huge tick values (seeded)', () => {
    const rng = mulberry32(424242);
    for (let iter = 0; iter < 300; iter++) {
      const huge = iter % 5 === 0;
      const scale = huge ? 2 ** 36 : 1;
      const L = randInt(rng, 10, 400);
      const nR = randInt(rng, 2, 4);
      const raters = ['a', 'b', 'c', 'd'].slice(0, nR);
      const annotators: Record<string, Segment[]> = {};
      for (const r of raters) {
        annotators[r] = [];
        for (let i = randInt(rng, 0, 8); i > 0; i--) {
          const s = randInt(rng, 0, L - 1);
          const e = Math.min(L, s + randInt(rng, 0, 60));
          annotators[r].push({ start: s * scale, end: e * scale, label: ['x', 'y', 'z'][randInt(rng, 0, 2)] });
        }
      }
      const input = { raters, annotators, continuum: { start: 0, end: L * scale } };
      const fast = unitizingAlpha(input, { overlap: 'merge' });
      const big = unitizingAlpha(input, { overlap: 'merge', arithmetic: 'bigint' });
      expect(fast).toEqual(big);
    }
  });
});

describe('time slicing by sweep: properties (seeded)', () => {
  it('symmetric in the raters; identical raters → 1 or null (no_variation); rater ids do not matter', () => {
    const rng = mulberry32(8080);
    for (let iter = 0; iter < 150; iter++) {
      const a = tiling(rng, 80, ['x', 'y', 'z'], rng() < 0.5);
      const b = tiling(rng, 80, ['x', 'y', 'z'], rng() < 0.5);
      for (const coefficient of ['cohen_kappa', 'krippendorff_alpha_nominal', 'fleiss_kappa'] as const) {
        for (const no_label of ['category', 'exclude'] as const) {
          const p = { resolution: 0.5, span: [0, 80] as [number, number], coefficient, no_label };
          const ab = timeSlicedSweep({ raters: ['a', 'b'], annotators: { a, b } }, p);
          const ba = timeSlicedSweep({ raters: ['q', 'p'], annotators: { q: b, p: a } }, p);
          expect(ba.value).toBe(ab.value);
          expect(ba.observed_agreement).toBe(ab.observed_agreement);
          const same = timeSlicedSweep({ raters: ['a', 'b'], annotators: { a, b: [...a].reverse() } }, p);
          if (same.value === null) expect(['no_variation', 'no_pairable_data', 'empty_input']).toContain(same.reason);
          else expect(same.value).toBe(1);
        }
      }
    }
  });
});
