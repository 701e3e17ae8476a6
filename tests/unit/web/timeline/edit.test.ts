/** Edit operations produce the right LayerDoc state, in one transaction with the caller's origin. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelValidationError } from '../../../../shared/model/issues.ts';
import {
  createEvent,
  createSegment,
  deleteAnnotations,
  mergeSegments,
  moveAnnotation,
  resizeEdge,
  setExtent,
  setLabel,
  splitSegment,
} from '../../../../web/lib/timeline/edit.ts';
import { context, layer, transactions } from './fixtures.ts';

const ORIGIN = { user: 'ann1' };

function seg(doc: ReturnType<typeof layer>, id: string, start: number, end: number, extra = {}) {
  return doc.create({ id, kind: 'segment', tierId: 'words', start, end, ...extra }, context());
}

describe('create', () => {
  it('creates a segment from a drag in either direction, clamped to the media', () => {
    const doc = layer();
    const log = transactions(doc.doc);
    const a = createSegment(doc, context(), { tierId: 'words', start: 3610, end: 3590, label: 'speech' }, ORIGIN);
    expect(a).toMatchObject({
      kind: 'segment',
      tierId: 'words',
      start: 3590,
      end: 3600,
      label: 'speech',
      author: 'ann1',
    });
    expect(log).toEqual([ORIGIN]);
  });

  it('creates an event and rejects zero-length segments without writing', () => {
    const doc = layer();
    expect(createEvent(doc, context(), { tierId: 'events', time: 12.5 }, ORIGIN)).toMatchObject({
      kind: 'event',
      start: 12.5,
    });
    const log = transactions(doc.doc);
    expect(() => createSegment(doc, context(), { tierId: 'words', start: 5, end: 5 }, ORIGIN)).toThrow(
      ModelValidationError,
    );
    expect(() => createSegment(doc, context(), { tierId: 'events', start: 5, end: 6 }, ORIGIN)).toThrow(/events/);
    expect(log).toEqual([]);
    expect(doc.list()).toHaveLength(1);
  });
});

describe('move and resize', () => {
  it('moves keeping the duration, clamped inside the media', () => {
    const doc = layer();
    seg(doc, 'a', 10, 12.5);
    const log = transactions(doc.doc);
    expect(moveAnnotation(doc, context(), 'a', 20, ORIGIN)).toMatchObject({ start: 20, end: 22.5 });
    expect(moveAnnotation(doc, context(), 'a', 3599, ORIGIN)).toMatchObject({ start: 3597.5, end: 3600 });
    expect(moveAnnotation(doc, context(), 'a', -5, ORIGIN)).toMatchObject({ start: 0, end: 2.5 });
    expect(log).toEqual([ORIGIN, ORIGIN, ORIGIN]);
    expect(setExtent(doc, context(), 'a', 1, 4, ORIGIN)).toMatchObject({ start: 1, end: 4 });
  });

  it('resizes an edge without crossing the other one', () => {
    const doc = layer();
    seg(doc, 'a', 10, 20);
    expect(resizeEdge(doc, context(), 'a', 'start', 12, ORIGIN)).toMatchObject({ start: 12, end: 20 });
    expect(resizeEdge(doc, context(), 'a', 'end', 25, ORIGIN)).toMatchObject({ start: 12, end: 25 });
    expect(resizeEdge(doc, context(), 'a', 'end', 5, ORIGIN, 0.5)).toMatchObject({ start: 12, end: 12.5 });
    expect(resizeEdge(doc, context(), 'a', 'start', 99, ORIGIN, 0.5)).toMatchObject({ start: 12, end: 12.5 });
  });

  it('moves events', () => {
    const doc = layer();
    doc.create({ id: 'e', kind: 'event', tierId: 'events', start: 3 }, context());
    expect(moveAnnotation(doc, context(), 'e', 4, ORIGIN)).toMatchObject({ start: 4 });
    expect(resizeEdge(doc, context(), 'e', 'end', 6, ORIGIN)).toMatchObject({ start: 6 });
  });
});

describe('split', () => {
  it('splits at a time inside the segment in one transaction, copying the label and attributes', () => {
    const doc = layer();
    seg(doc, 'a', 10, 20, { label: 'speech', text: 'hello world', attributes: { speaker: 'A' } });
    const log = transactions(doc.doc);
    const [left, right] = splitSegment(doc, context(), 'a', 14, ORIGIN, { newId: 'b', textOffset: 6 });
    expect(log).toEqual([ORIGIN]);
    expect(left).toMatchObject({ id: 'a', start: 10, end: 14, text: 'hello ', label: 'speech' });
    expect(right).toMatchObject({
      id: 'b',
      start: 14,
      end: 20,
      text: 'world',
      label: 'speech',
      attributes: { speaker: 'A' },
    });
    expect(doc.list().map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('keeps the whole text on the left by default and rejects points outside', () => {
    const doc = layer();
    seg(doc, 'a', 10, 20, { text: 'abc' });
    const [l, r] = splitSegment(doc, context(), 'a', 15, ORIGIN);
    expect([l.text, r.text]).toEqual(['abc', '']);
    const log = transactions(doc.doc);
    expect(() => splitSegment(doc, context(), 'a', 10, ORIGIN)).toThrow(ModelValidationError);
    expect(() => splitSegment(doc, context(), 'a', 16, ORIGIN)).toThrow(/inside/);
    expect(log).toEqual([]);
  });

  it('one undo step reverts a split', () => {
    const doc = layer();
    seg(doc, 'a', 10, 20, { text: 'abc' });
    const undo = new Y.UndoManager(doc.doc.getMap('annotations'), { trackedOrigins: new Set([ORIGIN]) });
    splitSegment(doc, context(), 'a', 15, ORIGIN);
    expect(doc.list()).toHaveLength(2);
    undo.undo();
    expect(doc.list().map((x) => [x.id, (x as { end: number }).end])).toEqual([['a', 20]]);
  });
});

describe('merge, delete, label', () => {
  it('merges two segments into the earlier one, filling label/attributes and joining texts', () => {
    const doc = layer();
    seg(doc, 'a', 10, 12, { text: 'hello', attributes: {} });
    seg(doc, 'b', 13, 15, { text: 'world', label: 'speech', attributes: { speaker: 'B' } });
    doc.create(
      { id: 'e', kind: 'event', tierId: 'events', start: 1, relations: [{ type: 'cue', targetId: 'b' }] },
      context(),
    );
    const log = transactions(doc.doc);
    const m = mergeSegments(doc, context(), 'b', 'a', ORIGIN);
    expect(log).toEqual([ORIGIN]);
    expect(m).toMatchObject({
      id: 'a',
      start: 10,
      end: 15,
      text: 'hello world',
      label: 'speech',
      attributes: { speaker: 'B' },
    });
    expect(doc.get('b')).toBeNull();
    expect(doc.get('e')!.relations).toEqual([]); // relations to the removed segment are dropped
  });

  it('refuses to merge across tiers or with itself', () => {
    const doc = layer();
    seg(doc, 'a', 10, 12);
    doc.create({ id: 't', kind: 'segment', tierId: 'turns', start: 12, end: 14 }, context());
    expect(() => mergeSegments(doc, context(), 'a', 't', ORIGIN)).toThrow(/same tier/);
    expect(() => mergeSegments(doc, context(), 'a', 'a', ORIGIN)).toThrow(/itself/);
  });

  it('deletes several in one transaction and labels all-or-nothing', () => {
    const doc = layer();
    seg(doc, 'a', 1, 2);
    seg(doc, 'b', 2, 3);
    seg(doc, 'c', 3, 4);
    const log = transactions(doc.doc);
    expect(deleteAnnotations(doc, ['a', 'b', 'missing'], ORIGIN)).toBe(2);
    expect(log).toEqual([ORIGIN]);
    expect(setLabel(doc, context(), ['c'], 'music', ORIGIN)[0].label).toBe('music');
    expect(() => setLabel(doc, context(), ['c'], 'nope', ORIGIN)).toThrow(ModelValidationError);
    expect(doc.get('c')!.label).toBe('music');
  });
});
