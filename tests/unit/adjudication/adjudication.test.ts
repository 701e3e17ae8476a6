/**
 * The pre-merge rule and disagreement detection on constructed layers: agreed regions merged into
 * gold with provenance, disagreements (label, boundary, missing) left open with stable keys, and
 * the decisions (accept, merge, reject) settling them — written through LayerDoc like the UI does.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  acceptVersion,
  mergeVersions,
  openDisagreements,
  preMerge,
  regionsOf,
  rejectRegion,
  type LayerInput,
} from '../../../shared/adjudication/index.ts';
import type { Annotation } from '../../../shared/model/annotation.ts';
import { readRejections, recordRejection } from '../../../shared/model/decisions.ts';
import { LayerDoc } from '../../../shared/model/layer.ts';
import { tiersTouchedByUpdate } from '../../../shared/model/touched-tiers.ts';
import { context, sync } from '../model/fixtures.ts';

type Seg = [start: number, end: number, label: string | null, text?: string];

/** An annotator layer with segments on the `speech` tier (ids `<layer>-<i>`). */
function layer(layerId: string, segs: Seg[], events: number[] = []): { doc: LayerDoc; input: LayerInput } {
  const doc = new LayerDoc();
  const ctx = context({ author: `user-${layerId}` });
  segs.forEach(([start, end, label, text], i) =>
    doc.create({ id: `${layerId}-${i}`, tierId: 'speech', kind: 'segment', start, end, label, text }, ctx),
  );
  events.forEach((start, i) => doc.create({ id: `${layerId}-e${i}`, tierId: 'events', kind: 'event', start }, ctx));
  return { doc, input: { layerId, userId: `user-${layerId}`, annotations: doc.list() } };
}

const gold = (doc: LayerDoc) => ({ annotations: doc.list(), rejections: readRejections(doc.doc) });
const who = { adjudicator: 'rev', now: 5000 };
const speech = { id: 'speech', kind: 'segment' as const };

describe('disagreement regions', () => {
  it('groups versions one per layer and classifies label, boundary and missing', () => {
    const a = layer('A', [
      [0, 2, 'speech'],
      [3, 5, 'speech'],
      [6, 8, 'speech'],
      [10, 12, 'speech'],
    ]);
    const b = layer('B', [
      [0.1, 2, 'speech'],
      [3, 5, 'laugh'],
      [6, 7, 'speech'], // IoU 0.5 with A: still agrees at θ = 0.5
      [10, 10.8, 'speech'], // IoU 0.4: a boundary disagreement
    ]);
    const c = layer('C', [
      [0, 2.1, 'speech'],
      [3, 5, 'speech'],
      [20, 21, 'speech'],
    ]);
    const regions = regionsOf('speech', [c.input, a.input, b.input]);
    const summary = regions.map((r) => [r.start, r.kind, r.members.map((m) => m.layerId).join(''), r.missing.join('')]);
    expect(summary).toEqual([
      [0, null, 'ABC', ''],
      [3, 'label', 'ABC', ''],
      [6, 'missing', 'AB', 'C'],
      [10, 'boundary', 'AB', 'C'],
      [20, 'missing', 'C', 'AB'],
    ]);
    // The agreeing set: the largest same-content group with pairwise IoU ≥ θ.
    expect(regions[1].agreeing.map((m) => m.layerId)).toEqual(['A', 'C']);
    expect(regions[3].agreeing.map((m) => m.layerId)).toEqual(['A']);
    // Keys are stable (same input, any layer order) and distinct.
    const again = regionsOf('speech', [b.input, a.input, c.input]);
    expect(again.map((r) => r.key)).toEqual(regions.map((r) => r.key));
    expect(new Set(regions.map((r) => r.key)).size).toBe(regions.length);
  });

  it('treats a transcript difference as a content (label) disagreement, spacing aside', () => {
    const a = layer('A', [
      [0, 2, null, 'hello  world'],
      [3, 4, null, 'yes'],
    ]);
    const b = layer('B', [
      [0, 2, null, 'hello world '],
      [3, 4, null, 'yes.'],
    ]);
    expect(regionsOf('speech', [a.input, b.input]).map((r) => r.kind)).toEqual([null, 'label']);
  });

  it('compares events within the tolerance', () => {
    const a = layer('A', [], [1, 5]);
    const b = layer('B', [], [1.1, 9]);
    const kinds = regionsOf('events', [a.input, b.input]).map((r) => [r.start, r.kind]);
    expect(kinds).toEqual([
      [1, null],
      [5, 'missing'],
      [9, 'missing'],
    ]);
  });
});

