import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../shared/protocol/close-codes.ts';
import { encodeAwarenessUpdate, decodeAwarenessUpdate } from '../../../server/rooms/awareness.ts';
import { silentLogger } from '../../../server/rooms/ports.ts';
import { defaultRoomsOptions, Rooms, type RoomsOptions } from '../../../server/rooms/rooms.ts';
import { MemoryDocumentStore } from '../../../server/storage/memory-store.ts';
import { frameUpdate, TestClient, tick } from '../../helpers/memory-socket.ts';

const options = (over: Partial<RoomsOptions['limits']> = {}): RoomsOptions => ({
  ...defaultRoomsOptions,
  limits: { ...defaultRoomsOptions.limits, ...over },
  commit: { ...defaultRoomsOptions.commit, windowMs: 0 },
  unloadDelayMs: 0,
});

async function setup(limits: Partial<RoomsOptions['limits']> = {}) {
  const store = new MemoryDocumentStore();
  const rooms = new Rooms(store, options(limits), silentLogger);
  const good = new TestClient('good');
  const bad = new TestClient('bad');
  good.connect(rooms, 'doc');
  bad.connect(rooms, 'doc');
  await tick();
  good.doc.getText('t').insert(0, 'kept');
  for (const c of [good, bad, good, bad]) {
    c.deliverToServer();
    c.deliverToClient();
  }
  await tick();
  return { store, rooms, good, bad };
}

function frame(...parts: Array<(e: encoding.Encoder) => void>): Uint8Array {
  const encoder = encoding.createEncoder();
  for (const part of parts) part(encoder);
  return encoding.toUint8Array(encoder);
}

/** The bad client's connection is closed with `code`; nothing it sent is stored; the good one works. */
async function expectRejected(ctx: Awaited<ReturnType<typeof setup>>, payload: Uint8Array, code: number) {
  const { store, rooms, good, bad } = ctx;
  const logBefore = (await store.log('doc')).length;
  const socket = bad.socket!;
  bad.connection!.receive(payload);
  expect(socket.closeCode).toBe(code);
  expect(bad.connection!.isClosed).toBe(true);
  await tick();
  expect((await store.log('doc')).length).toBe(logBefore);
  // Everyone else keeps working.
  good.doc.getText('t').insert(4, '!');
  good.deliverToServer();
  await tick();
  const direct = await rooms.openDirect('doc', 'check');
  expect(direct.doc.getText('t').toString()).toBe('kept!');
  direct.close();
  expect((await store.log('doc')).length).toBe(logBefore + 1);
  await rooms.shutdown();
}

describe('hardening: bad frames close one connection with a documented code', () => {
  it('R7 random bytes → 4400 malformed_message', async () => {
    await expectRejected(await setup(), new Uint8Array([0xff, 0xff, 0xff]), CloseCode.MalformedMessage);
  });

  it('R7 a truncated varint → 4400', async () => {
    await expectRejected(await setup(), new Uint8Array([0x80]), CloseCode.MalformedMessage);
  });

  it('R7 a length prefix pointing past the end of the frame → 4400', async () => {
    const f = frame((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint(e, 500);
      encoding.writeUint8(e, 1);
    });
    // Embed in a larger buffer, as ws does with its pooled Buffers.
    const pool = new Uint8Array(4096).fill(7);
    pool.set(f, 100);
    await expectRejected(await setup(), pool.subarray(100, 100 + f.length), CloseCode.MalformedMessage);
  });

  it('R7 trailing bytes after a message → 4400', async () => {
    const update = frameUpdate(new Uint8Array([0, 0]));
    await expectRejected(await setup(), new Uint8Array([...update, 9, 9]), CloseCode.MalformedMessage);
  });

  it('R7 an unknown message type → 4400', async () => {
    await expectRejected(await setup(), new Uint8Array([42]), CloseCode.MalformedMessage);
  });

  it('R7 an update that does not decode → 4422 invalid_update, document untouched', async () => {
    const garbage = frameUpdate(new Uint8Array([5, 200, 1, 7, 7, 7, 7, 7]));
    await expectRejected(await setup(), garbage, CloseCode.InvalidUpdate);
  });

  it('R7 awareness with invalid JSON → 4422', async () => {
    const awareness = frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(
        e,
        frame((a) => {
          encoding.writeVarUint(a, 1);
          encoding.writeVarUint(a, 77);
          encoding.writeVarUint(a, 1);
          encoding.writeVarString(a, '{not json');
        }),
      );
    });
    await expectRejected(await setup(), awareness, CloseCode.InvalidUpdate);
  });

  it('R7 a message over maxMessageBytes → 4413 message_too_large', async () => {
    const ctx = await setup({ maxMessageBytes: 2048 });
    await expectRejected(ctx, new Uint8Array(4096), CloseCode.MessageTooLarge);
  });

  it('R7 a slow consumer whose send buffer passes the bound → 4429, others keep working', async () => {
    const ctx = await setup({ maxBufferedBytes: 64 * 1024 });
    const { bad, good, rooms } = ctx;
    bad.socket!.extraBuffered = 65 * 1024; // the kernel buffer is full: the client stopped reading
    const badSocket = bad.socket!;
    good.doc.getText('t').insert(0, 'x');
    good.deliverToServer();
    expect(badSocket.closeCode).toBe(CloseCode.SlowConsumer);
    good.doc.getText('t').delete(0, 1);
    good.deliverToServer();
    await tick();
    const direct = await rooms.openDirect('doc', 'check');
    expect(direct.doc.getText('t').toString()).toBe('kept');
    direct.close();
    await rooms.shutdown();
  });

  it('an invalid document name → 4404 before anything loads', async () => {
    const rooms = new Rooms(new MemoryDocumentStore(), options(), silentLogger);
    const client = new TestClient('c');
    client.connect(rooms, '../etc/passwd');
    expect(client.socket!.closeCode).toBe(CloseCode.BadDocumentName);
    await tick();
    expect(rooms.loadedCount).toBe(0);
    await rooms.shutdown();
  });
});

