import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeIntoState } from '../../../server/rooms/merge.ts';
import type { DocumentStore, StoredDocument } from '../../../server/rooms/ports.ts';

/**
 * The storage contract (tldraw storageContractSuite style): every DocumentStore implementation
 * registers this suite; a backend passes it or it does not exist.
 */
export function storageContract(
  name: string,
  open: () => Promise<{ store: DocumentStore; close(): Promise<void> }>,
): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    }, 60_000);
    afterAll(async () => {
      await close();
    });

    const docName = () => `contract/${randomUUID()}`;

    /** A writer producing small updates, like a client typing. */
    function writer(clientId: number) {
      const doc = new Y.Doc();
      doc.clientID = clientId;
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      return {
        doc,
        updates,
        type(n: number, prefix: string) {
          for (let i = 0; i < n; i++) doc.getArray<string>('items').push([`${prefix}${i}`]);
          return updates.splice(0);
        },
      };
    }

    function materialise(stored: StoredDocument): Y.Doc {
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      return doc;
    }

    const record = (doc: string, update: Uint8Array, userId: string | null = null) => ({
      docName: doc,
      update,
      userId,
      connectionId: null,
    });

    it('S0 an unknown document loads empty', async () => {
      const stored = await store.load(docName());
      expect(stored).toEqual({ snapshot: null, snapshotVersion: 0, updates: [] });
    });

    it('S1 appended updates load back byte-exact and in order', async () => {
      const doc = docName();
      const w = writer(1);
      const updates = w.type(20, 'a');
      await store.append(updates.map((u) => record(doc, u)));
      const stored = await store.load(doc);
      expect(stored.snapshot).toBeNull();
      expect(stored.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(
        updates.map((u) => Buffer.from(u).toString('hex')),
      );
      expect(materialise(stored).getArray('items').toJSON()).toEqual(w.doc.getArray('items').toJSON());
    });

    it('S1 user and connection ids of any text, and null, round-trip; a 2500-row append is one batch', async () => {
      const doc = docName();
      const w = writer(3);
      const updates = w.type(2500, 'r');
      const odd = ['a"b', 'c\\d', '{e,f}', 'NULL', 'null', '', ' g ', 'é€😀', "h'i"];
      await store.append(
        updates.map((update, i) => ({
          docName: doc,
          update,
          userId: i % 10 === 9 ? null : odd[i % odd.length]!,
          connectionId: i % 7 === 6 ? null : `${odd[(i + 3) % odd.length]!}-${i}`,
        })),
      );
      const stored = await store.load(doc);
      expect(stored.updates.length).toBe(2500);
      expect(Buffer.from(stored.updates[2499]!).equals(Buffer.from(updates[2499]!))).toBe(true);
      const log = await store.log(doc);
      expect(log.map((e) => e.userId)).toEqual(updates.map((_, i) => (i % 10 === 9 ? null : odd[i % odd.length]!)));
      expect(log.map((e) => e.connectionId)).toEqual(
        updates.map((_, i) => (i % 7 === 6 ? null : `${odd[(i + 3) % odd.length]!}-${i}`)),
      );
      expect(log.map((e) => e.bytes)).toEqual(updates.map((u) => u.byteLength));
    });

    it('S1 one append carries several documents and keeps them apart', async () => {
      const [a, b] = [docName(), docName()];
      const wa = writer(1);
      const wb = writer(2);
      const ua = wa.type(3, 'a');
      const ub = wb.type(4, 'b');
      await store.append([...ua.map((u) => record(a, u)), ...ub.map((u) => record(b, u))]);
      expect((await store.load(a)).updates).toHaveLength(3);
      expect((await store.load(b)).updates).toHaveLength(4);
      expect(
        materialise(await store.load(b))
          .getArray('items')
          .toJSON(),
      ).toEqual(['b0', 'b1', 'b2', 'b3']);
    });

    it('the log records who wrote each update, with increasing sequence numbers', async () => {
      const doc = docName();
      const w = writer(1);
      const [u1, u2] = w.type(2, 'x');
      await store.append([record(doc, u1!, 'alice')]);
      await store.append([{ docName: doc, update: u2!, userId: null, connectionId: 'conn-1' }]);
      const log = await store.log(doc);
      expect(log.map((e) => [e.userId, e.connectionId, e.bytes])).toEqual([
        ['alice', null, u1!.byteLength],
        [null, 'conn-1', u2!.byteLength],
      ]);
      expect(log[1]!.seq).toBeGreaterThan(log[0]!.seq);
      expect(log[0]!.createdAt).toBeInstanceOf(Date);
    });

    it('every byte value round-trips, at the sizes around the store’s switch of hex encoder (256 B)', async () => {
      const doc = docName();
      const sizes = [1, 64, 65, 255, 256, 257, 300];
      const updates = sizes.map((size, k) => Uint8Array.from({ length: size }, (_, i) => (i * 7 + k) % 256));
      await store.append(updates.map((u) => record(doc, u)));
      const stored = await store.load(doc);
      expect(stored.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(
        updates.map((u) => Buffer.from(u).toString('hex')),
      );
    });

    it('a 1 MiB update round-trips byte-exact', async () => {
      const doc = docName();
      const big = new Y.Doc();
      let update: Uint8Array | null = null;
      big.on('update', (u: Uint8Array) => (update = u));
      big.getText('t').insert(0, 'é€'.repeat(200_000));
      await store.append([record(doc, update!)]);
      const stored = await store.load(doc);
      expect(Buffer.from(stored.updates[0]!).equals(Buffer.from(update!))).toBe(true);
    });

    it('compaction folds the log into a snapshot with the same content', async () => {
      const doc = docName();
      const w = writer(1);
      await store.append(w.type(30, 'c').map((u) => record(doc, u)));
      const result = await store.compact(doc, mergeIntoState);
      expect(result.folded).toBe(30);
      expect(result.foldedBytes).toBeGreaterThan(0);
      const stored = await store.load(doc);
      expect(stored.updates).toHaveLength(0);
      expect(stored.snapshot).not.toBeNull();
      expect(materialise(stored).getArray('items').length).toBe(30);
      // Later appends land after the snapshot and a second compaction keeps both.
      await store.append(w.type(5, 'd').map((u) => record(doc, u)));
      expect((await store.load(doc)).updates).toHaveLength(5);
      expect((await store.compact(doc, mergeIntoState)).folded).toBe(5);
      expect(
        materialise(await store.load(doc))
          .getArray('items')
          .toJSON(),
      ).toEqual(w.doc.getArray('items').toJSON());
    });

    it('snapshot versions increase, and a merge that already holds the version is not sent it again', async () => {
      const doc = docName();
      const w = writer(4);
      await store.append(w.type(3, 'v').map((u) => record(doc, u)));
      const first = await store.compact(doc, mergeIntoState);
      expect(first.snapshotVersion).toBeGreaterThan(0);
      expect((await store.load(doc)).snapshotVersion).toBe(first.snapshotVersion);
      await store.append(w.type(2, 'w').map((u) => record(doc, u)));
      const seen: Array<Uint8Array | null> = [];
      const spy = (previous: Uint8Array | null, updates: Uint8Array[]) => {
        seen.push(previous);
        return mergeIntoState(previous, updates);
      };
      // A caller that says it holds another version is given the stored snapshot…
      const second = await store.compact(doc, spy, first.snapshotVersion - 1);
      expect(seen[0]).not.toBeNull();
      expect(second.snapshotVersion).toBeGreaterThan(first.snapshotVersion);
      // …one that holds the current version is not (it folds into what it has).
      await store.append(w.type(1, 'x').map((u) => record(doc, u)));
      const known = materialise(await store.load(doc));
      const third = await store.compact(
        doc,
        (previous, updates) => {
          seen.push(previous);
          for (const u of updates) Y.applyUpdate(known, u);
          return Y.encodeStateAsUpdate(known);
        },
        second.snapshotVersion,
      );
      expect(seen[1]).toBeNull();
      expect(third.snapshotVersion).toBeGreaterThan(second.snapshotVersion);
      expect(materialise(await store.load(doc)).getArray('items').length).toBe(6);
    });

    it('compaction of an empty log is a no-op', async () => {
      expect(await store.compact(docName(), mergeIntoState)).toEqual({
        folded: 0,
        foldedBytes: 0,
        snapshotBytes: 0,
        snapshotVersion: 0,
      });
    });

    it('S2 compactions racing appends and each other lose nothing', async () => {
      const doc = docName();
      const writers = [writer(1), writer(2), writer(3)];
      const work: Promise<unknown>[] = [];
      for (let round = 0; round < 15; round++) {
        for (const [i, w] of writers.entries()) {
          work.push(store.append(w.type(3, `w${i}r${round}-`).map((u) => record(doc, u))));
        }
        if (round % 3 === 0) work.push(store.compact(doc, mergeIntoState));
        if (round % 5 === 0) work.push(store.compact(doc, mergeIntoState));
      }
      await Promise.all(work);
      const loaded = materialise(await store.load(doc));
      const expected = new Y.Doc();
      for (const w of writers) Y.applyUpdate(expected, Y.encodeStateAsUpdate(w.doc));
      expect(loaded.getArray('items').length).toBe(3 * 15 * 3);
      expect(new Set(loaded.getArray<string>('items').toArray())).toEqual(
        new Set(expected.getArray<string>('items').toArray()),
      );
    });

    it('S2 loads racing compactions always see everything appended before them', async () => {
      const doc = docName();
      const w = writer(9);
      await store.append(w.type(50, 'p').map((u) => record(doc, u)));
      const loads: Promise<StoredDocument>[] = [];
      const compactions: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        loads.push(store.load(doc));
        if (i % 2 === 0) compactions.push(store.compact(doc, mergeIntoState));
      }
      await Promise.all(compactions);
      for (const stored of await Promise.all(loads)) expect(materialise(stored).getArray('items').length).toBe(50);
    });

    it('ping answers while the store is open', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