describe('pre-merge rule', () => {
  const three = () => [
    layer('A', [
      [0, 2, 'speech'],
      [3, 5, 'speech'],
      [6, 8, 'speech'],
      [10, 12, 'speech'],
    ]),
    layer('B', [
      [0.2, 2, 'speech'],
      [3, 5, 'laugh'],
      [6, 8, 'laugh'],
      [10, 10.8, 'speech'],
    ]),
    layer('C', [
      [0, 2.2, 'speech'],
      [3, 5, 'speech'],
      [6, 8, 'vocal'],
    ]),
  ];

  it('merges regions a majority agrees on (mean boundaries, provenance) and leaves the disagreements', () => {
    const layers = three();
    const g = new LayerDoc();
    const { inputs, open } = preMerge(
      speech,
      layers.map((l) => l.input),
      gold(g),
      who,
    );
    // [0,2]: all three agree; [3,5]: A and C (2 of 3) agree; [6,8]: three labels; [10,..]: boundary.
    expect(inputs.map((i) => [i.kind === 'segment' && [i.start, i.end], i.label])).toEqual([
      [[(0 + 0.2 + 0) / 3, (2 + 2 + 2.2) / 3], 'speech'],
      [[3, 5], 'speech'],
    ]);
    expect(inputs[0].provenance).toEqual({
      decision: 'agreed',
      sources: [
        { layerId: 'A', annotationId: 'A-0', userId: 'user-A' },
        { layerId: 'B', annotationId: 'B-0', userId: 'user-B' },
        { layerId: 'C', annotationId: 'C-0', userId: 'user-C' },
      ],
      adjudicator: 'rev',
      decidedAt: 5000,
      disagreement: null,
    });
    expect(inputs[1].provenance?.sources.map((s) => s.annotationId)).toEqual(['A-1', 'C-1']);
    expect(open.map((d) => [d.start, d.kind])).toEqual([
      [6, 'label'],
      [10, 'boundary'],
    ]);

    // Written into gold, the merged regions are settled: a second run merges nothing more.
    const ctx = context({ author: 'rev' });
    for (const i of inputs) g.create(i, ctx);
    expect(g.list().map((a) => a.provenance?.decision)).toEqual(['agreed', 'agreed']);
    const second = preMerge(
      speech,
      layers.map((l) => l.input),
      gold(g),
      who,
    );
    expect(second.inputs).toEqual([]);
    expect(second.open.map((d) => d.key)).toEqual(open.map((d) => d.key));
  });

  it('honours a stricter rule: unanimity and a higher IoU threshold', () => {
    const layers = three().map((l) => l.input);
    const strict = preMerge(speech, layers, { annotations: [], rejections: new Map() }, who, {
      iou: 0.95,
      minAgree: 3,
      eventTolerance: 0.25,
    });
    // IoU of [0,2] and [0.2,2] is 0.9 < 0.95: no region reaches three agreeing versions.
    expect(strict.inputs).toEqual([]);
    expect(strict.open.map((d) => d.kind)).toEqual(['boundary', 'label', 'label', 'boundary']);
  });

  it('accept, merge and reject settle a disagreement each, with provenance', () => {
    const layers = three();
    const inputs = layers.map((l) => l.input);
    const g = new LayerDoc();
    const ctx = context({ author: 'rev' });
    const before = openDisagreements([speech], inputs, gold(g));
    expect(before.map((d) => d.kind)).toEqual(['label', 'label', 'boundary']);

    // Accept B's version of [3,5] (the minority label, by the adjudicator's judgement).
    const accepted = g.create(acceptVersion(before[0], 'B', who), ctx);
    expect(accepted).toMatchObject({ start: 3, end: 5, label: 'laugh', author: 'rev' });
    expect(accepted.provenance).toEqual({
      decision: 'accepted',
      sources: [{ layerId: 'B', annotationId: 'B-1', userId: 'user-B' }],
      adjudicator: 'rev',
      decidedAt: 5000,
      disagreement: before[0].key,
    });
    // Merge the boundary disagreement [10,12] / [10,10.8]: mean boundaries.
    const merged = g.create(mergeVersions(before[2], who), ctx);
    expect(merged).toMatchObject({ start: 10, end: 11.4, label: 'speech' });
    expect(merged.provenance?.decision).toBe('merged');
    // Reject [6,8]: nothing in gold, a record in `decisions`.
    recordRejection(g.doc, rejectRegion(before[1], who));
    expect(g.list()).toHaveLength(2);

    expect(openDisagreements([speech], inputs, gold(g)).map((d) => d.key)).toEqual([]);
    const rejections = readRejections(g.doc);
    expect([...rejections.values()]).toEqual([
      {
        decision: 'rejected',
        key: before[1].key,
        tierId: 'speech',
        start: 6,
        end: 8,
        sources: ['A', 'B', 'C'].map((l) => ({ layerId: l, annotationId: `${l}-2`, userId: `user-${l}` })),
        adjudicator: 'rev',
        decidedAt: 5000,
      },
    ]);
  });

  it('sees a peer’s gold decisions after sync (provenance and rejections travel with the document)', () => {
    const layers = three().map((l) => l.input);
    const g1 = new LayerDoc();
    const g2 = new LayerDoc();
    const [first, , third] = openDisagreements([speech], layers, gold(g1));
    g1.create(acceptVersion(first, 'A', who, 'edited'), context({ author: 'rev' }));
    recordRejection(g1.doc, rejectRegion(third, who));
    sync(g1.doc, g2.doc);
    const seen = g2.list() as Annotation[];
    expect(seen[0].provenance).toMatchObject({ decision: 'edited', disagreement: first.key });
    expect(openDisagreements([speech], layers, gold(g2)).map((d) => d.start)).toEqual([6]);
  });
});

