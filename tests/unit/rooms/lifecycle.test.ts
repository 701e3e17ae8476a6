import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeIntoState } from '../../../server/rooms/merge.ts';
import type { MergeFn, RoomObserver } from '../../../server/rooms/ports.ts';
import { silentLogger } from '../../../server/rooms/ports.ts';
import { staggered } from '../../../server/rooms/room.ts';
import { defaultRoomsOptions, Rooms, type RoomsOptions } from '../../../server/rooms/rooms.ts';
import { MemoryDocumentStore } from '../../../server/storage/memory-store.ts';
import { TestClient, tick, until } from '../../helpers/memory-socket.ts';

const options = (over: Partial<RoomsOptions> = {}): RoomsOptions => ({
  ...defaultRoomsOptions,
  commit: { ...defaultRoomsOptions.commit, windowMs: 0, retryBaseMs: 5, retryMaxMs: 20 },
  unloadDelayMs: 0,
  ...over,
});

/** A store whose loads wait for the test to release them. */
class GatedStore extends MemoryDocumentStore {
  loads = 0;
  gate: Promise<void> = Promise.resolve();
  override async load(docName: string) {
    this.loads += 1;
    await this.gate;
    return super.load(docName);
  }
}

function synced(client: TestClient): void {
  for (let i = 0; i < 5; i++) {
    client.deliverToServer();
    client.deliverToClient();
  }
}

