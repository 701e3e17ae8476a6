/**
 * Task report on small hand-computed cases (values derived independently in the comments), plus
 * gold, diagnostics, settings, project aggregation and redaction.
 */
import { describe, expect, it } from 'vitest';
import {
  AgreementCache,
  DEFAULT_AGREEMENT_SETTINGS,
  NO_MATCH,
  bucketDrift,
  isAgreementInputError,
  pairMatrix,
  projectReport,
  redactReport,
  resolveSettings,
  secondsToTicks,
  taskReport,
  unitizingAlpha,
} from '../../../shared/agreement/index.ts';
import type { TaskReport, TierReport } from '../../../shared/agreement/index.ts';
import { ev, input, layer, seg, span, taxonomy, tier } from './report-fixtures.ts';

const close = (x: number | null | undefined, y: number): void => {
  expect(x).not.toBeNull();
  expect(Math.abs((x as number) - y)).toBeLessThan(1e-12);
};

/** 1-second ticks over [0, 10): slice k is sampled at k + 0.5 s. */
const SECONDS = { unit: 'ms', ms: 1000 } as const;

// A: x x x x · · y y y y     B: x x x x x · x x x x     (· = no label)
function segmentCase(): TierReport {
  const T = tier('seg', 'segment', ['x', 'y'], ['speaker']);
  const r = taskReport(
    input({
      tiers: [T],
      resolution: SECONDS,
      mediaDuration: 10,
      layers: [
        layer('A', [seg('seg', 0, 4, 'x', { speaker: 's1' }), seg('seg', 6, 10, 'y', { speaker: 's2' })]),
        layer('B', [seg('seg', 0, 5, 'x', { speaker: 's1' }), seg('seg', 6, 10, 'x', { speaker: 's1' })]),
      ],
    }),
  );
  return r.tiers[0];
}