describe('provenance and decisions in the model', () => {
  it('refuses malformed provenance and rejections, and reads a garbled one as null', () => {
    const g = new LayerDoc();
    const ctx = context();
    const base = { tierId: 'speech', kind: 'segment' as const, start: 0, end: 1 };
    const bad = [
      {
        decision: 'guessed',
        sources: [{ layerId: 'A', annotationId: 'a', userId: null }],
        adjudicator: 'r',
        decidedAt: 1,
      },
      { decision: 'accepted', sources: [], adjudicator: 'r', decidedAt: 1 },
      {
        decision: 'accepted',
        sources: [{ layerId: 'A b', annotationId: 'a', userId: null }],
        adjudicator: 'r',
        decidedAt: 1,
      },
      {
        decision: 'accepted',
        sources: [{ layerId: 'A', annotationId: 'a', userId: null }],
        adjudicator: '',
        decidedAt: 1,
      },
    ];
    for (const p of bad)
      expect(() => g.create({ ...base, provenance: p as never }, ctx)).toThrowError(
        expect.objectContaining({ code: 'invalid_provenance' }),
      );
    expect(g.list()).toEqual([]);
    expect(() =>
      recordRejection(g.doc, {
        ...rejectRegion(regionsOf('speech', [layer('A', [[0, 1, null]]).input])[0], who),
        key: '',
      }),
    ).toThrowError(expect.objectContaining({ code: 'invalid_decision' }));

    // A peer writing junk: the annotation stays readable, its provenance reads as null.
    const peer = new Y.Doc();
    const m = new Y.Map<unknown>();
    peer.getMap('annotations').set('x', m);
    for (const [k, v] of Object.entries({
      id: 'x',
      ...base,
      author: 'p',
      createdAt: 1,
      updatedAt: 1,
      provenance: 'oops',
    }))
      m.set(k, v);
    peer.getMap('decisions').set('k', { decision: 'rejected' });
    const local = new LayerDoc();
    Y.applyUpdate(local.doc, Y.encodeStateAsUpdate(peer));
    expect(local.get('x')?.provenance).toBeNull();
    expect(readRejections(local.doc).size).toBe(0);
    expect(local.audit(context()).map((i) => i.code)).toEqual(['invalid_provenance']);
  });

  it('lets a patch replace the provenance as a whole', () => {
    const g = new LayerDoc();
    const ctx = context();
    const p = {
      decision: 'accepted' as const,
      sources: [{ layerId: 'A', annotationId: 'a', userId: 'u' }],
      adjudicator: 'r',
      decidedAt: 1,
      disagreement: 'speech:1',
    };
    const a = g.create({ tierId: 'speech', kind: 'segment', start: 0, end: 1, provenance: p }, ctx);
    expect(a.provenance).toEqual(p);
    const b = g.update(a.id, { provenance: { ...p, decision: 'edited' } }, ctx);
    expect(b.provenance).toEqual({ ...p, decision: 'edited' });
  });

  it('per-tier write guard: a provenance patch touches its tier, a rejection touches none', () => {
    const server = new LayerDoc();
    const ctx = context({ author: 'rev' });
    const a = server.create({ tierId: 'speech', kind: 'segment', start: 0, end: 1 }, ctx);
    const client = new LayerDoc();
    sync(server.doc, client.doc);
    const capture = (edit: () => void): Uint8Array => {
      const before = Y.encodeStateVector(client.doc);
      edit();
      return Y.encodeStateAsUpdate(client.doc, before);
    };
    const p = {
      decision: 'edited' as const,
      sources: [{ layerId: 'A', annotationId: 'a', userId: 'u' }],
      adjudicator: 'r',
      decidedAt: 1,
      disagreement: 'speech:1',
    };
    const patch = capture(() => client.update(a.id, { provenance: p }, ctx));
    expect([...(tiersTouchedByUpdate(server.doc, patch) ?? [])]).toEqual(['speech']);
    Y.applyUpdate(server.doc, patch);
    const region = regionsOf('speech', [layer('A', [[0, 1, null]]).input])[0];
    const rejection = capture(() => recordRejection(client.doc, rejectRegion(region, who)));
    expect([...(tiersTouchedByUpdate(server.doc, rejection) ?? ['refused'])]).toEqual([]);
  });
});

