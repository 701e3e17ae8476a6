/**
 * The fast paths of the agreement engine against their references, on seeded random inputs:
 *  - SliceSweep (joint-table and interval-by-interval sweeps, incremental updates) against the
 *    slice rows of `sliceRows` + `columnConfusion` + `collapseRows`;
 *  - `sliceRuns` on sorted segments against the `slicingSegments` path (results and errors);
 *  - `tokenOffsets` / `isTokenSpace` against the tokenizer regex, `spanWinners` against a scan
 *    of every span with the winner rule;
 *  - α_U's double path (per-list store, reuse of a previous rater version) against the BigInt
 *    reference and against fresh computations;
 *  - a task report computed through a cache over a sequence of edits against a fresh report.
 */
import { describe, expect, it } from 'vitest';
import {
  AgreementCache,
  collapseRows,
  columnConfusion,
  fillMissing,
  fleissKappaCoded,
  isAgreementInputError,
  krippendorffAlpha,
  krippendorffAlphaCoded,
  completeRows,
  selectColumns,
  SliceSweep,
  sliceRows,
  sliceRuns,
  slicingSegments,
  spanWinners,
  taskReport,
  tokenize,
  tokenOffsets,
  isTokenSpace,
  unitizingAlpha,
  UnitizingStore,
  UNLABELLED_UNIT,
  prepareTierLayer,
  resolveSettings,
  tierReport,
} from '../../../shared/agreement/index.ts';
import type {
  CodedRows,
  CodeValue,
  ReportLayer,
  Segment,
  SliceRun,
  SliceStatsOptions,
  TaskReportInput,
  UnitizingMemo,
} from '../../../shared/agreement/index.ts';
import type { Annotation } from '../../../shared/model/annotation.ts';
import { mulberry32, pick, randInt } from './helpers.ts';
import { ev, layer, seg, span, taxonomy, tier, timeless } from './report-fixtures.ts';

function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    if (isAgreementInputError(e)) return { error: `${e.code}: ${e.message}` };
    throw e;
  }
}

/** Disjoint sorted runs over [0, K) with labels from `labels`. */
function randomRuns(rng: () => number, K: number, labels: readonly string[]): SliceRun[] {
  const out: SliceRun[] = [];
  let k = randInt(rng, 0, 5);
  while (k < K) {
    const len = randInt(rng, 1, 12);
    const k1 = Math.min(K, k + len);
    out.push({ k0: k, k1, label: pick(rng, labels) });
    k = k1 + (rng() < 0.4 ? 0 : randInt(rng, 1, 8));
  }
  return out;
}

/** Rows of a coded table as sorted `codes…:weight` strings (value names, order-free). */
function rowMultiset(rows: CodedRows): string[] {
  const out: string[] = [];
  for (let r = 0; r < rows.weights.length; r++) {
    if (rows.weights[r] === 0) continue;
    const vals: string[] = [];
    for (let i = 0; i < rows.width; i++) {
      const c = rows.codes[r * rows.width + i];
      vals.push(c < 0 ? '∅' : String(rows.values[c]));
    }
    out.push(`${vals.sort().join(',')}:${rows.weights[r]}`);
  }
  return out.sort();
}

/** Collapsed rows merged by multiset (the reference keeps one row per multiset already). */
function mergedMultiset(rows: CodedRows): string[] {
  const sums = new Map<string, number>();
  for (const line of rowMultiset(rows)) {
    const at = line.lastIndexOf(':');
    sums.set(line.slice(0, at), (sums.get(line.slice(0, at)) ?? 0) + Number(line.slice(at + 1)));
  }
  return [...sums].map(([k, w]) => `${k}:${w}`).sort();
}

