/** tiersTouchedByUpdate: which tiers a client's update would write, decided before applying it. */
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AnnotationInput } from '../../../shared/model/annotation.ts';
import { ModelValidationError } from '../../../shared/model/issues.ts';
import { LayerDoc } from '../../../shared/model/layer.ts';
import { tiersTouchedByUpdate } from '../../../shared/model/touched-tiers.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';
import { context, tier } from './fixtures.ts';

const SEGMENT_TIERS = ['speech', 'notes', 'words'];
const EVENT_TIERS = ['events', 'moments'];
const TIERS = [
  ...SEGMENT_TIERS.map((id) =>
    tier(id, 'segment', 'audio', { allowedClassIds: ['vocal'], attributeIds: ['speaker', 'disfluent'] }),
  ),
  ...EVENT_TIERS.map((id) => tier(id, 'event', 'any', { allowedClassIds: ['laugh'] })),
];

const REMOTE = 'remote';

/**
 * A client replica of the server's layer that records its own updates (one per transaction).
 * `clientIds` (a seeded PRNG in the randomized tests) picks the doc's Yjs client ids, which decide
 * struct ids and the order of concurrent inserts; without it Yjs picks them at random.
 */
class Client {
  readonly doc = new Y.Doc();
  readonly layer = new LayerDoc(this.doc);
  readonly ctx: LayerContext;
  private readonly pending: Uint8Array[] = [];
  private readonly clientIds: (() => number) | undefined;

  constructor(server?: Y.Doc, author = 'ann1', clientIds?: () => number) {
    this.clientIds = clientIds;
    if (clientIds !== undefined) this.doc.clientID = clientIds();
    this.ctx = context({ tiers: TIERS, author });
    if (server !== undefined) this.receive(Y.encodeStateAsUpdate(server));
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.pending.push(u);
    });
  }

  receive(update: Uint8Array): void {
    const id = this.doc.clientID;
    Y.applyUpdate(this.doc, update, REMOTE);
    // An update bringing structs under this doc's own client id (a forged one can) makes Yjs switch
    // to a new random id: take the next seeded one instead.
    if (this.doc.clientID !== id && this.clientIds !== undefined) this.doc.clientID = this.clientIds();
  }

  /** The one update the last action produced. */
  take(): Uint8Array {
    expect(this.pending).toHaveLength(1);
    return this.pending.splice(0)[0]!;
  }

  /** Every update recorded so far (possibly none). */
  takeAll(): Uint8Array[] {
    return this.pending.splice(0);
  }

  segment(id: string, tierId = 'speech', extra: Partial<AnnotationInput> = {}): void {
    this.layer.create(
      { id, tierId, kind: 'segment', start: 0, end: 5, text: 'hello', ...extra } as AnnotationInput,
      this.ctx,
    );
  }

  event(id: string, tierId = 'events'): void {
    this.layer.create({ id, tierId, kind: 'event', start: 1 }, this.ctx);
  }
}

/** The result as a sorted list (null stays null). */
function touched(doc: Y.Doc, update: Uint8Array): string[] | null {
  const r = tiersTouchedByUpdate(doc, update);
  return r === null ? null : [...r].sort();
}

/** Checks the update against the server doc, applies it when attributable, and returns the check's result. */
function deliver(server: Y.Doc, update: Uint8Array): string[] | null {
  const r = touched(server, update);
  if (r !== null) Y.applyUpdate(server, update, 'client');
  return r;
}

/** A server with annotation `a` on `speech` (and `e` on `events`), plus a synced client. */
function setup(): { server: Y.Doc; client: Client } {
  const author = new Client();
  author.segment('a', 'speech', { attributes: { speaker: 'A' } });
  author.event('e');
  const server = new Y.Doc();
  Y.applyUpdate(server, Y.encodeStateAsUpdate(author.doc));
  return { server, client: new Client(server) };
}