describe('document lifecycle', () => {
  it('L1 concurrent first connections share one load', async () => {
    const store = new GatedStore();
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const rooms = new Rooms(store, options(), silentLogger);
    const clients = [0, 1, 2, 3].map((i) => new TestClient(`c${i}`));
    for (const client of clients) client.connect(rooms, 'doc');
    const direct = rooms.openDirect('doc', 'test');
    open();
    await direct;
    await tick();
    expect(store.loads).toBe(1);
    expect(rooms.loadedCount).toBe(1);
    for (const client of clients) synced(client);
    (await direct).close();
    await rooms.shutdown();
  });

  it('L1 messages sent while the document loads are handled after it loaded, in order', async () => {
    const store = new GatedStore();
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const rooms = new Rooms(store, options(), silentLogger);
    const a = new TestClient('a');
    a.connect(rooms, 'doc');
    a.doc.getText('t').insert(0, 'typed while loading');
    a.deliverToServer();
    open();
    await until(() => rooms.isLoaded('doc'), 'load');
    const direct = await rooms.openDirect('doc', 'check');
    expect(direct.doc.getText('t').toString()).toBe('typed while loading');
    direct.close();
    await rooms.shutdown();
  });

  it('L2 a room unloads after its last connection leaves and its writes are durable', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options({ unloadDelayMs: 20 }), silentLogger);
    const a = new TestClient('a');
    a.connect(rooms, 'doc');
    await tick();
    a.doc.getText('t').insert(0, 'hello');
    synced(a);
    a.disconnect();
    expect(rooms.isLoaded('doc')).toBe(true); // still within the delay
    await until(() => !rooms.isLoaded('doc'), 'unload');
    const stored = await store.load('doc');
    const doc = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(doc.getText('t').toString()).toBe('hello');
    await rooms.shutdown();
  });

  it('L2 a connection arriving during the unload delay keeps the same room', async () => {
    const store = new GatedStore();
    const rooms = new Rooms(store, options({ unloadDelayMs: 30 }), silentLogger);
    const a = new TestClient('a');
    a.connect(rooms, 'doc');
    await tick();
    a.disconnect();
    const b = new TestClient('b');
    b.connect(rooms, 'doc');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(rooms.isLoaded('doc')).toBe(true);
    expect(store.loads).toBe(1);
    await rooms.shutdown();
  });

  it('L2 a connection arriving while the unload waits for writes keeps the room (no second copy)', async () => {
    const store = new GatedStore();
    const rooms = new Rooms(store, options(), silentLogger);
    const a = new TestClient('a');
    a.connect(rooms, 'doc');
    await tick();
    store.failAppends = 3; // the unload has to wait through retries
    a.doc.getText('t').insert(0, 'x');
    synced(a);
    a.disconnect();
    await tick();
    const b = new TestClient('b');
    b.connect(rooms, 'doc');
    await until(() => store.failAppends === 0, 'retries');
    await tick(5);
    expect(rooms.isLoaded('doc')).toBe(true);
    expect(store.loads).toBe(1);
    synced(b);
    expect(b.doc.getText('t').toString()).toBe('x');
    await rooms.shutdown();
  });

  it('L3 a failed write keeps the document in memory, is counted, and is retried until stored', async () => {
    const store = new MemoryDocumentStore();
    const failures: number[] = [];
    const observer: RoomObserver = { writeFailed: (rows) => failures.push(rows) };
    const errors: object[] = [];
    const log = { ...silentLogger, error: (obj: object) => errors.push(obj) };
    const rooms = new Rooms(store, options(), log, observer);
    const a = new TestClient('a');
    a.connect(rooms, 'doc');
    await tick();
    store.failAppends = 4;
    a.doc.getText('t').insert(0, 'survives');
    synced(a);
    a.disconnect();
    await until(() => store.failAppends === 0, 'four failed attempts');
    await until(() => !rooms.isLoaded('doc'), 'unload after the write finally succeeded');
    expect(failures).toHaveLength(4);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    const reloaded = await rooms.openDirect('doc', 'check');
    expect(reloaded.doc.getText('t').toString()).toBe('survives');
    reloaded.close();
    await rooms.shutdown();
  });

  it('group commit: updates arriving together go in one insert', async () => {
    const store = new MemoryDocumentStore();
    const batches: number[] = [];
    const rooms = new Rooms(store, options({ commit: { ...options().commit, windowMs: 5 } }), silentLogger, {
      committed: (rows) => batches.push(rows),
    });
    const direct = await rooms.openDirect('doc', 'test');
    for (let i = 0; i < 50; i++) direct.transact((doc) => doc.getArray('a').push([i]));
    await direct.flushed();
    expect(batches).toEqual([50]);
    direct.close();
    await rooms.shutdown();
  });

  it('direct connections edit through the same pipeline: broadcast, persisted with their origin', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options(), silentLogger);
    const a = new TestClient('a');
    a.connect(rooms, 'doc');
    await tick();
    synced(a);
    const direct = await rooms.openDirect('doc', 'import', 'importer');
    direct.transact((doc) => doc.getText('t').insert(0, 'imported'));
    synced(a);
    expect(a.doc.getText('t').toString()).toBe('imported');
    await direct.flushed();
    expect((await store.log('doc')).map((e) => e.userId)).toContain('importer');
    direct.close();
    await rooms.shutdown();
  });

  it('compaction runs past the count bound and loads come back identical', async () => {
    const store = new MemoryDocumentStore();
    const compactions: number[] = [];
    const rooms = new Rooms(store, options({ compaction: { maxUpdates: 10, maxBytes: 1 << 20 } }), silentLogger, {
      compacted: (folded) => compactions.push(folded),
    });
    const direct = await rooms.openDirect('doc', 'test');
    for (let i = 0; i < 35; i++) {
      direct.transact((doc) => doc.getArray('a').push([i]));
      await tick(1);
    }
    await direct.flushed();
    expect(compactions.length).toBeGreaterThanOrEqual(3);
    expect((await store.log('doc')).length).toBeLessThan(10);
    const stored = await store.load('doc');
    expect(stored.snapshot).not.toBeNull();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, mergeIntoState(stored.snapshot, stored.updates));
    expect(doc.getArray('a').toJSON()).toEqual(Array.from({ length: 35 }, (_, i) => i));
    direct.close();
    await rooms.shutdown();
  });

  it('documents edited at one pace compact at different log lengths, each within 75–100 % of the bound', async () => {
    const store = new MemoryDocumentStore();
    const firstAt = new Map<string, number>();
    const names = Array.from({ length: 8 }, (_, i) => `team-doc-${i}`);
    const rooms = new Rooms(store, options({ compaction: { maxUpdates: 40, maxBytes: 1 << 20 } }), silentLogger);
    const directs = await Promise.all(names.map((name) => rooms.openDirect(name, 'test')));
    for (let i = 1; i <= 40; i++) {
      directs.forEach((direct) => direct.transact((doc) => doc.getArray('a').push([i])));
      await Promise.all(directs.map((direct) => direct.flushed()));
      for (const name of names) {
        if (!firstAt.has(name) && (await store.load(name)).snapshot !== null) firstAt.set(name, i);
      }
    }
    expect([...firstAt.keys()].sort()).toEqual([...names].sort());
    for (const at of firstAt.values()) {
      expect(at).toBeGreaterThanOrEqual(30);
      expect(at).toBeLessThanOrEqual(40);
    }
    // In one burst they would all compact at the same edit.
    expect(new Set(firstAt.values()).size).toBeGreaterThanOrEqual(4);
    for (const name of names) expect(staggered(name)).toBe(staggered(name));
    directs.forEach((direct) => direct.close());
    await rooms.shutdown();
  });

  it('a long log is folded in slices, letting other work run in between; the snapshot holds every row', async () => {
    const turnsSeen: boolean[] = [];
    class ObservedStore extends MemoryDocumentStore {
      override compact(docName: string, merge: MergeFn, knownVersion?: number) {
        return super.compact(
          docName,
          async (previous, updates) => {
            let otherWorkRan = false;
            setImmediate(() => (otherWorkRan = true));
            const state = await merge(previous, updates);
            turnsSeen.push(otherWorkRan);
            return state;
          },
          knownVersion,
        );
      }
    }
    const store = new ObservedStore();
    const rooms = new Rooms(store, options({ compaction: { maxUpdates: 600, maxBytes: 1 << 30 } }), silentLogger);
    const direct = await rooms.openDirect('long-log', 'test');
    for (let i = 0; i < 600; i++) {
      direct.transact((doc) => doc.getArray('a').push([i]));
      if (i % 50 === 49) await direct.flushed();
    }
    await direct.flushed();
    await until(() => turnsSeen.length > 0, 'a compaction');
    expect(turnsSeen[0]).toBe(true);
    direct.close();
    await rooms.shutdown();
    const stored = await store.load('long-log');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, mergeIntoState(stored.snapshot, stored.updates));
    expect(doc.getArray('a').toJSON()).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('S2 compaction folds rows another instance wrote into the snapshot and tells the clients', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options({ compaction: { maxUpdates: 5, maxBytes: 1 << 20 } }), silentLogger);
    const a = new TestClient('a');
    a.connect(rooms, 'doc');
    await tick();
    synced(a);
    // Another instance appends straight to the shared store.
    const other = new Y.Doc();
    const otherUpdates: Uint8Array[] = [];
    other.on('update', (u: Uint8Array) => otherUpdates.push(u));
    other.getMap('m').set('from', 'other instance');
    await store.append(otherUpdates.map((update) => ({ docName: 'doc', update, userId: null, connectionId: null })));
    // Local edits push the log past the bound; the room compacts.
    for (let i = 0; i < 6; i++) {
      a.doc.getArray('local').push([i]);
      a.deliverToServer();
      await tick(1);
    }
    await until(() => store.appendCalls > 0 && rooms.isLoaded('doc'), 'commits');
    const direct = await rooms.openDirect('doc', 'check');
    await direct.flushed();
    const stored = await store.load('doc');
    expect(stored.snapshot).not.toBeNull();
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, mergeIntoState(stored.snapshot, stored.updates));
    expect(reloaded.getMap('m').get('from')).toBe('other instance');
    expect(reloaded.getArray('local').length).toBe(6);
    a.deliverToClient();
    expect(a.doc.getMap('m').get('from')).toBe('other instance');
    direct.close();
    await rooms.shutdown();
  });

  it('shutdown flushes every pending write before it resolves', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options({ commit: { ...options().commit, windowMs: 50 } }), silentLogger);
    const direct = await rooms.openDirect('doc', 'test');
    direct.transact((doc) => doc.getText('t').insert(0, 'last words'));
    await rooms.shutdown();
    expect((await store.log('doc')).length).toBe(1);
  });
});
