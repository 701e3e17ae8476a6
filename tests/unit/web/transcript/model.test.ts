/** TranscriptModel follows a layer incrementally: segments of one tier in order, spans by segment. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TranscriptModel } from '../../../../web/lib/transcript/model.ts';
import type { TranscriptSnapshot } from '../../../../web/lib/transcript/model.ts';
import { context, layer, segment, sync } from './fixtures.ts';

describe('TranscriptModel', () => {
  it('lists the tier’s segments by time and the span tiers’ spans by segment', () => {
    const doc = layer();
    const ctx = context();
    segment(doc, 's2', 5, 8, 'second line', ctx);
    segment(doc, 's1', 1, 4, 'Ada in Paris', ctx);
    doc.create({ kind: 'event', tierId: 'events', start: 2 }, ctx);
    doc.create(
      { id: 'p', kind: 'span', tierId: 'ner', startOffset: 7, endOffset: 12, textAnnotationId: 's1', label: 'place' },
      ctx,
    );
    doc.create(
      { id: 'n', kind: 'span', tierId: 'sound', startOffset: 0, endOffset: 3, textAnnotationId: 's1', label: 'noise' },
      ctx,
    );
    const m = new TranscriptModel(doc, 'transcript', ['ner']);
    const snap = m.snapshot();
    expect(snap.segments.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(snap.spans.get('s1')?.map((s) => s.id)).toEqual(['p']);
    expect(snap.spans.has('s2')).toBe(false);
    m.destroy();
  });

  it('updates on local and remote changes and reports fresh arrays', () => {
    const doc = layer();
    const ctx = context();
    segment(doc, 'a', 0, 1, 'one', ctx);
    segment(doc, 'b', 2, 3, 'two', ctx);
    const snaps: TranscriptSnapshot[] = [];
    const m = new TranscriptModel(doc, 'transcript', ['ner'], (s) => snaps.push(s));
    const first = m.snapshot();

    doc.text('a')!.insert(3, ' more');
    expect(snaps).toHaveLength(1);
    expect(snaps[0]!.segments).not.toBe(first.segments);
    expect(snaps[0]!.segments[0]!.text).toBe('one more');
    // Span groups untouched by a text edit keep their identity (rows do not re-render).
    expect(snaps[0]!.spans).toBe(first.spans);

    doc.update('a', { start: 4, end: 5 }, ctx);
    expect(m.snapshot().segments.map((s) => s.id)).toEqual(['b', 'a']);

    doc.create(
      { id: 'x', kind: 'span', tierId: 'ner', startOffset: 0, endOffset: 3, textAnnotationId: 'a', label: 'entity' },
      ctx,
    );
    const withSpan = m.snapshot().spans;
    expect(withSpan.get('a')?.map((s) => s.id)).toEqual(['x']);
    doc.create(
      { id: 'y', kind: 'span', tierId: 'ner', startOffset: 0, endOffset: 2, textAnnotationId: 'b', label: 'entity' },
      ctx,
    );
    // Only b's group is new.
    expect(m.snapshot().spans.get('a')).toBe(withSpan.get('a'));

    // A peer deletes a segment and moves a span.
    const peer = new Y.Doc();
    sync(doc.doc, peer);
    const remote = layer(peer);
    remote.delete('b');
    remote.update('x', { startOffset: 4, endOffset: 8 }, ctx);
    sync(doc.doc, peer);
    expect(m.snapshot().segments.map((s) => s.id)).toEqual(['a']);
    expect(m.snapshot().spans.get('a')?.[0]).toMatchObject({ id: 'x', startOffset: 4, endOffset: 8 });

    const count = snaps.length;
    doc.create({ kind: 'event', tierId: 'events', start: 1 }, ctx);
    expect(snaps).toHaveLength(count); // nothing of the transcript changed
    m.destroy();
    doc.text('a')!.insert(0, '>');
    expect(snaps).toHaveLength(count);
  });
});