describe('SliceSweep against the slice rows', () => {
  const reference = (runs: readonly (readonly SliceRun[])[], K: number, options: SliceStatsOptions) => {
    const raw = sliceRows(runs, K);
    const rows = options.fill === null ? raw : fillMissing(raw, options.fill);
    return {
      confusions: options.pairs.map(([x, y]) => columnConfusion(rows, x, y)),
      collapsed: options.collapse ? collapseRows(selectColumns(rows, options.collapse)) : null,
    };
  };

  const check = (runs: readonly (readonly SliceRun[])[], K: number, options: SliceStatsOptions, sweep: SliceSweep) => {
    const want = reference(runs, K, options);
    const got = sweep.update(runs).stats();
    expect(got.confusions).toEqual(want.confusions);
    if (!want.collapsed) return expect(got.collapsed).toBeNull();
    expect(mergedMultiset(got.collapsed!)).toEqual(mergedMultiset(want.collapsed));
    // The coefficients on the collapsed rows are exactly equal (integer sums).
    const a = krippendorffAlphaCoded(got.collapsed!, { level: 'nominal' });
    const b = krippendorffAlphaCoded(want.collapsed, { level: 'nominal' });
    expect([a.alpha, a.D_o, a.D_e, a.reason]).toEqual([b.alpha, b.D_o, b.D_e, b.reason]);
    const f = fleissKappaCoded(completeRows(got.collapsed!));
    const g = fleissKappaCoded(completeRows(want.collapsed));
    expect([f.kappa, f.reason]).toEqual([g.kappa, g.reason]);
  };

  it('matches on random columns and stays exact through incremental updates (joint table and direct sweep)', () => {
    const rng = mulberry32(4711);
    for (let t = 0; t < 60; t++) {
      // Up to 9 columns and 7 labels: the joint table of (V + 1)^R cells is too large for the
      // wider cases, which take the interval-by-interval path.
      const R = randInt(rng, 1, t % 3 === 0 ? 9 : 5);
      const labels = ['a', 'b', 'c', 'd', '__none__', 'e', 'f'].slice(0, randInt(rng, 1, 7));
      const K = randInt(rng, 0, 300);
      const runs = Array.from({ length: R }, () => randomRuns(rng, K, labels));
      const pairs: [number, number][] = [];
      for (let i = 0; i < R; i++) for (let j = 0; j < R; j++) if (i !== j && rng() < 0.5) pairs.push([i, j]);
      const options: SliceStatsOptions = {
        fill: rng() < 0.6 ? '__none__' : null,
        pairs,
        collapse: rng() < 0.8 ? Array.from({ length: R }, (_, i) => i).filter(() => rng() < 0.8) : null,
      };
      const sweep = new SliceSweep(K, options);
      check(runs, K, options, sweep);
      for (let e = 0; e < 12; e++) {
        // Edit one or two columns: a local change, a relabel, a new label, or all new runs.
        for (const c of [randInt(rng, 0, R - 1), ...(rng() < 0.2 ? [randInt(rng, 0, R - 1)] : [])]) {
          const next = runs[c].map((r) => ({ ...r }));
          const mode = rng();
          if (next.length > 0 && mode < 0.4) {
            const p = randInt(rng, 0, next.length - 1);
            const limit = p + 1 < next.length ? next[p + 1].k0 : K;
            next[p].k1 = randInt(rng, next[p].k0 + 1, Math.max(next[p].k0 + 1, limit));
          } else if (next.length > 0 && mode < 0.7) next[randInt(rng, 0, next.length - 1)].label = pick(rng, labels);
          else if (next.length > 0 && mode < 0.8) next[randInt(rng, 0, next.length - 1)].label = `new${e}`;
          else runs[c] = randomRuns(rng, K, labels);
          if (mode < 0.8) runs[c] = next;
        }
        check(runs, K, options, sweep);
      }
    }
  });
});

