/** Tolerant reading of whatever a remote peer wrote into a layer document: never throws. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LAYER_ANNOTATIONS, LayerDoc } from '../../../shared/model/layer.ts';
import { readAnnotation, readSnapshot, sanitize } from '../../../shared/model/read.ts';
import { context } from './fixtures.ts';

/** A peer writes raw fields for annotation `id` straight into its Y.Doc; we receive the update. */
function fromPeer(entries: Record<string, unknown>, id = 'p1'): LayerDoc {
  const peer = new Y.Doc();
  peer.transact(() => {
    const m = new Y.Map<unknown>();
    peer.getMap(LAYER_ANNOTATIONS).set(id, m);
    for (const [k, v] of Object.entries(entries)) m.set(k, v);
  });
  const local = new LayerDoc();
  Y.applyUpdate(local.doc, Y.encodeStateAsUpdate(peer));
  return local;
}

const good = {
  id: 'p1',
  tierId: 'speech',
  kind: 'segment',
  start: 1,
  end: 2,
  author: 'peer',
  createdAt: 1,
  updatedAt: 1,
};
const codes = (layer: LayerDoc) => layer.audit(context()).map((i) => `${i.code}@${i.path}`);

describe('readAnnotation / tolerant listing', () => {
  it('reads a minimal peer entry, defaulting the optional fields', () => {
    const layer = fromPeer(good);
    expect(layer.get('p1')).toEqual({
      ...good,
      label: null,
      attributes: {},
      entityId: null,
      relations: [],
      source: 'human',
      confidence: null,
      provenance: null,
      text: '',
    });
    expect(codes(layer)).toEqual([]);
  });

  it.each([
    ['not a map', 'oops', 'malformed@annotations.p1'],
    ['end before start', { ...good, end: 0.5 }, 'end_before_start@annotations.p1.end'],
    ['unknown kind', { ...good, kind: 'blob' }, 'invalid_kind@annotations.p1.kind'],
    ['missing start', { ...good, start: undefined }, 'missing_field@annotations.p1.start'],
    ['string time', { ...good, start: '1' }, 'invalid_value@annotations.p1.start'],
    [
      'box outside frame',
      { ...good, tierId: 'boxes', kind: 'box', box: { x: 2, y: 0, w: 1, h: 1 } },
      'box_range@annotations.p1.box',
    ],
    [
      'span without text',
      { ...good, kind: 'span', startOffset: 0, endOffset: 1 },
      'invalid_text_ref@annotations.p1.textAnnotationId',
    ],
  ])('drops an unusable entry (%s) with an issue instead of throwing', (_, value, code) => {
    const peer = new Y.Doc();
    if (typeof value === 'string') peer.getMap(LAYER_ANNOTATIONS).set('p1', value);
    const layer = typeof value === 'string' ? new LayerDoc() : fromPeer(value as Record<string, unknown>);
    if (typeof value === 'string') Y.applyUpdate(layer.doc, Y.encodeStateAsUpdate(peer));
    expect(layer.get('p1')).toBeNull();
    expect(layer.list()).toEqual([]);
    expect(codes(layer)).toEqual([code]);
  });

  it('keeps an entry with bad secondary fields, defaulting them and reporting each', () => {
    const attrs = new Y.Map<unknown>();
    attrs.set('speaker', 'A');
    attrs.set('weird', { nested: 1 });
    const rels = Y.Array.from<{ type: string; targetId: string } | string>([
      { type: 'x', targetId: 'p1' },
      'junk',
      { type: 'ok', targetId: 'other' },
    ]);
    const layer = fromPeer({
      ...good,
      id: 'liar',
      label: 42,
      attributes: attrs,
      relations: rels,
      source: 'oracle',
      confidence: 7,
      entityId: '',
      createdAt: 'now',
      text: 5,
    });
    const a = layer.get('p1')!;
    expect(a).toMatchObject({
      id: 'p1',
      label: null,
      attributes: { speaker: 'A' },
      relations: [{ type: 'ok', targetId: 'other' }],
      source: 'human',
      confidence: null,
      entityId: null,
      createdAt: 0,
      text: '',
    });
    expect(codes(layer)).toEqual([
      'id_mismatch@annotations.p1.id',
      'invalid_value@annotations.p1.text',
      'invalid_value@annotations.p1.label',
      'attribute_type@annotations.p1.attributes.weird',
      'invalid_value@annotations.p1.entityId',
      'self_relation@annotations.p1.relations[0]',
      'invalid_relation@annotations.p1.relations[1]',
      'invalid_source@annotations.p1.source',
      'confidence_range@annotations.p1.confidence',
      'invalid_value@annotations.p1.createdAt',
      // Context checks run on the sanitised annotation: the kept relation points nowhere.
      'unknown_relation_target@annotations.p1.relations[0]',
    ]);
  });

  it('audit reports context violations of readable entries (label no longer allowed, dangling text)', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 's', tierId: 'speech', kind: 'segment', start: 0, end: 1, label: 'speech', text: 'abc' }, ctx);
    layer.create({ id: 'sp', tierId: 'spans', kind: 'span', startOffset: 0, endOffset: 2, textAnnotationId: 's' }, ctx);
    layer.delete('s');
    const tiers = ctx.tiers.map((t) => (t.id === 'speech' ? { ...t, allowedClassIds: ['object'] } : t));
    expect(layer.audit({ ...ctx, tiers }).map((i) => `${i.code}@${i.path}`)).toEqual([
      'unknown_text_ref@annotations.sp.textAnnotationId',
    ]);
    layer.create({ id: 's2', tierId: 'speech', kind: 'segment', start: 0, end: 1, label: 'speech' }, ctx);
    expect(layer.audit({ ...ctx, tiers }).map((i) => i.code)).toContain('label_not_allowed');
  });

  it('readAnnotation never throws on arbitrary values', () => {
    for (const v of [null, undefined, 1, 'x', [], {}, new Y.Array(), new Y.Text('t')])
      expect(readAnnotation(v, 'k')).toMatchObject({ annotation: null });
  });

  it('updates still work on an entry whose nested types a peer replaced with plain values', () => {
    const layer = fromPeer({ ...good, attributes: 'nope', relations: 3, text: 'plain' });
    const ctx = context();
    const a = layer.update('p1', { attributes: { speaker: 'Z' }, text: 'typed' }, ctx);
    expect(a).toMatchObject({ attributes: { speaker: 'Z' }, text: 'typed' });
    expect(layer.text('p1')).toBeInstanceOf(Y.Text);
  });

  it('readSnapshot is readAnnotation without the issues, on well-formed and hostile entries', () => {
    // A seeded mix of good, defaulted and unusable fields, written as a peer would.
    let seed = 17;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const kinds = ['segment', 'event', 'span', 'box', 'blob', undefined];
    for (let t = 0; t < 400; t++) {
      const kind = pick(kinds);
      const entries: Record<string, unknown> = {
        id: pick(['p1', 'other', 3, undefined]),
        tierId: pick(['speech', '', 7]),
        kind,
        start: pick([0, 1.5, -1, '1', Number.NaN, undefined]),
        end: pick([2, 1.5, 0.5, null, Infinity]),
        startOffset: pick([0, 3, 2.5, -1]),
        endOffset: pick([4, 3, 1]),
        textAnnotationId: pick([null, 'seg', '', undefined]),
        mediaId: pick([null, 'media', 5, undefined]),
        box: pick([{ x: 0, y: 0, w: 0.5, h: 0.5 }, { x: 2 }, 'box', undefined]),
        label: pick([null, 'speech', 42, 'bad label!', undefined]),
        attributes: pick([undefined, 'nope', { a: 1, b: { no: 1 }, c: true, d: 'x' }]),
        relations: pick([undefined, 3, [{ type: 'r', targetId: 'q' }, 'junk', { type: 'r', targetId: 'p1' }]]),
        source: pick(['human', 'model', 'oracle', undefined]),
        confidence: pick([null, 0.5, 7, Number.NaN, undefined]),
        entityId: pick([null, 'e1', '', undefined]),
        author: pick(['peer', 5, undefined]),
        createdAt: pick([1, 'now', undefined]),
        updatedAt: pick([2, Infinity]),
        text: pick(['', 'words', 5, undefined]),
      };
      const clean = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
      const layer = fromPeer(clean);
      const value = layer.doc.getMap(LAYER_ANNOTATIONS).get('p1');
      const want = readAnnotation(value, 'p1').annotation;
      const got = readSnapshot(value, 'p1');
      expect(got).toEqual(want);
      if (want !== null) expect(Object.keys(got!)).toEqual(Object.keys(want));
      expect(layer.list()).toEqual(want === null ? [] : [want]);
    }
    for (const v of [null, undefined, 1, 'x', [], {}, new Y.Array(), new Y.Text('t')])
      expect(readSnapshot(v, 'k')).toBeNull();
  });

  it('snapshots are plain objects with one field order per kind', () => {
    const common = { id: 'a', tierId: 't', author: 'u', createdAt: 1, updatedAt: 2 };
    const order = (rec: Record<string, unknown>) => Object.keys(sanitize(rec));
    const head = ['id', 'tierId', 'label', 'attributes', 'entityId', 'relations', 'source', 'confidence', 'author'];
    const stamps = ['createdAt', 'updatedAt', 'provenance', 'kind'];
    expect(order({ ...common, kind: 'segment', start: 0, end: 1 })).toEqual([
      ...head,
      ...stamps,
      'start',
      'end',
      'text',
    ]);
    expect(order({ ...common, kind: 'event', start: 0 })).toEqual([...head, ...stamps, 'start']);
    expect(order({ ...common, kind: 'span', startOffset: 0, endOffset: 1, mediaId: 'm' })).toEqual([
      ...head,
      ...stamps,
      'startOffset',
      'endOffset',
      'textAnnotationId',
      'mediaId',
    ]);
    expect(order({ ...common, kind: 'box', start: 0, end: 1, box: { x: 0, y: 0, w: 1, h: 1 } })).toEqual([
      ...head,
      ...stamps,
      'start',
      'end',
      'box',
    ]);
    const a = sanitize({ ...common, kind: 'segment', start: 0, end: 1, attributes: { s: 'x' } });
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  });

  it('list() orders by position then id, whatever the insertion order', () => {
    const layer = new LayerDoc();
    const ctx = context();
    const specs: [string, number][] = [
      ['c', 2],
      ['a', 1],
      ['b', 1],
      ['d', 0.5],
      ['e', 1],
    ];
    for (const [id, start] of specs)
      layer.create({ id, tierId: 'speech', kind: 'segment', start, end: start + 1, text: 'some words' }, ctx);
    layer.create({ id: 'sp', tierId: 'spans', kind: 'span', startOffset: 1, endOffset: 2, textAnnotationId: 'a' }, ctx);
    expect(layer.list().map((a) => a.id)).toEqual(['d', 'a', 'b', 'e', 'sp', 'c']);
    expect(layer.list({ tierId: 'spans' }).map((a) => a.id)).toEqual(['sp']);
  });
});
