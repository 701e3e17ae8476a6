import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../../shared/protocol/close-codes.ts';
import type { Admit } from '../../../server/rooms/connection.ts';
import { silentLogger } from '../../../server/rooms/ports.ts';
import { defaultRoomsOptions, Rooms, type RoomsOptions } from '../../../server/rooms/rooms.ts';
import { MemoryDocumentStore } from '../../../server/storage/memory-store.ts';
import { frameStep1, MemoryServerSocket, TestClient, tick } from '../../helpers/memory-socket.ts';

const options: RoomsOptions = {
  ...defaultRoomsOptions,
  commit: { ...defaultRoomsOptions.commit, windowMs: 0 },
  unloadDelayMs: 0,
};

/** Auth messages (type 2) in a list of frames: what y-websocket shows as "permission denied". */
const denials = (frames: Uint8Array[]): number => frames.filter((f) => f[0] === 2).length;

function exchange(...clients: TestClient[]): void {
  for (let i = 0; i < 4; i++) {
    for (const client of clients) {
      client.deliverToServer();
      client.deliverToClient();
    }
  }
}

/** Connects a client with a grant that has `admit` (TestClient only knows userId and access). */
function connectWithAdmit(client: TestClient, rooms: Rooms, docName: string, admit: Admit): void {
  client.socket = new MemoryServerSocket();
  client.connection = rooms.connect(docName, client.socket, { userId: client.name, access: 'write', admit });
  client.inbox = [frameStep1(Y.encodeStateVector(client.doc))];
}

/** Every frame the server sends to this client from now on (the outbox is drained by delivery). */
function recordSent(client: TestClient): Uint8Array[] {
  const sent: Uint8Array[] = [];
  const socket = client.socket!;
  const send = socket.send.bind(socket);
  socket.send = (data: Uint8Array) => {
    sent.push(data);
    send(data);
  };
  return sent;
}

async function serverText(rooms: Rooms, name = 'doc'): Promise<string> {
  const direct = await rooms.openDirect(name, 'check');
  const text = direct.doc.getText('t').toString();
  direct.close();
  return text;
}

describe('A1 admit: a per-update check before anything is applied', () => {
  it('refused updates are not applied, stored or broadcast; the client is told once; admitted ones flow', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options, silentLogger);
    const calls: Array<{ text: string; sameDoc: boolean }> = [];
    let liveDoc: Y.Doc | null = null;
    // Refuses any update that inserts text containing "x"; records what the live doc held.
    const admit: Admit = (update, doc) => {
      calls.push({ text: doc.getText('t').toString(), sameDoc: liveDoc === null || doc === liveDoc });
      return !Y.decodeUpdate(update).structs.some(
        (s) => s instanceof Y.Item && s.content instanceof Y.ContentString && s.content.str.includes('x'),
      );
    };
    const watcher = new TestClient('watcher');
    watcher.connect(rooms, 'doc');
    const editor = new TestClient('editor');
    connectWithAdmit(editor, rooms, 'doc', admit);
    await tick();
    liveDoc = (await rooms.openDirect('doc', 'peek')).doc;
    exchange(watcher, editor);

    editor.doc.getText('t').insert(0, 'ok ');
    exchange(watcher, editor);
    expect(watcher.doc.getText('t').toString()).toBe('ok ');
    await tick();

    const logBefore = (await store.log('doc')).length;
    editor.doc.getText('t').insert(3, 'x1 ');
    editor.deliverToServer();
    editor.doc.getText('t').insert(0, 'x2 ');
    editor.deliverToServer();
    const frames = editor.socket!.outbox.slice();
    expect(denials(frames)).toBe(1);
    watcher.deliverToClient();
    await tick();
    expect(watcher.doc.getText('t').toString()).toBe('ok ');
    expect(await serverText(rooms)).toBe('ok ');
    expect((await store.log('doc')).length).toBe(logBefore);
    expect(editor.connected).toBe(true);
    // The check saw the live document, before the update was applied to it.
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((c) => c.sameDoc && !c.text.includes('x'))).toBe(true);
    await rooms.shutdown();
  });

  it('sync step 2 is checked too: a client joining with refused content changes nothing', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options, silentLogger);
    const client = new TestClient('offline-editor');
    client.doc.getText('t').insert(0, 'made offline');
    let seen = 0;
    connectWithAdmit(client, rooms, 'doc', () => {
      seen += 1;
      return false;
    });
    const sent = recordSent(client);
    await tick();
    exchange(client);
    // Its sync step 2 carrying the offline text; empty updates are not even checked.
    expect(seen).toBe(1);
    expect(denials(sent)).toBe(1);
    expect(await serverText(rooms)).toBe('');
    expect((await store.log('doc')).length).toBe(0);
    await rooms.shutdown();
  });

  it('a check that throws refuses the update (and is logged), the connection stays', async () => {
    const errors: object[] = [];
    const rooms = new Rooms(new MemoryDocumentStore(), options, { ...silentLogger, error: (o) => errors.push(o) });
    const client = new TestClient('c');
    connectWithAdmit(client, rooms, 'doc', () => {
      throw new Error('bug in the check');
    });
    await tick();
    exchange(client);
    client.doc.getText('t').insert(0, 'nope');
    const before = client.socket!.outbox.length;
    client.deliverToServer();
    expect(denials(client.socket!.outbox.slice(before))).toBe(1);
    expect(errors.length).toBe(1);
    expect(client.connected).toBe(true);
    expect(await serverText(rooms)).toBe('');
    await rooms.shutdown();
  });
});