describe('sliceRuns on sorted input', () => {
  const viaSlicingSegments = (segs: Segment[], r: number, K: number) =>
    outcome(() => {
      const out: SliceRun[] = [];
      // reference: slicingSegments + the midpoint rule, as sliceLabels
      for (const s of slicingSegments(segs, 'x')) {
        let k0 = 0;
        while (k0 < K && (k0 + 0.5) * r < s.start) k0++;
        let k1 = k0;
        while (k1 < K && (k1 + 0.5) * r < s.end) k1++;
        if (k1 > k0) out.push({ k0, k1, label: s.label ?? UNLABELLED_UNIT });
      }
      return out;
    });

  it('gives the runs and the errors of the general path', () => {
    const rng = mulberry32(99);
    for (let t = 0; t < 300; t++) {
      const segs: Segment[] = [];
      let x = rng() * 3;
      const n = randInt(rng, 0, 12);
      for (let i = 0; i < n; i++) {
        const len = rng() < 0.1 ? 0 : rng() * 4;
        segs.push({ start: x, end: x + len, label: rng() < 0.15 ? null : pick(rng, ['p', 'q']) });
        x += rng() < 0.3 ? -rng() * 2 : rng() * 3; // sometimes overlapping or out of order
      }
      if (rng() < 0.05 && segs.length > 0) segs[0] = { ...segs[0], end: Number.NaN };
      const r = pick(rng, [0.5, 1, 0.3]);
      const K = Math.ceil(40 / r);
      const got = outcome(() => sliceRuns(segs, 0, r, K, 'x').map((u) => ({ ...u, k0: u.k0 + 0, k1: u.k1 + 0 })));
      expect(got).toEqual(viaSlicingSegments(segs, r, K));
    }
  });
});

describe('token bounds and winners', () => {
  it('isTokenSpace is exactly the complement of the tokenizer regex on every UTF-16 code unit', () => {
    // eslint-disable-next-line no-control-regex -- PY_TOKEN's character class, the reference
    const token = /(?:[^\s\x1c-\x1f\x85]|\uFEFF)/;
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c++) if (isTokenSpace(c) === token.test(String.fromCharCode(c))) wrong.push(c);
    expect(wrong).toEqual([]);
  });

  it('tokenOffsets gives the bounds of tokenize', () => {
    const rng = mulberry32(7);
    const alphabet = [
      'a',
      'é',
      ' ',
      '\n',
      '\t',
      '\u00a0',
      '\u2003',
      '\ufeff',
      '\u0085',
      '\u001c',
      '😀',
      '\u3000',
      '\u200b',
    ];
    for (let t = 0; t < 2000; t++) {
      const text = Array.from({ length: randInt(rng, 0, 20) }, () => pick(rng, alphabet)).join('');
      const o = tokenOffsets(text);
      expect(Array.from(o.starts, (s, i) => [s, o.ends[i]])).toEqual(tokenize(text).map((k) => [k.start, k.end]));
    }
  });

  /** The rule of SPEC §8 by brute force: most overlap, then earlier start, smaller label, lower index. */
  const bruteWinners = (tokens: [number, number][], spans: { start: number; end: number; label: string | null }[]) =>
    tokens.map(([ts, te]) => {
      let best = -1;
      let bestOv = 0;
      spans.forEach((s, i) => {
        const ov = Math.min(te, s.end) - Math.max(ts, s.start);
        if (ov <= 0) return;
        const b = spans[best];
        const la = [...(s.label ?? '')].map((ch) => ch.codePointAt(0)!);
        const lb = best < 0 ? [] : [...(b.label ?? '')].map((ch) => ch.codePointAt(0)!);
        const cmp = (() => {
          for (let k = 0; k < Math.min(la.length, lb.length); k++) if (la[k] !== lb[k]) return la[k] - lb[k];
          return la.length - lb.length;
        })();
        if (best < 0 || ov > bestOv || (ov === bestOv && (s.start < b.start || (s.start === b.start && cmp < 0)))) {
          best = i;
          bestOv = ov;
        }
      });
      return best;
    });

  it('spanWinners follows the winner rule for overlapping, tied and unsorted spans', () => {
    const rng = mulberry32(31337);
    for (let t = 0; t < 400; t++) {
      const tokens: [number, number][] = [];
      let x = 0;
      for (let i = 0; i < randInt(rng, 0, 15); i++) {
        x += randInt(rng, 0, 2);
        const len = randInt(rng, 1, 5);
        tokens.push([x, x + len]);
        x += len;
      }
      const spans = Array.from({ length: randInt(rng, 0, 8) }, () => {
        const s = randInt(rng, 0, x + 2);
        return { start: s, end: s + randInt(rng, 0, 8), label: pick(rng, ['a', 'b', 'é', '😀', '\uffff', null]) };
      });
      const got = spanWinners(
        Float64Array.from(tokens, (k) => k[0]),
        Float64Array.from(tokens, (k) => k[1]),
        Float64Array.from(spans, (s) => s.start),
        Float64Array.from(spans, (s) => s.end),
        spans.map((s) => s.label),
      );
      expect(Array.from(got)).toEqual(bruteWinners(tokens, spans));
    }
  });
});

