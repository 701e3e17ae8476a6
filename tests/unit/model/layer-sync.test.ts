/** Two replicas of one layer exchanging updates: concurrent edits merge instead of overwriting. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LayerDoc } from '../../../shared/model/layer.ts';
import { asSegment, context, sync } from './fixtures.ts';

function replicas() {
  const a = new LayerDoc(new Y.Doc());
  const b = new LayerDoc(new Y.Doc());
  const ctxA = context({ author: 'ann1' });
  const ctxB = context({ author: 'ann2' });
  a.create(
    {
      id: 'seg',
      tierId: 'speech',
      kind: 'segment',
      start: 0,
      end: 10,
      text: 'hello world',
      attributes: { speaker: 'A' },
    },
    ctxA,
  );
  sync(a.doc, b.doc);
  return { a, b, ctxA, ctxB };
}

describe('layer sync', () => {
  it('concurrent edits to different fields of one annotation both survive', () => {
    const { a, b, ctxA, ctxB } = replicas();
    a.update('seg', { end: 12 }, ctxA);
    b.update('seg', { label: 'speech', confidence: 0.5 }, ctxB);
    sync(a.doc, b.doc);
    for (const r of [a, b]) expect(r.get('seg')).toMatchObject({ start: 0, end: 12, label: 'speech', confidence: 0.5 });
    expect(a.list()).toEqual(b.list());
  });

  it('concurrent edits to different attributes both survive', () => {
    const { a, b, ctxA, ctxB } = replicas();
    a.update('seg', { attributes: { speaker: 'B' } }, ctxA);
    b.update('seg', { attributes: { disfluent: true } }, ctxB);
    sync(a.doc, b.doc);
    expect(a.get('seg')!.attributes).toEqual({ speaker: 'B', disfluent: true });
    expect(b.get('seg')!.attributes).toEqual({ speaker: 'B', disfluent: true });
  });

  it('concurrent typing in the transcript Y.Text merges both insertions', () => {
    const { a, b } = replicas();
    a.text('seg')!.insert(0, 'Well, ');
    b.text('seg')!.insert('hello world'.length, '!');
    b.text('seg')!.delete(0, 1);
    b.text('seg')!.insert(0, 'H');
    sync(a.doc, b.doc);
    expect(asSegment(a.get('seg')).text).toBe('Well, Hello world!');
    expect(asSegment(b.get('seg')).text).toBe('Well, Hello world!');
  });

  it('concurrent creations and relation additions both land; updates apply in either order', () => {
    const { a, b, ctxA, ctxB } = replicas();
    a.create({ id: 'ea', tierId: 'events', kind: 'event', start: 1 }, ctxA);
    b.create({ id: 'eb', tierId: 'events', kind: 'event', start: 2 }, ctxB);
    sync(a.doc, b.doc);
    a.addRelation('seg', { type: 'has', targetId: 'ea' }, ctxA);
    b.addRelation('seg', { type: 'has', targetId: 'eb' }, ctxB);
    const ua = Y.encodeStateAsUpdate(a.doc);
    const ub = Y.encodeStateAsUpdate(b.doc);
    const c1 = new Y.Doc();
    const c2 = new Y.Doc();
    Y.applyUpdate(c1, ua);
    Y.applyUpdate(c1, ub);
    Y.applyUpdate(c2, ub);
    Y.applyUpdate(c2, ua);
    const l1 = new LayerDoc(c1);
    expect(l1.list().map((x) => x.id)).toEqual(['seg', 'ea', 'eb']);
    expect(
      l1
        .get('seg')!
        .relations.map((r) => r.targetId)
        .sort(),
    ).toEqual(['ea', 'eb']);
    expect(l1.list()).toEqual(new LayerDoc(c2).list());
  });

  it('the same field edited concurrently converges to one value on both sides', () => {
    const { a, b, ctxA, ctxB } = replicas();
    a.update('seg', { end: 11 }, ctxA);
    b.update('seg', { end: 13 }, ctxB);
    sync(a.doc, b.doc);
    expect(asSegment(a.get('seg')).end).toBe(asSegment(b.get('seg')).end);
    expect([11, 13]).toContain(asSegment(a.get('seg')).end);
  });

  it('a delete concurrent with an edit removes the annotation on both sides', () => {
    const { a, b, ctxB } = replicas();
    a.delete('seg');
    b.update('seg', { end: 4 }, ctxB);
    sync(a.doc, b.doc);
    expect(a.get('seg')).toBeNull();
    expect(b.get('seg')).toBeNull();
  });
});