describe('segment tier: hand-computed figures', () => {
  const t = segmentCase();
  const p = t.pairs[0];

  it('time slices: Cohen κ = 0.12/0.62, α = 16/206, Fleiss = Scott π = 6/206', () => {
    // Pairs over 10 slices: (x,x)×4 (·,x)×1 (·,·)×1 (y,x)×4 → p_o = 0.5,
    // p_e = (4·9 + 2·1 + 4·0)/100 = 0.38, κ = 0.12/0.62.
    expect(t.summary.slices).toBe(10);
    close(p.sliceKappa!.value, 0.12 / 0.62);
    close(p.sliceAgreement, 0.5);
    // Pooled values x 13, · 3, y 4 (n = 20); 5 disagreeing units: D_o = 10/20,
    // D_e = (400 − 194)/380 → α = 1 − 0.5·380/206 = 16/206.
    close(t.summary.sliceAlpha!.value, 16 / 206);
    close(t.summary.sliceFleiss!.value, 6 / 206);
    expect(t.headline).toEqual({ metric: 'slice_alpha', value: t.summary.sliceAlpha!.value, reason: null });
    expect(p.headline).toEqual(p.sliceKappa);
  });

  it('one-vs-rest slice α of x: −8/182', () => {
    // x vs rest: (1,1)×4 (0,1)×5 (0,0)×1 → n₁ = 13, n₀ = 7, D_o = 0.5, D_e = 182/380.
    const x = t.labels.find((l) => l.label === 'x')!;
    close(x.sliceAlpha!.value, 1 - (0.5 * 380) / 182);
    expect(x.counts).toEqual({ A: 1, B: 2 });
    expect(x.total).toBe(3);
  });

  it('segment matching: label-aware F1 = 0.5, label-blind F1 = 1 with IoU 0.8 and 1', () => {
    expect(p.match).toMatchObject({ tp: 1, fp: 1, fn: 1, f1: 0.5, meanIou: 0.8, onsetError: 0, offsetError: 1 });
    expect(p.boundaryMatch).toMatchObject({ tp: 2, fp: 0, fn: 0, f1: 1, onsetError: 0, offsetError: 0.5 });
    close(p.boundaryMatch.meanIou, 0.9);
    expect(p.labelDisagreements).toBe(1);
    expect(p.boundaryDisagreements).toBe(0);
    expect(p.perLabel).toEqual({ x: { a: 1, b: 2, tp: 1, f1: 2 / 3 }, y: { a: 1, b: 0, tp: 0, f1: 0 } });
    expect(t.summary.meanF1).toBe(0.5);
    expect(t.summary.meanBoundaryF1).toBe(1);
  });

  it('confusion of the label-blind matching, unmatched as ∅', () => {
    expect(p.confusion).toEqual({
      labels: ['x', 'y', NO_MATCH],
      counts: [
        [1, 0, 0],
        [1, 0, 0],
        [0, 0, 0],
      ],
    });
    // pooled over pairs in both directions: symmetric
    expect(t.confusion.counts).toEqual([
      [2, 1, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('attribute and label α over matched segments: 0 (one disagreement among {s1,s1},{s2,s1})', () => {
    // values s1 ×3, s2 ×1: D_o = 2/4, D_e = (16 − 10)/12 = 0.5 → α = 0.
    expect(p.attributes.speaker).toEqual({ value: 0, reason: null });
    expect(t.attributes).toEqual([
      { attributeId: 'speaker', level: 'nominal', alpha: { value: 0, reason: null }, units: 2 },
    ]);
    expect(t.summary.labelAlpha).toEqual({ value: 0, reason: null });
  });

  it('αU equals unitizingAlpha on the same ticks over [0, 10)', () => {
    const u = unitizingAlpha(
      {
        raters: ['A', 'B'],
        continuum: { start: 0, end: 10 },
        annotators: {
          A: [
            { start: 0, end: 4, label: 'x' },
            { start: 6, end: 10, label: 'y' },
          ],
          B: [
            { start: 0, end: 5, label: 'x' },
            { start: 6, end: 10, label: 'x' },
          ],
        },
      },
      { overlap: 'merge' },
    );
    expect(t.summary.unitizingAlpha).toEqual({ value: u.alpha, reason: null });
    expect(t.labels.find((l) => l.label === 'y')!.unitizingAlpha).toEqual({
      value: u.per_label.y.alpha,
      reason: u.per_label.y.reason,
    });
  });

  it('per annotator and diagnostics: y is never used by B', () => {
    expect(t.annotators.map((a) => [a.userId, a.units, a.labels, a.meanVsOthers.value])).toEqual([
      ['A', 2, { x: 1, y: 1 }, p.sliceKappa!.value],
      ['B', 2, { x: 2 }, p.sliceKappa!.value],
    ]);
    const codes = t.diagnostics.map((d) => d.code);
    expect(codes).toContain('label_unused_by_annotator');
    expect(codes).toContain('too_few_units');
    expect(t.diagnostics.find((d) => d.code === 'label_unused_by_annotator')).toMatchObject({
      label: 'y',
      users: ['B'],
    });
    expect(codes).not.toContain('boundary_dominated');
  });
});

describe('event tier', () => {
  it('tolerance matching: F1 1/3 with labels, 2/3 without', () => {
    const T = tier('ev', 'event', ['x', 'y']);
    const r = taskReport(
      input({
        tiers: [T],
        settings: { eventToleranceSeconds: 0.1 },
        layers: [
          layer('A', [ev('ev', 1, 'x'), ev('ev', 2, 'y'), ev('ev', 5, 'x')]),
          layer('B', [ev('ev', 1.05, 'x'), ev('ev', 2.3, 'y'), ev('ev', 5, 'y')]),
        ],
      }),
    );
    const t = r.tiers[0];
    expect(t.pairs[0].match).toMatchObject({ tp: 1, f1: 1 / 3 });
    expect(t.pairs[0].boundaryMatch).toMatchObject({ tp: 2, f1: 2 / 3 });
    expect(t.headline).toEqual({ metric: 'mean_f1', value: 1 / 3, reason: null });
    expect(t.pairs[0].labelDisagreements).toBe(1);
    expect(t.pairs[0].boundaryDisagreements).toBe(2);
  });
});

describe('span tier on a text media file', () => {
  // Alice(0-5) met(6-9) Bob(10-13) in(14-16) Paris(17-22) today(23-28)
  const text = 'Alice met Bob in Paris today';
  const T = tier('ent', 'span', ['per', 'org', 'loc']);
  const m = { mediaId: 'doc' };
  const build = (extra: Partial<Parameters<typeof input>[0]> = {}) =>
    taskReport(
      input({
        tiers: [T],
        taxonomy: taxonomy(['per', 'org', 'loc']),
        texts: { doc: text },
        layers: [
          layer('A', [span('ent', 0, 5, 'per', m), span('ent', 10, 13, 'per', m), span('ent', 17, 22, 'loc', m)]),
          layer('B', [span('ent', 0, 5, 'per', m), span('ent', 10, 13, 'org', m), span('ent', 17, 28, 'loc', m)]),
        ],
        ...extra,
      }),
    ).tiers[0];

  it('exact span F1 1/3, overlap label-blind F1 1, token κ 14/26, token α 0.56', () => {
    const t = build();
    const p = t.pairs[0];
    expect(p.match).toMatchObject({ tp: 1, f1: 1 / 3 });
    expect(p.boundaryMatch).toMatchObject({ tp: 3, f1: 1 });
    // tokens A: per O per O loc O / B: per O org O loc loc → p_o = 4/6, p_e = 10/36.
    close(p.tokenKappa!.value, 14 / 26);
    // values per 3, O 5, org 1, loc 3 (n = 12), 2 disagreeing units → α = 1 − (4/12)/(100/132).
    close(t.summary.tokenAlpha!.value, 0.56);
    expect(t.summary.tokens).toBe(6);
    expect(t.headline.metric).toBe('token_alpha');
    expect(p.headline).toEqual(p.tokenKappa);
  });

  it('overlap mode for the headline span F1', () => {
    const t = build({ settings: { spanMode: 'overlap' } });
    expect(t.pairs[0].match).toMatchObject({ tp: 2, f1: 2 / 3 });
  });

  it('spans on segment transcripts are compared per (time range, text); unresolved ones reported', () => {
    const tiers = [tier('tr', 'segment', []), T];
    const sA = seg('tr', 0, 3, null, {}, text);
    const sB = seg('tr', 0, 3, null, {}, text);
    const r = taskReport(
      input({
        tiers,
        taxonomy: taxonomy(['per', 'org', 'loc']),
        layers: [
          layer('A', [sA, span('ent', 0, 5, 'per', { textAnnotationId: sA.id })]),
          layer('B', [
            sB,
            span('ent', 0, 5, 'per', { textAnnotationId: sB.id }),
            span('ent', 6, 9, 'per', { textAnnotationId: 'missing' }),
          ]),
        ],
      }),
    );
    const t = r.tiers[1];
    expect(t.pairs[0].match).toMatchObject({ tp: 1, f1: 1 });
    expect(t.pairs[0].tokenKappa).toEqual({ value: 1, reason: null }); // per O O O O O on both sides
    expect(t.diagnostics.find((d) => d.code === 'unresolved_span_text')).toMatchObject({ data: { spans: 1 } });
  });
});

describe('gold, transcripts, tiers without metrics', () => {
  it('each annotator against gold, gold as reference; gold stays out of multi-annotator figures', () => {
    const T = tier('seg', 'segment', ['x', 'y']);
    const A = [seg('seg', 0, 4, 'x'), seg('seg', 6, 10, 'y')];
    const B = [seg('seg', 0, 5, 'x'), seg('seg', 6, 10, 'x')];
    const G = [seg('seg', 0, 4, 'x'), seg('seg', 6, 10, 'y')];
    const base = input({ tiers: [T], resolution: SECONDS, mediaDuration: 10, layers: [layer('A', A), layer('B', B)] });
    const withGold = taskReport({ ...base, layers: [...base.layers, layer('G', G, 'gold')] });
    const without = taskReport(base);
    const t = withGold.tiers[0];
    expect(t.gold).toBe('G');
    expect(t.vsGold.map((p) => [p.a, p.b, p.headline.value])).toEqual([
      ['G', 'A', 1],
      ['G', 'B', without.tiers[0].pairs[0].sliceKappa!.value],
    ]);
    expect(t.vsGold[1].match).toMatchObject({ precision: 0.5, recall: 0.5 });
    expect(t.summary.sliceAlpha).toEqual(without.tiers[0].summary.sliceAlpha);
    expect(t.annotators.map((a) => a.vsGold?.value)).toEqual([1, t.vsGold[1].headline.value]);
    expect(withGold.gold).toBe('G');
    expect(withGold.annotatorSummary.find((a) => a.userId === 'A')!.vsGold).toEqual({ value: 1, reason: null });
  });

  it('WER on label-blind matched segments, both directions (corpus level, basic normalisation)', () => {
    const T = tier('tr', 'segment', []);
    const r = taskReport(
      input({
        tiers: [T],
        layers: [
          layer('A', [seg('tr', 0, 2, null, {}, 'Hello there, world'), seg('tr', 3, 5, null, {}, 'good morning')]),
          layer('B', [seg('tr', 0, 2, null, {}, 'hello world'), seg('tr', 3, 5, null, {}, 'good evening all')]),
        ],
      }),
    );
    const p = r.tiers[0].pairs[0];
    // A→B: (1 deletion) + (1 substitution + 1 insertion) = 3 over 5 reference words.
    expect(p.wer!.ab).toEqual({ value: 3 / 5, reason: null });
    // B→A: (1 insertion) + (1 substitution + 1 deletion) = 3 over 5.
    expect(p.wer!.ba).toEqual({ value: 3 / 5, reason: null });
    expect(r.tiers[0].summary.meanWer).toBe(3 / 5);
  });

  it('box tiers: headline null with unsupported_variant and a diagnostic', () => {
    const r = taskReport(input({ tiers: [tier('b', 'box', [])], layers: [layer('A', []), layer('B', [])] }));
    expect(r.tiers[0].headline).toEqual({ metric: 'none', value: null, reason: 'unsupported_variant' });
    expect(r.tiers[0].diagnostics.map((d) => d.code)).toEqual(['unsupported_tier_kind']);
    expect(r.headline).toEqual({ value: null, reason: 'unsupported_variant' });
  });

  it('single annotator: null figures with need_two_raters and a diagnostic', () => {
    const r = taskReport(input({ tiers: [tier('s', 'segment', ['x'])], layers: [layer('A', [seg('s', 0, 1, 'x')])] }));
    const t = r.tiers[0];
    expect(t.headline).toMatchObject({ value: null, reason: 'need_two_raters' });
    expect(t.summary.unitizingAlpha!.reason).toBe('need_two_raters');
    expect(t.annotators[0].meanVsOthers).toEqual({ value: null, reason: 'need_two_raters' });
    expect(t.diagnostics.map((d) => d.code)).toContain('single_annotator');
  });

  it('overlapping segments with different labels: slice figures null for that annotator only', () => {
    const T = tier('s', 'segment', ['x', 'y']);
    const r = taskReport(
      input({
        tiers: [T],
        layers: [
          layer('A', [seg('s', 0, 2, 'x'), seg('s', 1, 3, 'y')]),
          layer('B', [seg('s', 0, 2, 'x'), seg('s', 2, 3, 'y')]),
          layer('C', [seg('s', 0, 2, 'x'), seg('s', 2, 3, 'y')]),
        ],
      }),
    );
    const t = r.tiers[0];
    expect(t.summary.sliceAlpha).toEqual({ value: null, reason: 'overlapping_segments' });
    expect(t.pairs.find((p) => p.a === 'B' && p.b === 'C')!.sliceKappa).toEqual({ value: 1, reason: null });
    expect(t.pairs.find((p) => p.a === 'A' && p.b === 'B')!.sliceKappa!.reason).toBe('overlapping_segments');
    expect(t.summary.unitizingAlpha!.value).not.toBeNull();
    expect(t.diagnostics.find((d) => d.code === 'overlapping_segments')).toMatchObject({ users: ['A'] });
  });

  it('skewed label distribution and boundary-dominated disagreement', () => {
    const T = tier('s', 'segment', ['x', 'y']);
    const many = (off: number) => Array.from({ length: 20 }, (_, i) => seg('s', i * 10 + off, i * 10 + 5 + off, 'x'));
    const r = taskReport(
      input({
        tiers: [T],
        layers: [layer('A', [...many(0), seg('s', 300, 301, 'y')]), layer('B', [...many(3), seg('s', 300, 301, 'y')])],
      }),
    );
    const codes = r.tiers[0].diagnostics.map((d) => d.code);
    expect(codes).toContain('skewed_label_distribution');
    expect(codes).toContain('boundary_dominated');
  });
});

describe('settings, ticks and matrices', () => {
  it('defaults, overrides, validation', () => {
    expect(resolveSettings()).toEqual(DEFAULT_AGREEMENT_SETTINGS);
    const fr = { unit: 'frame', fps: { num: 30000, den: 1001 } } as const;
    expect(resolveSettings({ iouThreshold: 0.3 }, fr)).toMatchObject({ iouThreshold: 0.3, resolution: fr });
    for (const bad of [{ iouThreshold: 2 }, { sliceTicks: 0.5 }, { resolution: { unit: 'ms', ms: 0 } as const }]) {
      let err: unknown;
      try {
        resolveSettings(bad);
      } catch (e) {
        err = e;
      }
      expect(isAgreementInputError(err) && err.code).toBe('invalid_params');
    }
  });

  it('seconds to ticks: nearest ms, nearest frame boundary with rational rates', () => {
    expect(secondsToTicks(0.3, { unit: 'ms', ms: 1 })).toBe(300);
    expect(secondsToTicks(1.234, { unit: 'ms', ms: 10 })).toBe(123);
    // frame 1 of NTSC starts at 1001/30000 s = 33.3667 ms
    expect(secondsToTicks(1001 / 30000, { unit: 'frame', fps: { num: 30000, den: 1001 } })).toBe(1);
    expect(secondsToTicks(3600, { unit: 'frame', fps: { num: 25, den: 1 } })).toBe(90000);
  });

  it('frame resolution: slices are frames', () => {
    const T = tier('s', 'segment', ['x']);
    const r = taskReport(
      input({
        tiers: [T],
        resolution: { unit: 'frame', fps: { num: 25, den: 1 } },
        mediaDuration: 2,
        layers: [layer('A', [seg('s', 0, 1, 'x')]), layer('B', [seg('s', 0, 1.2, 'x')])],
      }),
    );
    expect(r.tiers[0].summary.slices).toBe(50);
    expect(r.settings.resolution).toEqual({ unit: 'frame', fps: { num: 25, den: 1 } });
    // 25 + 5 + 20 slices: (x,x) 25, (·,x) 5, (·,·) 20
    expect(r.tiers[0].pairs[0].sliceAgreement).toBe(45 / 50);
  });

  it('pairMatrix lays a pairwise figure out as a rater × rater matrix', () => {
    const t = taskReport(
      input({
        tiers: [tier('s', 'segment', ['x'])],
        layers: ['A', 'B', 'C'].map((u, i) => layer(u, [seg('s', 0, 1 + i * 0.1, 'x')])),
      }),
    ).tiers[0];
    const m = pairMatrix(t, (p) => p.boundaryMatch.meanIou ?? null);
    expect(m.raters).toEqual(['A', 'B', 'C']);
    expect(m.values[0][0]).toBeNull();
    expect(m.values[0][1]).toBe(m.values[1][0]);
    close(m.values[0][2], 1 / 1.2);
    const precision = pairMatrix(
      t,
      (p) => p.boundaryMatch.precision,
      (p) => p.boundaryMatch.recall,
    );
    expect(precision.values[1][0]).toBe(t.pairs[0].boundaryMatch.recall);
  });

  it('a cache reuses pair results across reports', () => {
    const cache = new AgreementCache();
    const inp = input({
      tiers: [tier('s', 'segment', ['x'])],
      layers: ['A', 'B', 'C'].map((u) => layer(u, [seg('s', 0, 1, 'x')])),
    });
    taskReport(inp, cache);
    expect(cache.pairComputations).toBe(3);
  });
});

describe('project report and redaction', () => {
  const make = (taskId: string, at: number, shift: number, relabel = false): TaskReport =>
    taskReport(
      input({
        taskId,
        projectId: 'P',
        computedAt: at,
        tiers: [tier('s', 'segment', ['x', 'y'])],
        layers: [
          layer('A', [seg('s', 0, 4, 'x'), seg('s', 5, 9, 'y')]),
          layer('B', [seg('s', 0, 4 + shift, 'x'), seg('s', 5, 9, 'y')]),
          layer('C', [seg('s', 0, 4, 'x'), seg('s', 5, 9, relabel ? 'x' : 'y')]),
        ],
      }),
    );

  it('aggregates the latest report per task; the series keeps every report', () => {
    const r1 = make('t1', 1000, 1);
    const r1b = make('t1', 2000, 0);
    const r2 = make('t2', 1500, 0.5, true);
    const p = projectReport([r1, r2, r1b], { computedAt: 5 });
    expect(p.projectId).toBe('P');
    expect(p.tasks).toBe(2);
    close(p.headline.value, (r1b.headline.value! + r2.headline.value!) / 2);
    expect(p.tiers).toHaveLength(1);
    expect(p.tiers[0]).toMatchObject({ tierId: 's', tasks: 2, metric: 'slice_alpha' });
    close(p.tiers[0].mean, (r1b.tiers[0].headline.value! + r2.tiers[0].headline.value!) / 2);
    const a = p.annotators.find((x) => x.userId === 'A')!;
    expect(a.tasks).toBe(2);
    close(
      a.meanVsOthers,
      (r1b.annotatorSummary[0].meanVsOthers.value! + r2.annotatorSummary[0].meanVsOthers.value!) / 2,
    );
    expect(a.meanVsGold).toBeNull();
    expect(p.series.map((s) => s.t)).toEqual([...p.series.map((s) => s.t)].sort((x, y) => x - y));
    expect(p.series.filter((s) => s.metric === 'task').map((s) => [s.t, s.taskId])).toEqual([
      [1000, 't1'],
      [1500, 't2'],
      [2000, 't1'],
    ]);
    const buckets = bucketDrift(p.series, 1000).filter((b) => b.metric === 'task');
    expect(buckets.map((b) => [b.t, b.n])).toEqual([
      [1000, 2],
      [2000, 1],
    ]);
  });

  it('redactReport removes hidden annotators, their pairs and the aggregates', () => {
    const r = make('t', 1, 1);
    const red = redactReport(r, ['A', 'B']);
    const t = red.tiers[0];
    expect(red.annotators).toEqual(['A', 'B']);
    expect(red.headline).toEqual({ value: null, reason: 'redacted' });
    expect(t.pairs.map((p) => [p.a, p.b])).toEqual([['A', 'B']]);
    expect(t.annotators.map((a) => a.userId)).toEqual(['A', 'B']);
    expect(t.summary.sliceAlpha).toEqual({ value: null, reason: 'redacted' });
    expect(t.headline.value).toBeNull();
    expect(t.labels.every((l) => !('C' in l.counts) && l.sliceAlpha?.reason === 'redacted')).toBe(true);
    expect(JSON.stringify(red)).not.toContain('"C"');
    // everyone visible: unchanged
    expect(redactReport(r, ['A', 'B', 'C'])).toEqual(r);
    // aggregates can be kept on request
    expect(redactReport(r, ['A'], { keepAggregates: true }).tiers[0].summary).toEqual(r.tiers[0].summary);
    expect(r.tiers[0].pairs).toHaveLength(3); // input untouched
  });
});