describe('unitizing α: double path, per-list store and previous versions', () => {
  const randomRater = (rng: () => number, L: number, labels: string[]): Segment[] => {
    const out: Segment[] = [];
    for (const label of labels) {
      let pos = randInt(rng, 0, 10);
      while (pos < L - 2 && rng() < 0.85) {
        const len = randInt(rng, 0, 30);
        if (pos + len > L) break;
        out.push({ start: pos, end: pos + len, label: rng() < 0.1 ? null : label });
        pos += len + randInt(rng, 0, 25);
      }
    }
    return out;
  };
  const fields = (r: ReturnType<typeof unitizingAlpha>) => JSON.stringify(r);

  it('equals the BigInt reference exactly, also with a store reused across calls', () => {
    const rng = mulberry32(2718);
    for (let t = 0; t < 120; t++) {
      const L = randInt(rng, 20, 5000);
      const raters = Array.from({ length: randInt(rng, 2, 5) }, (_, i) => `r${i}`);
      const labels = ['a', 'b', 'c'].slice(0, randInt(rng, 1, 3));
      const annotators = Object.fromEntries(raters.map((r) => [r, randomRater(rng, L, labels)]));
      const input = { raters, annotators, continuum: { start: 0, end: L } };
      const fast = unitizingAlpha(input, { overlap: 'merge' });
      expect(fields(fast)).toBe(fields(unitizingAlpha(input, { overlap: 'merge', arithmetic: 'bigint' })));
      const store = new UnitizingStore(0, L);
      const memo: UnitizingMemo = { rater: (_i, make) => make(), store };
      expect(fields(unitizingAlpha(input, { overlap: 'merge', memo }))).toBe(fields(fast));
      expect(fields(unitizingAlpha(input, { overlap: 'merge', memo }))).toBe(fields(fast));
    }
  });

  it('reusing a previous rater version gives the result of a fresh computation after each edit', () => {
    const rng = mulberry32(1618);
    for (let t = 0; t < 40; t++) {
      const L = randInt(rng, 200, 3000);
      const raters = Array.from({ length: randInt(rng, 2, 5) }, (_, i) => `r${i}`);
      const labels = ['a', 'b', 'c'];
      const annotators = Object.fromEntries(raters.map((r) => [r, randomRater(rng, L, labels)]));
      const store = new UnitizingStore(0, L);
      let current = new Map<number, unknown>();
      let previous = new Map<number, unknown>();
      for (let e = 0; e < 15; e++) {
        const i = randInt(rng, 0, raters.length - 1);
        const segs = annotators[raters[i]].map((s) => ({ ...s }));
        if (segs.length > 0 && rng() < 0.7) {
          const k = randInt(rng, 0, segs.length - 1);
          if (rng() < 0.5) segs[k].label = pick(rng, labels);
          else segs[k].end = Math.max(segs[k].start, Math.min(L, segs[k].end + randInt(rng, -5, 5)));
          annotators[raters[i]] = segs;
        } else annotators[raters[i]] = randomRater(rng, L, labels);
        previous = new Map([[i, current.get(i)]]);
        current.delete(i);
        const memo: UnitizingMemo = {
          rater: <T>(r: number, make: () => T): T => {
            if (!current.has(r)) current.set(r, make());
            return current.get(r) as T;
          },
          previous: <T>(r: number) => previous.get(r) as T | undefined,
          store,
        };
        const input = { raters, annotators, continuum: { start: 0, end: L } };
        expect(fields(unitizingAlpha(input, { overlap: 'merge', memo }))).toBe(
          fields(unitizingAlpha(input, { overlap: 'merge', arithmetic: 'bigint' })),
        );
      }
      current = new Map();
    }
  });

  it('refuses a store of another continuum', () => {
    const input = { raters: ['a', 'b'], annotators: { a: [], b: [] }, continuum: { start: 0, end: 10 } };
    expect(() =>
      unitizingAlpha(input, { memo: { rater: (_i, make) => make(), store: new UnitizingStore(0, 11) } }),
    ).toThrow(/another continuum/);
  });
});

