import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { Connection } from '../../server/rooms/connection.ts';
import { SOCKET_OPEN, type RoomSocket } from '../../server/rooms/ports.ts';
import type { Rooms } from '../../server/rooms/rooms.ts';

/**
 * The server end of an in-memory socket pair. Frames queue up until the test delivers them, so a
 * test decides exactly how messages interleave (Yjs testHelper / tldraw TestSocketPair style).
 */
export class MemoryServerSocket implements RoomSocket {
  readyState = SOCKET_OPEN;
  readonly outbox: Uint8Array[] = [];
  closeCode: number | null = null;
  /** Pretend this many bytes sit unsent in the kernel (slow-reader tests). */
  extraBuffered = 0;

  get bufferedAmount(): number {
    return this.extraBuffered + this.outbox.reduce((sum, m) => sum + m.byteLength, 0);
  }

  send(data: Uint8Array): void {
    this.outbox.push(data);
  }

  close(code: number): void {
    if (this.readyState !== SOCKET_OPEN) return;
    this.readyState = 3;
    this.closeCode = code;
  }
}

const REMOTE = Symbol('remote');

/**
 * A y-websocket client over an in-memory socket: the same messages WebsocketProvider sends
 * (step 1 on open, step 2 in reply, updates), without timers, so runs are deterministic.
 */
export class TestClient {
  readonly doc = new Y.Doc();
  socket: MemoryServerSocket | null = null;
  connection: Connection | null = null;
  inbox: Uint8Array[] = [];

  constructor(readonly name: string) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || !this.connection) return;
      this.inbox.push(frameUpdate(update));
    });
  }

  get connected(): boolean {
    return this.socket !== null && this.socket.readyState === SOCKET_OPEN;
  }

  connect(rooms: Rooms, docName: string, access: 'read' | 'write' = 'write'): void {
    this.socket = new MemoryServerSocket();
    this.connection = rooms.connect(docName, this.socket, { userId: this.name, access });
    this.inbox = [frameStep1(Y.encodeStateVector(this.doc))];
  }

  disconnect(): void {
    if (!this.connection) return;
    this.connection.closedByPeer(1000);
    this.connection = null;
    this.socket = null;
    this.inbox = [];
  }

  /** Delivers up to `n` queued frames client → server. */
  deliverToServer(n = Infinity): number {
    let delivered = 0;
    while (delivered < n && this.inbox.length > 0 && this.connection) {
      this.connection.receive(this.inbox.shift()!);
      delivered += 1;
    }
    return delivered;
  }

  /** Delivers up to `n` queued frames server → client. */
  deliverToClient(n = Infinity): number {
    let delivered = 0;
    while (delivered < n && this.socket && this.socket.outbox.length > 0) {
      this.receive(this.socket.outbox.shift()!);
      delivered += 1;
    }
    return delivered;
  }

  get pending(): number {
    return this.inbox.length + (this.socket?.outbox.length ?? 0);
  }

  private receive(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type !== 0) return; // awareness and auth are not modelled here
    const sub = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (sub === 0) this.inbox.push(frameStep2(Y.encodeStateAsUpdate(this.doc, payload)));
    else Y.applyUpdate(this.doc, payload, REMOTE);
  }
}

function frame(sub: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const frameStep1 = (sv: Uint8Array): Uint8Array => frame(0, sv);
export const frameStep2 = (update: Uint8Array): Uint8Array => frame(1, update);
export const frameUpdate = (update: Uint8Array): Uint8Array => frame(2, update);

/** Lets timers at 0 ms, immediates and promise chains (group commit, unload) run. */
export async function tick(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Polls `condition` (with a bound) — for state reached through timers we do not control. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
