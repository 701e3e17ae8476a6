/** IncomingRelations: relations seen from their target, current after local and remote changes. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONFLICT_RELATION } from '../../../../web/lib/inspector/edits.ts';
import { IncomingRelations } from '../../../../web/lib/inspector/relations.ts';
import { context, layer, segment, sync } from '../transcript/fixtures.ts';

describe('IncomingRelations', () => {
  it('indexes relations by target and follows adds, removals and deletions', () => {
    const doc = layer();
    const ctx = context();
    segment(doc, 'a', 0, 1, 'a', ctx);
    segment(doc, 'b', 1, 2, 'b', ctx);
    segment(doc, 'c', 2, 3, 'c', ctx);
    doc.addRelation('a', { type: 'refers_to', targetId: 'c' }, ctx);
    const changed: string[][] = [];
    const index = new IncomingRelations(doc, (ids) => changed.push([...ids].sort()));
    expect(index.to('c')).toEqual([{ sourceId: 'a', type: 'refers_to' }]);

    doc.addRelation('b', { type: CONFLICT_RELATION, targetId: 'c' }, ctx);
    expect(index.to('c')).toEqual([
      { sourceId: 'a', type: 'refers_to' },
      { sourceId: 'b', type: CONFLICT_RELATION },
    ]);
    expect(changed.at(-1)).toEqual(['c']);

    doc.removeRelation('a', { type: 'refers_to', targetId: 'c' }, ctx);
    expect(index.to('c')).toEqual([{ sourceId: 'b', type: CONFLICT_RELATION }]);

    // A peer deletes the source: its relations go with it.
    const peer = new Y.Doc();
    sync(doc.doc, peer);
    layer(peer).delete('b');
    sync(doc.doc, peer);
    expect(index.to('c')).toEqual([]);
    expect(changed.at(-1)).toEqual(['c']);

    // Deleting a target removes relations pointing at it (LayerDoc.delete).
    doc.addRelation('a', { type: 'refers_to', targetId: 'c' }, ctx);
    doc.delete('c');
    expect(index.to('c')).toEqual([]);
    index.destroy();
    segment(doc, 'd', 3, 4, 'd', ctx);
    doc.addRelation('a', { type: 'x', targetId: 'd' }, ctx);
    expect(index.to('d')).toEqual([]);
  });
});