describe('boxes: compared in time and on the frame', () => {
  type B = [x: number, y: number, w: number, h: number, label?: string];
  /** A layer of boxes on the `boxes` tier, all shown from 0 to 4 s (ids `<layer>-b<i>`). */
  function boxes(layerId: string, list: B[]): LayerInput {
    const doc = new LayerDoc();
    const ctx = context({ author: `user-${layerId}` });
    list.forEach(([x, y, w, h, label], i) =>
      doc.create(
        {
          id: `${layerId}-b${i}`,
          tierId: 'boxes',
          kind: 'box',
          start: 0,
          end: 4,
          box: { x, y, w, h },
          label: label ?? 'car',
        },
        ctx,
      ),
    );
    return { layerId, userId: `user-${layerId}`, annotations: doc.list() };
  }
  const left: B = [0.05, 0.1, 0.2, 0.2];
  const right: B = [0.6, 0.5, 0.3, 0.3];
  const shape = (layers: LayerInput[]) =>
    regionsOf('boxes', layers).map((r) => [r.kind, r.members.map((m) => m.annotation.id).join(' ')]);

  it('pairs two people’s boxes object by object, whatever order they drew them in', () => {
    const a = boxes('A', [left, right]);
    const b = boxes('B', [
      [0.61, 0.5, 0.3, 0.3],
      [0.05, 0.11, 0.2, 0.2],
    ]);
    expect(shape([a, b])).toEqual([
      [null, 'A-b0 B-b1'],
      [null, 'A-b1 B-b0'],
    ]);
  });

  it('the same object boxed differently is a boundary disagreement; boxes apart are missing ones', () => {
    // B's first box overlaps A's left box with area IoU 1/3 (< θ); B's second is elsewhere.
    const a = boxes('A', [left]);
    const b = boxes('B', [
      [0.15, 0.1, 0.2, 0.2],
      [0.5, 0.0, 0.1, 0.1],
    ]);
    const regions = regionsOf('boxes', [a, b]);
    expect(regions.map((r) => [r.kind, r.members.map((m) => m.annotation.id).join(' ')])).toEqual([
      ['boundary', 'A-b0 B-b0'],
      ['missing', 'B-b1'],
    ]);
  });

  it('pre-merges only boxes that agree on the frame, with the mean rectangle', () => {
    const a = boxes('A', [left, right]);
    const b = boxes('B', [
      [0.07, 0.1, 0.2, 0.2],
      [0.0, 0.8, 0.1, 0.1],
    ]);
    const { inputs, open } = preMerge(
      { id: 'boxes', kind: 'box' },
      [a, b],
      { annotations: [], rejections: new Map() },
      who,
    );
    expect(inputs).toHaveLength(1);
    const merged = inputs[0] as { box: { x: number; y: number; w: number; h: number } };
    expect(merged.box.x).toBeCloseTo(0.06, 10);
    expect(merged.box).toMatchObject({ y: 0.1, w: 0.2, h: 0.2 });
    expect(open.map((d) => [d.kind, d.members.map((m) => m.annotation.id).join(' ')])).toEqual([
      ['missing', 'A-b1'],
      ['missing', 'B-b1'],
    ]);
  });
});

describe('layers compared only on the tiers their owners may annotate', () => {
  it('finds nothing missing in a layer that may not write the tier, and counts the quorum without it', () => {
    const a = layer('A', [[0, 2, 'speech']]);
    const b = layer('B', [[0, 2, 'speech']]);
    const c = layer('C', []);
    const notC = { ...c.input, tierIds: ['events'] };
    // With C taking part, its empty lane is a "missing" version; without, A and B agree outright.
    expect(regionsOf('speech', [a.input, b.input, c.input]).map((r) => [r.kind, r.missing])).toEqual([
      ['missing', ['C']],
    ]);
    expect(regionsOf('speech', [a.input, b.input, notC]).map((r) => [r.kind, r.missing])).toEqual([[null, []]]);
    // The quorum (a strict majority) counts the layers that take part: A and B are 2 of 4 with
    // two empty layers taking part (no majority), 2 of 2 when those may not write the tier.
    const none = { annotations: [], rejections: new Map() };
    const d = layer('D', []);
    const notD = { ...d.input, tierIds: ['events'] };
    expect(preMerge(speech, [a.input, b.input, c.input, d.input], none, who).inputs).toHaveLength(0);
    expect(preMerge(speech, [a.input, b.input, notC, notD], none, who).inputs).toHaveLength(1);
  });
});
