/** The timeline model follows its LayerDocs incrementally: local edits, peer updates, tier moves. */
import { describe, expect, it } from 'vitest';
import { TimelineModel } from '../../../../web/lib/timeline/model.ts';
import { Prng } from '../../../helpers/prng.ts';
import { context, lanes, layer, sync } from './fixtures.ts';

describe('TimelineModel', () => {
  it('indexes existing annotations per tier and skips spans', () => {
    const doc = layer();
    const ctx = context();
    doc.create({ id: 'w1', kind: 'segment', tierId: 'words', start: 1, end: 2, text: 'hello', label: 'speech' }, ctx);
    doc.create({ id: 'e1', kind: 'event', tierId: 'events', start: 5 }, ctx);
    const model = new TimelineModel();
    model.setLayers({ L1: doc });
    model.setLanes(lanes());
    expect(model.index(model.lanes[0]).toArray()).toMatchObject([
      { id: 'w1', start: 1, end: 2, label: 'speech', text: 'hello', kind: 'segment' },
    ]);
    expect(model.index(model.lanes[2]).toArray()).toMatchObject([{ id: 'e1', start: 5, end: 5, kind: 'event' }]);
    expect(model.index(model.lanes[1]).size).toBe(0);
    expect(model.size).toBe(2);
  });

  it('applies creates, updates, tier changes and deletes without rebuilding', () => {
    const doc = layer();
    const ctx = context();
    const model = new TimelineModel();
    model.setLayers({ L1: doc });
    model.setLanes(lanes());
    const changes: string[][] = [];
    model.onChange = (c) => changes.push(c.ids);
    doc.create({ id: 'a', kind: 'segment', tierId: 'words', start: 10, end: 12 }, ctx, 'me');
    const before = model.index(model.lanes[0]);
    doc.update('a', { start: 11, label: 'music' }, ctx, 'me');
    expect(model.index(model.lanes[0])).toBe(before); // same index object: updated in place
    expect(model.item({ layerId: 'L1', id: 'a' })).toMatchObject({ start: 11, end: 12, label: 'music' });
    doc.update('a', { tierId: 'turns' }, ctx, 'me');
    expect(model.index(model.lanes[0]).size).toBe(0);
    expect(
      model
        .index(model.lanes[1])
        .toArray()
        .map((i) => i.id),
    ).toEqual(['a']);
    doc.text('a')!.insert(0, 'typed');
    expect(model.item({ layerId: 'L1', id: 'a' })!.text).toBe('typed');
    doc.delete('a', 'me');
    expect(model.index(model.lanes[1]).size).toBe(0);
    expect(model.item({ layerId: 'L1', id: 'a' })).toBeNull();
    expect(changes).toEqual([['a'], ['a'], ['a'], ['a'], ['a']]);
  });

  it('follows a peer replica and matches a fresh rebuild after random edits', () => {
    const mine = layer();
    const theirs = layer();
    const ctx = context();
    const model = new TimelineModel();
    model.setLayers({ L1: mine });
    model.setLanes(lanes());
    const rng = new Prng(42);
    const ids: string[] = [];
    for (let step = 0; step < 400; step++) {
      const target = rng.chance(0.5) ? mine : theirs;
      const r = rng.next();
      const live = ids.filter((id) => target.get(id) !== null);
      if (r < 0.5 || live.length === 0) {
        const id = `x${step}`;
        ids.push(id);
        const start = rng.next() * 3500;
        if (rng.chance(0.2)) target.create({ id, kind: 'event', tierId: 'events', start }, ctx);
        else
          target.create(
            { id, kind: 'segment', tierId: rng.pick(['words', 'turns']), start, end: start + 1 + rng.next() * 20 },
            ctx,
          );
      } else if (r < 0.8) {
        const id = rng.pick(live);
        const a = target.get(id)!;
        const start = rng.next() * 3500;
        if (a.kind === 'event') target.update(id, { start }, ctx);
        else target.update(id, { start, end: start + 2 }, ctx);
      } else target.delete(rng.pick(live));
      if (rng.chance(0.3)) sync(mine.doc, theirs.doc);
    }
    sync(mine.doc, theirs.doc);
    const fresh = new TimelineModel();
    fresh.setLayers({ L1: mine });
    fresh.setLanes(lanes());
    for (const lane of lanes()) expect(model.index(lane).toArray()).toEqual(fresh.index(lane).toArray());
  });

  it('reloads a layer wholesale on a large remote batch, and detaches removed layers', () => {
    const source = layer();
    const ctx = context();
    source.doc.transact(() => {
      for (let i = 0; i < 3000; i++)
        source.create({ id: `s${i}`, kind: 'segment', tierId: 'words', start: i, end: i + 0.5 }, ctx);
    });
    const replica = layer();
    const model = new TimelineModel();
    model.setLayers({ L1: replica });
    model.setLanes(lanes());
    sync(source.doc, replica.doc);
    expect(model.index(model.lanes[0]).size).toBe(3000);
    expect(
      model
        .index(model.lanes[0])
        .query(100.2, 100.2)
        .map((i) => i.id),
    ).toEqual(['s100']);
    model.setLayers({});
    expect(model.index(model.lanes[0]).size).toBe(0);
    replica.create({ id: 'late', kind: 'segment', tierId: 'words', start: 1, end: 2 }, ctx);
    expect(model.item({ layerId: 'L1', id: 'late' })).toBeNull();
  });
});
