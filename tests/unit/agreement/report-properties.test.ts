/**
 * Property tests of the task report on seeded random tasks (segments with transcripts and an
 * attribute, events, spans on a text file and on segment transcripts):
 *  - invariance to annotation order, annotation ids and layer order;
 *  - symmetry: swapping two annotators swaps the pair's directions and changes nothing else;
 *  - identical layers give 1 (or null where the spec says so, e.g. a single category);
 *  - unused declared categories change nothing.
 */
import { describe, expect, it } from 'vitest';
import { taskReport } from '../../../shared/agreement/index.ts';
import type { Figure, PairReport, ReportLayer, TaskReport, TaskReportInput } from '../../../shared/agreement/index.ts';
import type { Annotation } from '../../../shared/model/annotation.ts';
import { mulberry32, pick, randInt, shuffle } from './helpers.ts';
import { ev, layer, seg, span, taxonomy, tier, timeless } from './report-fixtures.ts';

const TEXT = 'the cat sat on the mat and the dog ate the hat while it rained on the plain';
const WORDS = TEXT.split(' ');
const TIERS = [
  tier('seg', 'segment', ['x', 'y', 'z'], ['speaker']),
  tier('ev', 'event', ['x', 'y']),
  tier('ent', 'span', ['x', 'y', 'z']),
];

function randomLayer(rng: () => number, userId: string): ReportLayer {
  const out: Annotation[] = [];
  let t = rng() * 2;
  while (t < 40) {
    const len = 0.2 + rng() * 4;
    if (rng() < 0.8) {
      const text = Array.from({ length: randInt(rng, 0, 4) }, () => pick(rng, WORDS)).join(' ');
      const s = seg(
        'seg',
        t,
        t + len,
        pick(rng, ['x', 'y', 'z']),
        rng() < 0.8 ? { speaker: pick(rng, ['s1', 's2']) } : {},
        text,
      );
      out.push(s);
      if (text.length > 2 && rng() < 0.5)
        out.push(span('ent', 0, randInt(rng, 1, text.length), pick(rng, ['x', 'y']), { textAnnotationId: s.id }));
    }
    t += len + (rng() < 0.5 ? 0 : rng() * 2);
  }
  for (let i = randInt(rng, 0, 8); i > 0; i--) out.push(ev('ev', rng() * 40, pick(rng, ['x', 'y'])));
  for (let i = randInt(rng, 0, 6); i > 0; i--) {
    const s = randInt(rng, 0, TEXT.length - 2);
    out.push(
      span('ent', s, Math.min(TEXT.length, s + randInt(rng, 1, 12)), pick(rng, ['x', 'y', 'z']), { mediaId: 'doc' }),
    );
  }
  return layer(userId, out);
}

function randomTask(seed: number, annotators: number): TaskReportInput {
  const rng = mulberry32(seed);
  return {
    tiers: TIERS,
    taxonomy: taxonomy(['x', 'y', 'z']),
    mediaDuration: 45,
    texts: { doc: TEXT },
    computedAt: 1,
    settings: { resolution: { unit: 'ms', ms: 10 } },
    layers: Array.from({ length: annotators }, (_, i) => randomLayer(rng, `u${i}`)),
  };
}

/** New ids everywhere (span → segment references follow), shuffled annotations and layers. */
function scramble(rng: () => number, inp: TaskReportInput): TaskReportInput {
  const layers = inp.layers.map((l) => {
    const rename = new Map(l.annotations.map((a) => [a.id, `z${randInt(rng, 0, 1e9)}-${a.id.length}-${rng()}`]));
    const annotations = shuffle(
      rng,
      l.annotations.map((a) => {
        const b = { ...a, id: rename.get(a.id)! } as Annotation;
        if (b.kind === 'span' && b.textAnnotationId !== null) b.textAnnotationId = rename.get(b.textAnnotationId)!;
        return b;
      }),
    );
    return { ...l, annotations };
  });
  return { ...inp, layers: shuffle(rng, layers) };
}

const close = (a: number | null | undefined, b: number | null | undefined): void => {
  if (a === null || a === undefined || b === null || b === undefined) expect(a ?? null).toBe(b ?? null);
  else expect(Math.abs(a - b)).toBeLessThan(1e-12);
};
const closeFig = (a: Figure | undefined, b: Figure | undefined): void => {
  expect(a?.reason ?? null).toBe(b?.reason ?? null);
  close(a?.value, b?.value);
};