describe('task report through a cache over edits', () => {
  const TEXT = 'the cat sat on the mat and the dog ate the hat while it rained on the plain again';
  const WORDS = TEXT.split(' ');
  const TIERS = [
    tier('seg', 'segment', ['x', 'y', 'z'], ['speaker', 'loudness']),
    tier('ev', 'event', ['x', 'y']),
    tier('ent', 'span', ['x', 'y', 'z']),
  ];

  function randomAnnotations(rng: () => number): Annotation[] {
    const out: Annotation[] = [];
    let t = rng() * 2;
    while (t < 30) {
      const len = 0.05 + rng() * 3;
      const text = rng() < 0.5 ? Array.from({ length: randInt(rng, 0, 4) }, () => pick(rng, WORDS)).join(' ') : '';
      const attrs: Record<string, string | number> = {};
      if (rng() < 0.8) attrs.speaker = pick(rng, ['s1', 's2', 's3']);
      if (rng() < 0.5) attrs.loudness = randInt(rng, 0, 10);
      const s = seg('seg', t, t + len, rng() < 0.1 ? null : pick(rng, ['x', 'y', 'z']), attrs, text);
      out.push(s);
      if (text.length > 3 && rng() < 0.5) out.push(span('ent', 0, randInt(rng, 1, 3), 'x', { textAnnotationId: s.id }));
      if (rng() < 0.01) out.push(seg('seg', t + 0.1, t + len + 1, pick(rng, ['x', 'y']))); // overlaps
      if (rng() < 0.6) out.push(ev('ev', t + rng() * 0.2, pick(rng, ['x', 'y'])));
      t += len + rng() * 1.5;
    }
    let w = 0;
    let offset = 0;
    while (w < WORDS.length - 3) {
      const n = randInt(rng, 1, 3);
      const start = offset;
      const end = start + WORDS.slice(w, w + n).join(' ').length;
      if (rng() < 0.7)
        out.push(span('ent', start, end, rng() < 0.1 ? null : pick(rng, ['x', 'y', 'z']), { mediaId: 'txt' }));
      for (let k = 0; k < n + 1; k++) offset += WORDS[w + k].length + 1;
      w += n + 1;
    }
    return out;
  }

  /** A small edit: move a boundary, relabel, delete, add, or change an attribute. */
  function edit(rng: () => number, list: readonly Annotation[]): Annotation[] {
    const out = list.slice();
    const k = randInt(rng, 0, out.length - 1);
    const a = out[k];
    const r = rng();
    if (r < 0.1) out.splice(k, 1);
    else if (r < 0.2) out.push(seg('seg', rng() * 30, 31, pick(rng, ['x', 'y']), { speaker: 's2' }));
    else if (a.kind === 'segment' && r < 0.55) out[k] = { ...a, end: Math.max(a.start + 0.01, a.end + (rng() - 0.5)) };
    else if (a.kind === 'segment' && r < 0.7) out[k] = { ...a, attributes: { ...a.attributes, speaker: 's3' } };
    else if (a.kind === 'span' && r < 0.6) out[k] = { ...a, endOffset: a.startOffset + randInt(rng, 1, 9) };
    else out[k] = { ...a, label: pick(rng, ['x', 'y', 'z', null]) };
    return out;
  }

  it('equals a fresh report after every edit (segments, events, spans; gold; settings)', () => {
    const rng = mulberry32(8086);
    for (let t = 0; t < 12; t++) {
      const users = ['A', 'B', 'C', 'D', 'E'].slice(0, randInt(rng, 1, 5));
      const layers: ReportLayer[] = users.map((u) => layer(u, randomAnnotations(rng)));
      if (rng() < 0.4) layers.push(layer('G', randomAnnotations(rng), 'gold'));
      const settings = resolveSettings({
        ...(rng() < 0.3 ? { resolution: { unit: 'ms' as const, ms: 10 } } : {}),
        ...(rng() < 0.3 ? { noLabel: 'exclude' as const } : {}),
        ...(rng() < 0.3 ? { tokenScheme: 'BIO' as const } : {}),
        ...(rng() < 0.3 ? { spanMode: 'overlap' as const } : {}),
        ...(rng() < 0.3 ? { matching: 'greedy' as const, iouThreshold: 0.3 } : {}),
      });
      const mediaDuration = rng() < 0.5 ? 35 : null;
      // As the live service does: one prepared layer per (tier, layer), replaced when it changes.
      const prepare = (l: ReportLayer) =>
        TIERS.map((tr) => {
          const byId = new Map(l.annotations.map((a) => [a.id, a]));
          return prepareTierLayer(tr, l, l.annotations, (id) => byId.get(id));
        });
      const prepared = layers.map(prepare);
      const cache = new AgreementCache();
      for (let e = 0; e < 12; e++) {
        TIERS.forEach((tr, k) => {
          const context = {
            tier: tr,
            taxonomy: taxonomy(['x', 'y', 'z']),
            settings,
            mediaDuration,
            texts: { txt: TEXT },
          };
          const layersOfTier = prepared.map((p) => p[k]);
          expect(tierReport(context, layersOfTier, cache)).toEqual(tierReport(context, layersOfTier));
        });
        const i = randInt(rng, 0, layers.length - 1);
        layers[i] = { ...layers[i], annotations: edit(rng, layers[i].annotations) };
        prepared[i] = prepare(layers[i]);
      }
    }
  });

  it('taskReport with a reused cache equals a fresh report', () => {
    const rng = mulberry32(6502);
    for (let t = 0; t < 4; t++) {
      let layers: ReportLayer[] = ['A', 'B', 'C'].map((u) => layer(u, randomAnnotations(rng)));
      const cache = new AgreementCache();
      for (let e = 0; e < 4; e++) {
        const input: TaskReportInput = {
          tiers: TIERS,
          taxonomy: taxonomy(['x', 'y', 'z']),
          texts: { txt: TEXT },
          computedAt: 1,
          layers,
        };
        expect(timeless(taskReport(input, cache))).toEqual(timeless(taskReport(input)));
        layers = layers.map((l, j) => (j === e % 3 ? { ...l, annotations: edit(rng, l.annotations) } : l));
      }
    }
  });

  it('pair attribute α (nominal fast path) equals Krippendorff α of the matched values', () => {
    const speakers = ['s1', 's2', 's3'];
    const rng = mulberry32(5);
    const a: Annotation[] = [];
    const b: Annotation[] = [];
    const pairs: Record<string, CodeValue | null>[] = [];
    for (let i = 0; i < 40; i++) {
      const x = pick(rng, speakers);
      const y = rng() < 0.7 ? x : pick(rng, speakers);
      a.push(seg('seg', i, i + 0.8, 'x', { speaker: x }));
      b.push(seg('seg', i, i + 0.8, 'x', { speaker: y }));
      pairs.push({ A: x, B: y });
    }
    const r = taskReport({ tiers: [TIERS[0]], taxonomy: taxonomy(['x']), layers: [layer('A', a), layer('B', b)] });
    const want = krippendorffAlpha({ raters: ['A', 'B'], units: pairs }, { level: 'nominal' });
    expect(r.tiers[0].pairs[0].attributes.speaker).toEqual({ value: want.alpha, reason: null });
  });
});