describe('A2 closeConnections', () => {
  it('closes the matching live connections with the code, returns how many, leaves the others', async () => {
    const rooms = new Rooms(new MemoryDocumentStore(), options, silentLogger);
    const alice1 = new TestClient('alice');
    const alice2 = new TestClient('alice');
    const aliceOther = new TestClient('alice');
    const bob = new TestClient('bob');
    alice1.connect(rooms, 'project/1/doc');
    alice2.connect(rooms, 'project/1/doc');
    aliceOther.connect(rooms, 'project/2/doc');
    bob.connect(rooms, 'project/1/doc');
    await tick();
    const sockets = [alice1, alice2, aliceOther, bob].map((c) => c.socket!);

    const closed = rooms.closeConnections(
      (docName, userId) => userId === 'alice' && docName.startsWith('project/1/'),
      CloseCode.Forbidden,
    );
    expect(closed).toBe(2);
    expect(sockets.map((s) => s.closeCode)).toEqual([CloseCode.Forbidden, CloseCode.Forbidden, null, null]);
    expect(rooms.connectionCount).toBe(2);
    // Nothing left to match: closing again closes nothing.
    expect(rooms.closeConnections((_d, userId) => userId === 'alice' && _d.startsWith('project/1/'), 4403)).toBe(0);
    // Bob still edits.
    exchange(bob);
    bob.doc.getText('t').insert(0, 'still here');
    exchange(bob);
    expect(await serverText(rooms, 'project/1/doc')).toBe('still here');
    await rooms.shutdown();
  });

  it('a connection still waiting for its document to load is closed too, and the load is released', async () => {
    const store = new MemoryDocumentStore();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const load = store.load.bind(store);
    store.load = async (name) => {
      await gate;
      return load(name);
    };
    const rooms = new Rooms(store, options, silentLogger);
    const client = new TestClient('carol');
    client.connect(rooms, 'doc');
    expect(rooms.closeConnections((_d, user) => user === 'carol', CloseCode.AccessChanged)).toBe(1);
    expect(client.socket!.closeCode).toBe(CloseCode.AccessChanged);
    open();
    await tick(5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(rooms.isLoaded('doc')).toBe(false); // nobody holds it: unloaded again
    await rooms.shutdown();
  });
});

describe('A3 setAccess', () => {
  it('a downgraded connection’s later updates are dropped as read-only; returns how many matched', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options, silentLogger);
    const annotator = new TestClient('ann');
    const reviewer = new TestClient('rev');
    annotator.connect(rooms, 'task/1/layer/ann');
    reviewer.connect(rooms, 'task/1/layer/ann', 'read');
    await tick();
    exchange(annotator, reviewer);
    annotator.doc.getText('t').insert(0, 'before submit');
    exchange(annotator, reviewer);
    expect(reviewer.doc.getText('t').toString()).toBe('before submit');

    const matched = rooms.setAccess((docName, userId) => docName === 'task/1/layer/ann' && userId === 'ann', 'read');
    expect(matched).toBe(1);
    expect(annotator.connection!.access).toBe('read');
    const before = annotator.socket!.outbox.length;
    annotator.doc.getText('t').insert(0, 'after submit ');
    annotator.deliverToServer();
    annotator.doc.getText('t').insert(0, 'more ');
    annotator.deliverToServer();
    expect(denials(annotator.socket!.outbox.slice(before))).toBe(1);
    reviewer.deliverToClient();
    await tick();
    expect(reviewer.doc.getText('t').toString()).toBe('before submit');
    expect(await serverText(rooms, 'task/1/layer/ann')).toBe('before submit');
    expect(annotator.connected).toBe(true);
    expect(rooms.setAccess((_d, userId) => userId === 'nobody', 'read')).toBe(0);
    await rooms.shutdown();
  });

  it('an upgrade to write asks the client for what it made meanwhile (sync step 1 again)', async () => {
    const rooms = new Rooms(new MemoryDocumentStore(), options, silentLogger);
    const client = new TestClient('c');
    client.connect(rooms, 'doc', 'read');
    await tick();
    exchange(client);
    client.doc.getText('t').insert(0, 'typed while read-only');
    exchange(client);
    expect(await serverText(rooms)).toBe('');
    expect(rooms.setAccess(() => true, 'write')).toBe(1);
    exchange(client);
    expect(await serverText(rooms)).toBe('typed while read-only');
    await rooms.shutdown();
  });
});