describe('task report properties (seeded)', () => {
  it('is invariant to annotation order, annotation ids and layer order', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const inp = randomTask(seed, randInt(mulberry32(seed), 2, 4));
      const ref = timeless(taskReport(inp));
      expect(timeless(taskReport(scramble(mulberry32(seed * 7), inp)))).toEqual(ref);
    }
  });

  it('is symmetric in the annotators: swapping two swaps directions only', () => {
    for (let seed = 20; seed < 32; seed++) {
      const inp = randomTask(seed, 2);
      const [l0, l1] = inp.layers;
      const swapped: TaskReportInput = {
        ...inp,
        layers: [
          { ...l0, userId: 'u1', layerId: 'layer-u1' },
          { ...l1, userId: 'u0', layerId: 'layer-u0' },
        ],
      };
      const r1 = taskReport(inp);
      const r2 = taskReport(swapped);
      r1.tiers.forEach((t1, k) => {
        const t2 = r2.tiers[k];
        for (const key of ['sliceAlpha', 'sliceFleiss', 'unitizingAlpha', 'tokenAlpha', 'labelAlpha'] as const)
          closeFig(t1.summary[key], t2.summary[key]);
        for (const key of [
          'meanF1',
          'meanBoundaryF1',
          'meanIou',
          'sliceAgreement',
          'meanTokenKappa',
          'meanWer',
        ] as const)
          close(t1.summary[key] as number | null, t2.summary[key] as number | null);
        closeFig(t1.headline, t2.headline);
        const p: PairReport = t1.pairs[0];
        const q: PairReport = t2.pairs[0];
        closeFig(p.sliceKappa, q.sliceKappa);
        closeFig(p.tokenKappa, q.tokenKappa);
        for (const m of ['match', 'boundaryMatch'] as const) {
          expect(p[m].tp).toBe(q[m].tp);
          close(p[m].f1, q[m].f1);
          close(p[m].precision, q[m].recall);
          close(p[m].meanIou, q[m].meanIou);
          close(p[m].onsetError, q[m].onsetError);
        }
        closeFig(p.wer?.ab, q.wer?.ba);
        expect(p.labelDisagreements).toBe(q.labelDisagreements);
        expect(p.boundaryDisagreements).toBe(q.boundaryDisagreements);
        expect(Object.keys(p.attributes)).toEqual(Object.keys(q.attributes));
        for (const a of Object.keys(p.attributes)) closeFig(p.attributes[a], q.attributes[a]);
        const transposed = p.confusion.counts.map((row, i) => row.map((_, j) => p.confusion.counts[j][i]));
        expect(q.confusion.counts).toEqual(transposed);
        expect(t1.confusion).toEqual(t2.confusion);
      });
    }
  });

  it('identical layers give 1, or null where the coefficient is undefined', () => {
    const one = (
      f: Figure | undefined,
      allowed: string[] = ['no_variation', 'empty_input', 'no_pairable_data'],
    ): void => {
      if (f === undefined) return;
      if (f.value === null) expect(allowed).toContain(f.reason);
      else close(f.value, 1);
    };
    for (let seed = 40; seed < 52; seed++) {
      const inp = randomTask(seed, 1);
      const copy = scramble(mulberry32(seed), {
        ...inp,
        layers: [{ ...inp.layers[0], userId: 'twin', layerId: 'twin' }],
      });
      const r = taskReport({ ...inp, layers: [...inp.layers, ...copy.layers] });
      for (const t of r.tiers) {
        one(t.summary.sliceAlpha);
        one(t.summary.sliceFleiss);
        one(t.summary.unitizingAlpha);
        one(t.summary.tokenAlpha);
        one(t.summary.labelAlpha);
        const p = t.pairs[0];
        one(p.sliceKappa);
        one(p.tokenKappa);
        if (p.match.f1 !== null) expect(p.match.f1).toBe(1);
        if (p.boundaryMatch.f1 !== null) expect(p.boundaryMatch.f1).toBe(1);
        if (p.match.meanIou !== undefined && p.match.meanIou !== null) close(p.match.meanIou, 1);
        expect(p.labelDisagreements + p.boundaryDisagreements).toBe(0);
        for (const f of Object.values(p.attributes)) one(f);
        if (p.wer)
          for (const f of [p.wer.ab, p.wer.ba]) expect(f.value === 0 || f.reason === 'no_pairable_data').toBe(true);
        for (const l of t.labels) {
          one(l.sliceAlpha);
          one(l.unitizingAlpha);
          one(l.tokenAlpha);
          if (l.f1 !== null) expect(l.f1).toBe(1);
        }
      }
    }
  });

  it('declared but unused categories (labels, attribute options) change no figure', () => {
    for (let seed = 60; seed < 70; seed++) {
      const inp = randomTask(seed, 3);
      const tax = taxonomy(['x', 'y', 'z'], ['unused1', 'unused2']);
      tax.attributes = tax.attributes.map((a) => (a.options ? { ...a, options: [...a.options, 'never'] } : a));
      const wider: TaskReportInput = {
        ...inp,
        taxonomy: tax,
        tiers: inp.tiers.map((t) => ({ ...t, allowedClassIds: [...t.allowedClassIds, 'unused1', 'unused2'] })),
      };
      const strip = (r: TaskReport) => timeless(r).tiers.map(({ diagnostics: _d, ...rest }) => rest);
      expect(strip(taskReport(wider))).toEqual(strip(taskReport(inp)));
    }
  });
});