describe('read-only connections', () => {
  it('updates are dropped and the client is told once; reads still flow', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options(), silentLogger);
    const writer = new TestClient('w');
    const reader = new TestClient('r');
    writer.connect(rooms, 'doc');
    reader.connect(rooms, 'doc', 'read');
    await tick();
    writer.doc.getText('t').insert(0, 'from writer');
    reader.doc.getText('t').insert(0, 'sneaky ');
    for (let i = 0; i < 4; i++) {
      writer.deliverToServer();
      reader.deliverToServer();
      writer.deliverToClient();
    }
    const frames = reader.socket!.outbox.slice();
    reader.deliverToClient();
    expect(frames.filter((f) => f[0] === 2)).toHaveLength(1); // one permission-denied message
    expect(reader.doc.getText('t').toString()).toContain('from writer');
    await tick();
    const direct = await rooms.openDirect('doc', 'check');
    expect(direct.doc.getText('t').toString()).toBe('from writer');
    expect(writer.doc.getText('t').toString()).toBe('from writer');
    direct.close();
    await rooms.shutdown();
  });
});

describe('awareness relay', () => {
  function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
    return frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, encodeAwarenessUpdate([{ clientId, clock, json: JSON.stringify(state) }]));
    });
  }
  function awarenessIn(frames: Uint8Array[]) {
    return frames.filter((f) => f[0] === 1).flatMap((f) => decodeAwarenessUpdate(f.subarray(f[1]! < 128 ? 2 : 3)));
  }

  it('newcomers get current presence; a closed connection’s presence is removed for the others', async () => {
    const rooms = new Rooms(new MemoryDocumentStore(), options(), silentLogger);
    const a = new TestClient('a');
    const b = new TestClient('b');
    a.connect(rooms, 'doc');
    await tick();
    a.connection!.receive(awarenessFrame(101, 1, { user: 'a', playhead: 12.5 }));
    b.connect(rooms, 'doc');
    await tick();
    const greeting = awarenessIn(b.socket!.outbox);
    expect(greeting).toEqual([{ clientId: 101, clock: 1, json: '{"user":"a","playhead":12.5}' }]);
    b.socket!.outbox.length = 0;
    a.disconnect();
    expect(awarenessIn(b.socket!.outbox)).toEqual([{ clientId: 101, clock: 2, json: 'null' }]);
    // query-awareness answers with live states only (none left).
    b.socket!.outbox.length = 0;
    b.connection!.receive(new Uint8Array([3]));
    expect(awarenessIn(b.socket!.outbox)).toEqual([]);
    await rooms.shutdown();
  });

  it('stale clocks are ignored (same rule as y-protocols)', async () => {
    const rooms = new Rooms(new MemoryDocumentStore(), options(), silentLogger);
    const a = new TestClient('a');
    const b = new TestClient('b');
    a.connect(rooms, 'doc');
    b.connect(rooms, 'doc');
    await tick();
    a.connection!.receive(awarenessFrame(5, 3, { v: 'new' }));
    a.connection!.receive(awarenessFrame(5, 2, { v: 'old' }));
    b.socket!.outbox.length = 0;
    b.connection!.receive(new Uint8Array([3]));
    expect(awarenessIn(b.socket!.outbox)).toEqual([{ clientId: 5, clock: 3, json: '{"v":"new"}' }]);
    await rooms.shutdown();
  });
});

describe('typed origins', () => {
  it('client updates are persisted with their user and connection id', async () => {
    const store = new MemoryDocumentStore();
    const rooms = new Rooms(store, options(), silentLogger);
    const a = new TestClient('alice');
    a.connect(rooms, 'doc');
    await tick();
    a.doc.getMap('m').set('k', 1);
    a.deliverToServer();
    await tick();
    const log = await store.log('doc');
    expect(log.at(-1)).toMatchObject({ userId: 'alice', connectionId: a.connection!.id });
    const direct = await rooms.openDirect('doc', 'check');
    expect(direct.doc.getMap('m').get('k')).toBe(1);
    direct.close();
    await rooms.shutdown();
  });
});