describe('cold load answered from storage', () => {
  it('a client that holds nothing gets the stored bytes before the document is applied; nothing is missed', async () => {
    const store = new MemoryDocumentStore();
    const seed = new Y.Doc();
    const updates: Uint8Array[] = [];
    seed.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 20; i++) seed.getArray<number>('a').push([i]);
    await store.append(updates.map((update) => ({ docName: 'doc', update, userId: null, connectionId: null })));
    await store.compact('doc', (_prev, rows) => {
      const d = new Y.Doc();
      for (const row of rows.slice(0, 10)) Y.applyUpdate(d, row);
      return Y.encodeStateAsUpdate(d);
    });
    // Ten rows folded into the snapshot… and the last ten appended again as log rows.
    await store.append(
      updates.slice(10).map((update) => ({ docName: 'doc', update, userId: null, connectionId: null })),
    );
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const load = store.load.bind(store);
    store.load = async (name) => {
      await gate;
      return load(name);
    };
    const rooms = new Rooms(store, options, silentLogger);
    // The editor connects first and sends an edit while the document loads: it is handled (and
    // broadcast) when the editor attaches, which happens before the fresh client attaches.
    const editor = new TestClient('editor');
    editor.connect(rooms, 'doc');
    editor.doc.getMap('m').set('k', 'edited while loading');
    editor.deliverToServer();
    const fresh = new TestClient('fresh');
    fresh.connect(rooms, 'doc');
    fresh.deliverToServer();
    open();
    await tick(5);
    // Both held nothing, so both were answered from storage: their first frame is the state
    // (sync step 2), sent before the server's step 1.
    expect([...fresh.socket!.outbox[0]!.subarray(0, 2)]).toEqual([0, 1]);
    expect([...editor.socket!.outbox[0]!.subarray(0, 2)]).toEqual([0, 1]);
    // The fresh client got the state, and the editor's edit made after the state was read.
    exchange(fresh, editor);
    expect(fresh.doc.getArray('a').toJSON()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(fresh.doc.getMap('m').get('k')).toBe('edited while loading');
    expect(editor.doc.getArray('a').length).toBe(20);
    await rooms.shutdown();
  });
});