describe('tiersTouchedByUpdate: edits through LayerDoc', () => {
  it('creating an annotation touches its tier', () => {
    const { server, client } = setup();
    client.segment('b', 'notes');
    expect(deliver(server, client.take())).toEqual(['notes']);
    client.event('f', 'moments');
    expect(deliver(server, client.take())).toEqual(['moments']);
    expect(new LayerDoc(server).get('b')).toMatchObject({ tierId: 'notes' });
  });

  it('the first annotation of an empty document (creates the roots) touches its tier only', () => {
    const server = new Y.Doc();
    const client = new Client(server);
    client.segment('a');
    expect(deliver(server, client.take())).toEqual(['speech']);
  });

  it('setting a label, a boundary or an attribute touches the annotation’s tier', () => {
    const { server, client } = setup();
    client.layer.update('a', { label: 'speech' }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.layer.update('a', { end: 7 }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.layer.update('a', { attributes: { speaker: 'B', disfluent: true } }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.layer.update('a', { attributes: { speaker: null } }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.layer.update('e', { label: 'laugh' }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['events']);
  });

  it('typing into and deleting from the transcript touches the segment’s tier', () => {
    const { server, client } = setup();
    client.layer.text('a')!.insert(5, ' world');
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.layer.text('a')!.delete(0, 3);
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.layer.text('a')!.format(0, 2, { bold: true });
    expect(deliver(server, client.take())).toEqual(['speech']);
    expect(new LayerDoc(server).text('a')!.toString()).toBe('lo world');
  });

  it('adding and removing a relation touches the source annotation’s tier', () => {
    const { server, client } = setup();
    client.layer.addRelation('a', { type: 'has', targetId: 'e' }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.layer.removeRelation('a', { type: 'has', targetId: 'e' }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['speech']);
  });

  it('deleting an annotation touches its tier, and the tiers of annotations whose relations pointed at it', () => {
    const { server, client } = setup();
    client.layer.delete('a');
    expect(deliver(server, client.take())).toEqual(['speech']);
    client.segment('b', 'notes');
    client.layer.addRelation('b', { type: 'has', targetId: 'e' }, client.ctx);
    for (const u of client.takeAll()) deliver(server, u);
    client.layer.delete('e');
    expect(deliver(server, client.take())).toEqual(['events', 'notes']);
  });

  it('moving an annotation to another tier touches both tiers', () => {
    const { server, client } = setup();
    client.layer.update('a', { tierId: 'notes' }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['notes', 'speech']);
    // Afterwards it belongs to the new tier only.
    client.layer.update('a', { label: 'speech' }, client.ctx);
    expect(deliver(server, client.take())).toEqual(['notes']);
  });

  it('one transaction over annotations of two tiers touches both', () => {
    const { server, client } = setup();
    client.doc.transact(() => {
      client.layer.update('a', { end: 9 }, client.ctx);
      client.layer.update('e', { start: 3 }, client.ctx);
    });
    expect(deliver(server, client.take())).toEqual(['events', 'speech']);
    client.doc.transact(() => {
      client.segment('x', 'words');
      client.layer.text('a')!.insert(0, '>');
    });
    expect(deliver(server, client.take())).toEqual(['speech', 'words']);
  });

  it('a tier written twice in one transaction: only the surviving value counts', () => {
    const { server, client } = setup();
    client.doc.transact(() => {
      client.segment('x', 'notes');
      client.layer.update('x', { tierId: 'words' }, client.ctx);
      client.layer.update('a', { tierId: 'notes' }, client.ctx);
      client.layer.update('a', { tierId: 'words' }, client.ctx);
    });
    // The overwritten 'notes' values travel as deleted content: no annotation ends up on notes.
    expect(deliver(server, client.take())).toEqual(['speech', 'words']);
  });

  it('a write to `meta` only touches no tier', () => {
    const { server, client } = setup();
    client.doc.getMap('meta').set('note', 'x');
    expect(deliver(server, client.take())).toEqual([]);
    client.doc.getMap('meta').delete('note');
    expect(deliver(server, client.take())).toEqual([]);
  });

  it('an update the server already has touches nothing', () => {
    const { server, client } = setup();
    client.layer.update('a', { label: 'speech' }, client.ctx);
    const u = client.take();
    expect(deliver(server, u)).toEqual(['speech']);
    expect(touched(server, u)).toEqual([]);
    expect(touched(server, Y.encodeStateAsUpdate(server))).toEqual([]);
  });

  it('a sync-step-2 style diff of several transactions touches the union of their tiers', () => {
    const { server, client } = setup();
    const before = Y.encodeStateVector(server);
    client.layer.update('a', { label: 'speech' }, client.ctx);
    client.segment('b', 'words');
    client.layer.text('b')!.insert(0, 'x');
    client.layer.delete('e');
    client.takeAll();
    expect(deliver(server, Y.encodeStateAsUpdate(client.doc, before))).toEqual(['events', 'speech', 'words']);
    // Merged updates (partly known to the server) work too.
    client.layer.update('b', { end: 3 }, client.ctx);
    const u1 = client.take();
    client.event('f', 'moments');
    const u2 = client.take();
    expect(deliver(server, Y.mergeUpdates([u1, u2]))).toEqual(['moments', 'words']);
  });
});

describe('tiersTouchedByUpdate: concurrent clients', () => {
  it('attributes an edit to the tier the annotation has on the server now', () => {
    const { server } = setup();
    const c1 = new Client(server, 'ann1');
    const c2 = new Client(server, 'ann2');
    c1.layer.update('a', { tierId: 'notes' }, c1.ctx);
    c2.layer.update('a', { label: 'speech' }, c2.ctx);
    c2.layer.text('a')!.insert(0, 'Oh, ');
    const [u2a, u2b] = c2.takeAll();
    expect(deliver(server, c1.take())).toEqual(['notes', 'speech']);
    // c2 still thinks `a` is on speech: on the server it is on notes now.
    expect(deliver(server, u2a!)).toEqual(['notes']);
    expect(deliver(server, u2b!)).toEqual(['notes']);
    expect(new LayerDoc(server).get('a')).toMatchObject({ tierId: 'notes', label: 'speech', text: 'Oh, hello' });
  });

  it('a concurrent creation under an existing id also touches the tier of the annotation it may replace', () => {
    const server = new Y.Doc();
    const c1 = new Client(server, 'ann1');
    const c2 = new Client(server, 'ann2');
    c1.segment('x', 'speech');
    c2.event('x', 'events');
    expect(deliver(server, c1.take())).toEqual(['speech']);
    expect(deliver(server, c2.take())).toEqual(['events', 'speech']);
  });

  it('edits of an annotation deleted concurrently are attributed (or are no-ops), never refused as unknown', () => {
    for (const gc of [true, false]) {
      const author = new Client();
      author.segment('a', 'speech');
      const server = new Y.Doc({ gc });
      Y.applyUpdate(server, Y.encodeStateAsUpdate(author.doc));
      const c1 = new Client(server, 'ann1');
      const c2 = new Client(server, 'ann2');
      c1.layer.delete('a');
      c2.layer.update('a', { label: 'speech', attributes: { speaker: 'Z' } }, c2.ctx);
      c2.layer.text('a')!.insert(2, 'XY');
      expect(deliver(server, c1.take())).toEqual(['speech']);
      // With gc the deleted content is gone and Yjs drops the edits; without, they land in the deleted map.
      for (const u of c2.takeAll()) expect(deliver(server, u)).toEqual(gc ? [] : ['speech']);
      expect(new LayerDoc(server).list()).toEqual([]);
    }
  });

  it('concurrent typing from two clients in one transcript touches its tier', () => {
    const { server } = setup();
    const c1 = new Client(server, 'ann1');
    const c2 = new Client(server, 'ann2');
    c1.layer.text('a')!.insert(5, '!');
    c2.layer.text('a')!.insert(0, '¡');
    c2.layer.text('a')!.delete(1, 2);
    expect(
      deliver(
        server,
        c2.takeAll().reduce((x, y) => Y.mergeUpdates([x, y])),
      ),
    ).toEqual(['speech']);
    expect(deliver(server, c1.take())).toEqual(['speech']);
    expect(new LayerDoc(server).text('a')!.toString()).toBe('¡llo!');
  });
});

describe('tiersTouchedByUpdate: what it refuses (null) or cannot be fooled by', () => {
  it('an update built on an update the server never received is refused', () => {
    const { server, client } = setup();
    client.segment('b', 'notes');
    client.take(); // never reaches the server
    client.layer.update('b', { label: 'speech' }, client.ctx);
    expect(touched(server, client.take())).toBeNull();
    // Same with the missing update coming from another client.
    const other = new Client(server, 'ann2');
    other.segment('c', 'notes');
    client.receive(other.take());
    client.layer.text('c')!.insert(0, 'x');
    expect(touched(server, client.take())).toBeNull();
    // And a delete of structs the server does not have (Yjs would keep it pending and apply it later).
    client.layer.delete('c');
    expect(touched(server, client.take())).toBeNull();
  });

  it('an update with a gap (a skipped range the server lacks) is refused', () => {
    const { server, client } = setup();
    client.layer.update('a', { end: 6 }, client.ctx);
    const u1 = client.take();
    client.layer.update('a', { end: 7 }, client.ctx);
    const u2 = client.take();
    client.layer.update('e', { start: 2 }, client.ctx);
    const u3 = client.take();
    expect(touched(server, Y.mergeUpdates([u1, u3]))).toBeNull();
    expect(touched(server, u3)).toBeNull();
    expect(deliver(server, u1)).toEqual(['speech']);
    expect(deliver(server, Y.mergeUpdates([u2, u3]))).toEqual(['events', 'speech']);
  });

  it('an update that would release structs the server holds as pending is refused', () => {
    const { server, client } = setup();
    client.segment('b', 'notes');
    const u1 = client.take();
    client.layer.update('e', { start: 4 }, client.ctx);
    const u2 = client.take();
    Y.applyUpdate(server, u2); // unchecked: Yjs keeps it pending (it needs u1)
    expect(server.store.pendingStructs).not.toBeNull();
    expect(touched(server, u1)).toBeNull();
  });

  it('an update whose new structs a pending delete set of the server would delete is refused', () => {
    const { server, client } = setup();
    client.segment('b', 'notes');
    const u1 = client.take();
    client.layer.delete('b');
    const u2 = client.take();
    Y.applyUpdate(server, u2); // unchecked: a delete of unknown clocks stays pending
    expect(server.store.pendingDs).not.toBeNull();
    expect(touched(server, u1)).toBeNull();
  });

  it('a new annotation map without a tier touches tier ""', () => {
    const { server, client } = setup();
    client.doc.getMap('annotations').set('bare', new Y.Map());
    expect(deliver(server, client.take())).toEqual(['']);
    client.doc.transact(() => {
      const junk = new Y.Map<unknown>();
      client.doc.getMap('annotations').set('num', junk);
      junk.set('tierId', 42);
    });
    expect(deliver(server, client.take())).toEqual(['']);
    client.doc.getMap('annotations').set('plain', { tierId: 'speech' });
    expect(deliver(server, client.take())).toEqual(['']);
  });

  it('overwriting an annotation’s entry touches the replaced annotation’s tier', () => {
    const { server, client } = setup();
    const m = new Y.Map<unknown>();
    client.doc.transact(() => {
      client.doc.getMap('annotations').set('a', m);
      m.set('tierId', 'notes');
    });
    expect(deliver(server, client.take())).toEqual(['notes', 'speech']);
  });

  it('a tier written into a nested map does not count as the annotation’s tier', () => {
    const { server, client } = setup();
    const attrs = (client.doc.getMap('annotations').get('a') as Y.Map<unknown>).get('attributes') as Y.Map<unknown>;
    attrs.set('tierId', 'notes');
    expect(deliver(server, client.take())).toEqual(['speech']);
  });

  it('a list item directly in `annotations` (not under an id) is refused', () => {
    const { server } = setup();
    const forger = new Y.Doc();
    forger.getArray('annotations').insert(0, ['junk']);
    expect(touched(server, Y.encodeStateAsUpdate(forger))).toBeNull();
  });

  it('writes under another root touch no tier', () => {
    const { server } = setup();
    const forger = new Y.Doc();
    forger.getMap('other').set('annotations', 'x');
    forger.getText('notes').insert(0, 'tierId');
    expect(deliver(server, Y.encodeStateAsUpdate(forger))).toEqual([]);
  });

  it('a delete set with an empty range at or past the state is refused (Yjs throws on it)', () => {
    const { server } = setup();
    const [client] = [...server.store.clients.keys()] as [number];
    const state = Y.getState(server.store, client);
    for (const u of [deletes(client, [[state, 0]]), deletes(client, [[state + 3, 0]]), deletes(4242, [[0, 0]])]) {
      expect(touched(server, u)).toBeNull();
      // Yjs keeps it as a pending delete and fails to encode that.
      const clone = new Y.Doc();
      Y.applyUpdate(clone, Y.encodeStateAsUpdate(server));
      expect(() => Y.applyUpdate(clone, u)).toThrow('Unexpected case');
    }
    // Below the state it deletes nothing.
    expect(
      deliver(
        server,
        deletes(client, [
          [0, 0],
          [state - 1, 0],
        ]),
      ),
    ).toEqual([]);
    expect(new LayerDoc(server).get('a')).toMatchObject({ tierId: 'speech', text: 'hello' });
  });

  it('a struct of length 0 is refused (Yjs would integrate it and corrupt its store)', () => {
    const { server } = setup();
    const u = emptyItem(4242, 0, 'meta', 'x');
    expect(touched(server, u)).toBeNull();
    const clone = new Y.Doc();
    Y.applyUpdate(clone, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(clone, u);
    expect(storeProblem(clone)).not.toBeNull();
  });

  it('garbage is refused', () => {
    const { server } = setup();
    expect(touched(server, new Uint8Array([1, 2, 3, 250, 250, 250]))).toBeNull();
    expect(touched(server, new Uint8Array([]))).toBeNull();
  });

  it('does not modify the document', () => {
    const { server, client } = setup();
    const before = Y.encodeStateAsUpdate(server);
    client.layer.text('a')!.insert(2, 'abc');
    client.layer.update('a', { tierId: 'words' }, client.ctx);
    for (const u of client.takeAll()) touched(server, u);
    expect(Y.encodeStateAsUpdate(server)).toEqual(before);
  });
});

/** A v1 update that only deletes `ranges` ([clock, length]) of `client`; v1 can encode a length of 0. */
function deletes(client: number, ranges: [number, number][]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // no structs
  encoding.writeVarUint(e, 1); // one client in the delete set
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, ranges.length);
  for (const [clock, len] of ranges) {
    encoding.writeVarUint(e, clock);
    encoding.writeVarUint(e, len);
  }
  return encoding.toUint8Array(e);
}

/** A v1 update of one item setting `root[key]` to a `ContentAny` of no values (length 0, which Yjs never writes). */
function emptyItem(client: number, clock: number, root: string, key: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // structs of one client
  encoding.writeVarUint(e, 1); // one struct
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  encoding.writeUint8(e, 8 | 0x20); // ContentAny, with a key (no origins: the parent follows)
  encoding.writeVarUint(e, 1); // the parent is a root, by name
  encoding.writeVarString(e, root);
  encoding.writeVarString(e, key);
  encoding.writeVarUint(e, 0); // no values
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
}

// ---------------------------------------------------------------------------------------------
// Randomized: compare against ground truth obtained by applying the update to a clone.

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** annotation id → {tier, content} of a document. */
function snapshot(doc: Y.Doc): Map<string, { tier: string; json: string }> {
  const out = new Map<string, { tier: string; json: string }>();
  for (const [id, v] of doc.getMap('annotations').entries()) {
    const tierId = v instanceof Y.Map ? v.get('tierId') : undefined;
    out.set(id, {
      tier: typeof tierId === 'string' ? tierId : '',
      json: canonical(v instanceof Y.AbstractType ? v.toJSON() : v),
    });
  }
  return out;
}

/** Tiers whose annotations actually change when `update` is applied (on a clone of `server`). */
function groundTruth(server: Y.Doc, update: Uint8Array): string[] {
  const clone = new Y.Doc({ gc: server.gc });
  Y.applyUpdate(clone, Y.encodeStateAsUpdate(server));
  const before = snapshot(clone);
  Y.applyUpdate(clone, update);
  const after = snapshot(clone);
  const out = new Set<string>();
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    if (b?.json === a?.json) continue;
    if (b !== undefined) out.add(b.tier);
    if (a !== undefined) out.add(a.tier);
  }
  return [...out].sort();
}

/** Yjs client ids drawn from a seeded PRNG, so that randomized runs are reproducible. */
function clientIds(r: () => number): () => number {
  return () => Math.floor(r() * 0x1_0000_0000);
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** One random LayerDoc edit (or a small transaction of edits) on the client; invalid edits are skipped. */
function randomEdit(r: () => number, c: Client, next: () => string): void {
  const ids = c.layer.list().map((a) => a.id);
  const one = (): void => {
    const op = r();
    try {
      if (ids.length === 0 || op < 0.2) {
        if (r() < 0.6) c.segment(next(), pick(r, SEGMENT_TIERS), { start: Math.floor(r() * 50), end: 60 });
        else c.event(next(), pick(r, EVENT_TIERS));
        return;
      }
      const id = pick(r, ids);
      const a = c.layer.get(id);
      if (a === null) return;
      const sameKind = a.kind === 'segment' ? SEGMENT_TIERS : EVENT_TIERS;
      if (op < 0.3) c.layer.update(id, { tierId: pick(r, sameKind) }, c.ctx);
      else if (op < 0.4)
        c.layer.update(id, { label: r() < 0.5 ? null : a.kind === 'segment' ? 'speech' : 'laugh' }, c.ctx);
      else if (op < 0.5 && a.kind === 'segment')
        c.layer.update(id, { attributes: { speaker: r() < 0.3 ? null : pick(r, ['A', 'B', 'C']) } }, c.ctx);
      else if (op < 0.6) c.layer.update(id, { start: Math.floor(r() * 40) }, c.ctx);
      else if (op < 0.72 && a.kind === 'segment') {
        const t = c.layer.text(id)!;
        if (t.length > 0 && r() < 0.4) t.delete(Math.floor(r() * t.length), 1);
        else t.insert(Math.floor(r() * (t.length + 1)), pick(r, ['a', 'bc', ' ', 'é']));
      } else if (op < 0.8) c.layer.addRelation(id, { type: pick(r, ['has', 'next']), targetId: pick(r, ids) }, c.ctx);
      else if (op < 0.86) {
        const rel = a.relations[0];
        if (rel !== undefined) c.layer.removeRelation(id, rel, c.ctx);
      } else if (op < 0.94) c.layer.delete(id);
      else c.doc.getMap('meta').set('n', r());
    } catch (e) {
      if (!(e instanceof ModelValidationError)) throw e;
    }
  };
  if (r() < 0.15) c.doc.transact(() => [one(), one(), one()]);
  else one();
}

describe('tiersTouchedByUpdate: randomized against applying to a clone', () => {
  it('equals the ground truth for sequential edits of one client', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      const server = new Y.Doc({ gc: seed % 2 === 1 });
      server.clientID = clientIds(r)();
      const client = new Client(server, 'ann1', clientIds(r));
      let n = 0;
      const next = (): string => `s${seed}n${n++}`;
      let checked = 0;
      for (let step = 0; step < 150; step++) {
        randomEdit(r, client, next);
        for (const u of client.takeAll()) {
          const expected = groundTruth(server, u);
          expect(touched(server, u), `seed ${seed} step ${step}`).toEqual(expected);
          Y.applyUpdate(server, u, 'client');
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(server.getMap('annotations').toJSON()).toEqual(client.doc.getMap('annotations').toJSON());
    }
  });

  it('covers the ground truth (and never refuses) with concurrent clients and delayed delivery', () => {
    for (const seed of [11, 12, 13, 14]) {
      const r = rng(seed);
      const server = new Y.Doc({ gc: seed % 2 === 0 });
      server.clientID = clientIds(r)();
      const clients = [0, 1, 2].map((i) => new Client(server, `ann${i}`, clientIds(r)));
      const outbox = clients.map(() => [] as Uint8Array[]); // client → server, FIFO
      const inbox = clients.map(() => [] as Uint8Array[]); // server → client, FIFO
      server.on('update', (u: Uint8Array, origin: unknown) => {
        clients.forEach((_, i) => {
          if (origin !== i) inbox[i]!.push(u);
        });
      });
      let n = 0;
      const next = (): string => `c${seed}n${n++}`;
      let exact = 0;
      let total = 0;
      for (let step = 0; step < 400; step++) {
        const i = Math.floor(r() * clients.length);
        const x = r();
        if (x < 0.45) {
          randomEdit(r, clients[i]!, next);
          outbox[i]!.push(...clients[i]!.takeAll());
        } else if (x < 0.8) {
          const u = outbox[i]!.shift();
          if (u === undefined) continue;
          const expected = groundTruth(server, u);
          const got = touched(server, u);
          expect(got, `seed ${seed} step ${step}`).not.toBeNull();
          expect(got).toEqual(expect.arrayContaining(expected));
          if (canonical(got) === canonical(expected)) exact++;
          total++;
          Y.applyUpdate(server, u, i);
        } else {
          for (const u of inbox[i]!.splice(0, Math.ceil(r() * 3))) clients[i]!.receive(u);
        }
      }
      expect(total).toBeGreaterThan(50);
      expect(exact / total).toBeGreaterThan(0.8);
    }
  });
});

/** Any raw Yjs edit of a layer, including ones LayerDoc never makes (junk entries, removed tiers). */
function rawEdit(r: () => number, d: Y.Doc): void {
  const anns = d.getMap<unknown>('annotations');
  const keys = [...anns.keys()];
  const x = r();
  const m = keys.length > 0 ? anns.get(pick(r, keys)) : undefined;
  if (x < 0.15 || keys.length === 0) {
    const fresh = new Y.Map<unknown>();
    anns.set(`k${Math.floor(r() * 30)}`, fresh);
    if (r() < 0.9) fresh.set('tierId', pick(r, [...SEGMENT_TIERS, ...EVENT_TIERS]));
    fresh.set('text', new Y.Text('abc'));
    fresh.set('attributes', new Y.Map());
    fresh.set('relations', new Y.Array());
  } else if (!(m instanceof Y.Map)) anns.delete(pick(r, keys));
  else if (x < 0.25) m.set('tierId', pick(r, [...SEGMENT_TIERS, ...EVENT_TIERS]));
  else if (x < 0.35) m.set('label', pick(r, ['speech', 'laugh', null]));
  else if (x < 0.45) {
    const t = m.get('text');
    if (t instanceof Y.Text) {
      if (t.length > 0 && r() < 0.4) t.delete(Math.floor(r() * t.length), 1);
      else t.insert(Math.floor(r() * (t.length + 1)), 'zz');
    }
  } else if (x < 0.55) {
    const a = m.get('attributes');
    if (a instanceof Y.Map) {
      if (r() < 0.3) a.delete('speaker');
      else a.set('speaker', r());
    }
  } else if (x < 0.65) {
    const a = m.get('relations');
    if (a instanceof Y.Array) {
      if (a.length > 0 && r() < 0.4) a.delete(0, 1);
      else a.push([{ type: 'has', targetId: pick(r, keys) }]);
    }
  } else if (x < 0.72) anns.delete(pick(r, keys));
  else if (x < 0.78) d.getMap('meta').set('q', r());
  else if (x < 0.82) m.delete(pick(r, ['tierId', 'label', 'text']));
  else if (x < 0.86) m.set('attributes', new Y.Map([['speaker', 'A']]));
  else if (x < 0.9) anns.set(pick(r, keys), pick(r, [1, 'str', { tierId: 'speech' }]));
  else
    d.transact(() => {
      rawEdit(r, d);
      rawEdit(r, d);
    });
}

/**
 * What is wrong with a document's struct store (null: nothing): every client's structs must cover
 * its clocks exactly once, each with a positive length, or later updates fail on it.
 */
function storeProblem(doc: Y.Doc): string | null {
  for (const [client, structs] of doc.store.clients) {
    let clock = 0;
    for (const s of structs) {
      if (s.id.clock !== clock || !(s.length > 0))
        return `struct ${client}:${s.id.clock}+${s.length} at clock ${clock}`;
      clock += s.length;
    }
  }
  return null;
}

/**
 * Besides 21–26, seeds whose corrupted updates once got accepted although Yjs fails on them (see the
 * targeted tests above): an empty delete range at the state (1884, 2009), a struct of length 0 (2173).
 */
const HOSTILE_SEEDS = [21, 22, 23, 24, 25, 26, 1884, 2009, 2173];

describe('tiersTouchedByUpdate: randomized hostile updates', () => {
  it(
    'whatever it accepts applies cleanly, leaves nothing pending and changes no other tier',
    { timeout: 60_000 },
    () => {
      let accepted = 0;
      let refused = 0;
      for (const seed of HOSTILE_SEEDS) {
        const r = rng(seed);
        const ids = clientIds(r);
        const server = new Y.Doc({ gc: seed % 2 === 0 });
        server.clientID = ids();
        // Peers that also sync among themselves, behind the server's back.
        const peers = [0, 1, 2].map(() => new Client(undefined, 'ann1', ids));
        for (let step = 0; step < 250; step++) {
          const p = pick(r, peers);
          const x = r();
          if (x < 0.4) rawEdit(r, p.doc);
          else if (x < 0.55) p.receive(Y.encodeStateAsUpdate(server, Y.encodeStateVector(p.doc)));
          else if (x < 0.6) p.receive(Y.encodeStateAsUpdate(pick(r, peers).doc, Y.encodeStateVector(p.doc)));
          else {
            const out = p.takeAll();
            const y = r();
            let u: Uint8Array | undefined;
            if (y < 0.3) u = out[0];
            else if (y < 0.45)
              u = out[out.length - 1]; // out of order
            else if (y < 0.6 && out.length > 0) u = Y.mergeUpdates(out);
            else if (y < 0.75) u = Y.encodeStateAsUpdate(p.doc, Y.encodeStateVector(server));
            else if (y < 0.85) u = Y.encodeStateAsUpdate(p.doc);
            else {
              u = Y.encodeStateAsUpdate(p.doc, Y.encodeStateVector(server)).slice();
              for (let i = 0; i < 1 + Math.floor(r() * 3); i++) u[Math.floor(r() * u.length)] = Math.floor(r() * 256);
            }
            if (u === undefined) continue;
            const got = tiersTouchedByUpdate(server, u);
            if (got === null) {
              refused++;
              continue;
            }
            accepted++;
            const clone = new Y.Doc({ gc: server.gc });
            Y.applyUpdate(clone, Y.encodeStateAsUpdate(server));
            expect(() => Y.applyUpdate(clone, u), `seed ${seed} step ${step}`).not.toThrow();
            expect(storeProblem(clone), `seed ${seed} step ${step}`).toBeNull();
            expect(clone.store.pendingStructs, `seed ${seed} step ${step}`).toBeNull();
            expect(clone.store.pendingDs, `seed ${seed} step ${step}`).toBeNull();
            expect([...got], `seed ${seed} step ${step}`).toEqual(expect.arrayContaining(groundTruth(server, u)));
            Y.applyUpdate(server, u, 'client');
          }
        }
      }
      expect(accepted).toBeGreaterThan(200);
      expect(refused).toBeGreaterThan(20);
    },
  );
});
