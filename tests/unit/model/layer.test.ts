/** LayerDoc round trips, partial updates, deletes, relations, listing, observing and the stored layout. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LAYER_ANNOTATIONS, LayerDoc } from '../../../shared/model/layer.ts';
import type { LayerChange } from '../../../shared/model/layer.ts';
import { asSegment, context } from './fixtures.ts';

describe('LayerDoc round trips', () => {
  it('creates each kind with defaults and reads it back', () => {
    const ctx = context();
    const layer = new LayerDoc();
    const s = layer.create(
      {
        id: 's1',
        tierId: 'speech',
        kind: 'segment',
        start: 1.5,
        end: 3,
        text: 'hi',
        label: 'speech',
        attributes: { sentiment: 'pos', speaker: 'A' },
      },
      ctx,
    );
    expect(s).toEqual({
      id: 's1',
      tierId: 'speech',
      kind: 'segment',
      start: 1.5,
      end: 3,
      text: 'hi',
      label: 'speech',
      attributes: { sentiment: 'pos', speaker: 'A' },
      entityId: null,
      relations: [],
      source: 'human',
      confidence: null,
      author: 'ann1',
      createdAt: 1000,
      updatedAt: 1000,
      provenance: null,
    });
    const e = layer.create(
      { tierId: 'events', kind: 'event', start: 2, source: 'model', confidence: 0.75, author: 'whisper' },
      ctx,
    );
    expect(e).toMatchObject({ kind: 'event', start: 2, source: 'model', confidence: 0.75, author: 'whisper' });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e).not.toHaveProperty('end');
    const sp = layer.create(
      { tierId: 'spans', kind: 'span', startOffset: 0, endOffset: 2, textAnnotationId: 's1' },
      ctx,
    );
    expect(sp).toMatchObject({ kind: 'span', startOffset: 0, endOffset: 2, textAnnotationId: 's1', mediaId: null });
    const b = layer.create(
      { tierId: 'boxes', kind: 'box', start: 0, end: 1, box: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 }, label: 'car' },
      ctx,
    );
    expect(b).toMatchObject({ kind: 'box', box: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 }, label: 'car' });
    expect(layer.get(b.id)).toEqual(b);
    expect(layer.get('ghost')).toBeNull();
  });

  it('survives a round trip through an encoded update into a fresh doc', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 'a', tierId: 'speech', kind: 'segment', start: 0, end: 1, text: 'x', entityId: 'spk' }, ctx);
    layer.create(
      { id: 'b', tierId: 'events', kind: 'event', start: 0.5, relations: [{ type: 'after', targetId: 'a' }] },
      ctx,
    );
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(layer.doc));
    expect(new LayerDoc(copy).list()).toEqual(layer.list());
  });

  it('stores one Y.Map per annotation with nested Y types for attributes, relations and text', () => {
    const layer = new LayerDoc();
    layer.create(
      { id: 'a', tierId: 'speech', kind: 'segment', start: 0, end: 1, attributes: { speaker: 'A' } },
      context(),
    );
    const m = layer.doc.getMap(LAYER_ANNOTATIONS).get('a') as Y.Map<unknown>;
    expect(m).toBeInstanceOf(Y.Map);
    expect(m.get('attributes')).toBeInstanceOf(Y.Map);
    expect(m.get('relations')).toBeInstanceOf(Y.Array);
    expect(m.get('text')).toBeInstanceOf(Y.Text);
    expect(layer.text('a')).toBe(m.get('text'));
    expect(layer.doc.getMap('meta').get('schema')).toBe(1);
  });
});

describe('LayerDoc.update', () => {
  it('writes only the patched fields that change, merges attributes and bumps updatedAt', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create(
      { id: 'a', tierId: 'speech', kind: 'segment', start: 0, end: 1, attributes: { speaker: 'A', disfluent: true } },
      ctx,
    );
    const writes: string[] = [];
    layer.doc.getMap(LAYER_ANNOTATIONS).observeDeep((events) => {
      for (const e of events) writes.push(...[...e.changes.keys.keys()]);
    });
    const after = layer.update('a', { start: 0, end: 2, attributes: { speaker: 'B', disfluent: null } }, ctx);
    expect(after).toMatchObject({ start: 0, end: 2, attributes: { speaker: 'B' }, createdAt: 1000, updatedAt: 1001 });
    expect(writes.sort()).toEqual(['disfluent', 'end', 'speaker', 'updatedAt']);
  });

  it('replaces text and relations, and can relabel to a descendant with its attributes', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 't', tierId: 'events', kind: 'event', start: 1 }, ctx);
    layer.create({ id: 'a', tierId: 'speech', kind: 'segment', start: 0, end: 1, text: 'old' }, ctx);
    const a = layer.update(
      'a',
      {
        text: 'new text',
        relations: [{ type: 'r', targetId: 't' }],
        label: 'speech',
        attributes: { sentiment: 'neg' },
      },
      ctx,
    );
    expect(a).toMatchObject({
      text: 'new text',
      relations: [{ type: 'r', targetId: 't' }],
      label: 'speech',
      attributes: { sentiment: 'neg' },
    });
    expect(layer.update('a', { relations: [] }, ctx).relations).toEqual([]);
  });

  it('does not re-check references the patch leaves alone', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 't', tierId: 'events', kind: 'event', start: 1 }, ctx);
    layer.create({ id: 'a', tierId: 'speech', kind: 'segment', start: 0, end: 1, entityId: 'spk1' }, ctx);
    // The entity disappears from the registry afterwards: moving a boundary must still work.
    expect(asSegment(layer.update('a', { end: 4 }, { ...ctx, entityIds: new Set() })).end).toBe(4);
  });

  it('passes the caller origin through to the Yjs transaction and observers', () => {
    const ctx = context();
    const layer = new LayerDoc();
    const seen: LayerChange[] = [];
    const stop = layer.observe((c) => seen.push(c));
    const origin = { user: 'ann1' };
    layer.create({ id: 'a', tierId: 'events', kind: 'event', start: 1 }, ctx, origin);
    layer.update('a', { start: 2 }, ctx, 'patch');
    layer.text('ghost');
    layer.delete('a', 'del');
    stop();
    layer.create({ id: 'b', tierId: 'events', kind: 'event', start: 1 }, ctx);
    expect(seen).toEqual([
      { ids: ['a'], local: true, origin },
      { ids: ['a'], local: true, origin: 'patch' },
      { ids: ['a'], local: true, origin: 'del' },
    ]);
  });

  it('reports nested edits (text typing) under the annotation id, and remote changes as not local', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 'a', tierId: 'speech', kind: 'segment', start: 0, end: 1 }, ctx);
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(layer.doc));
    const seen: LayerChange[] = [];
    layer.observe((c) => seen.push(c));
    layer.text('a')!.insert(0, 'typed');
    (peer.getMap(LAYER_ANNOTATIONS).get('a') as Y.Map<unknown>).set('label', 'speech');
    Y.applyUpdate(layer.doc, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(layer.doc)), 'net');
    expect(seen).toEqual([
      { ids: ['a'], local: true, origin: null },
      { ids: ['a'], local: false, origin: 'net' },
    ]);
  });
});

describe('LayerDoc.delete and relations', () => {
  it('removes the annotation and incoming relations in one transaction', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 'x', tierId: 'events', kind: 'event', start: 1 }, ctx);
    layer.create({ id: 'y', tierId: 'events', kind: 'event', start: 2 }, ctx);
    layer.create(
      {
        id: 'z',
        tierId: 'events',
        kind: 'event',
        start: 3,
        relations: [
          { type: 'a', targetId: 'x' },
          { type: 'b', targetId: 'y' },
          { type: 'c', targetId: 'x' },
        ],
      },
      ctx,
    );
    let transactions = 0;
    layer.doc.on('afterTransaction', () => transactions++);
    layer.delete('x');
    expect(transactions).toBe(1);
    expect(layer.get('x')).toBeNull();
    expect(layer.get('z')!.relations).toEqual([{ type: 'b', targetId: 'y' }]);
  });

  it('adds and removes single relations', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 'x', tierId: 'events', kind: 'event', start: 1 }, ctx);
    layer.create({ id: 'y', tierId: 'events', kind: 'event', start: 2 }, ctx);
    expect(layer.addRelation('y', { type: 'follows', targetId: 'x' }, ctx).relations).toEqual([
      { type: 'follows', targetId: 'x' },
    ]);
    expect(layer.removeRelation('y', { type: 'other', targetId: 'x' }, ctx)).toBe(0);
    expect(layer.removeRelation('y', { type: 'follows', targetId: 'x' }, ctx)).toBe(1);
    expect(layer.get('y')!.relations).toEqual([]);
  });
});

describe('LayerDoc.list', () => {
  it('filters by tier and orders by position then id regardless of insertion order', () => {
    const ctx = context();
    const layer = new LayerDoc();
    layer.create({ id: 'c', tierId: 'events', kind: 'event', start: 3 }, ctx);
    layer.create({ id: 'b', tierId: 'events', kind: 'event', start: 1 }, ctx);
    layer.create({ id: 'a', tierId: 'events', kind: 'event', start: 1 }, ctx);
    layer.create({ id: 's', tierId: 'speech', kind: 'segment', start: 0, end: 1 }, ctx);
    expect(layer.list({ tierId: 'events' }).map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(layer.list().map((a) => a.id)).toEqual(['s', 'a', 'b', 'c']);
    expect(layer.list({ tierId: 'ghost' })).toEqual([]);
  });
});
