import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType } from '../../shared/protocol/messages.ts';

/**
 * A minimal y-websocket client that exposes what a test needs to judge access: whether the
 * socket was refused (close code), whether the server answered the sync, and whether a write
 * was refused (the protocol's permission-denied message). Server messages are handled in
 * order, so an awareness query after a write is a barrier: its answer means the write was
 * processed.
 */
export class DocClient {
  readonly doc = new Y.Doc();
  readonly ws: WebSocket;
  closeCode: number | null = null;
  denied = 0;
  private synced = false;
  private awarenessAnswers = 0;
  private readonly closed: Promise<number>;

  constructor(syncUrl: string, docName: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(`${syncUrl}/${docName}`, { headers });
    this.ws.binaryType = 'arraybuffer';
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    this.ws.on('error', () => {});
    this.ws.on('open', () => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MessageType.Sync);
      syncProtocol.writeSyncStep1(e, this.doc);
      this.ws.send(encoding.toUint8Array(e));
      // One awareness state of our own, so awareness queries (the barrier) always get an answer.
      const state = encoding.createEncoder();
      encoding.writeVarUint(state, 1);
      encoding.writeVarUint(state, this.doc.clientID);
      encoding.writeVarUint(state, 1);
      encoding.writeVarString(state, '{"test":true}');
      const a = encoding.createEncoder();
      encoding.writeVarUint(a, MessageType.Awareness);
      encoding.writeVarUint8Array(a, encoding.toUint8Array(state));
      this.ws.send(encoding.toUint8Array(a));
    });
    this.ws.on('message', (data: ArrayBuffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(d);
      if (type === MessageType.Sync) {
        const reply = encoding.createEncoder();
        encoding.writeVarUint(reply, MessageType.Sync);
        const sub = syncProtocol.readSyncMessage(d, reply, this.doc, 'server');
        if (sub === syncProtocol.messageYjsSyncStep2) this.synced = true;
        if (encoding.length(reply) > 1) this.ws.send(encoding.toUint8Array(reply));
      } else if (type === MessageType.Auth) {
        this.denied++;
      } else if (type === MessageType.Awareness) {
        this.awarenessAnswers++;
      }
    });
  }

  /** 'synced' once the server's step 2 arrived, or the close code if the socket was refused. */
  async outcome(timeoutMs = 5000): Promise<'synced' | number> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (this.synced) return 'synced';
      if (this.closeCode !== null) return this.closeCode;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('neither synced nor closed');
  }

  /** Sends an edit made on the local doc, then waits until the server has processed it. */
  async write(edit: (doc: Y.Doc) => void): Promise<void> {
    const before = Y.encodeStateVector(this.doc);
    edit(this.doc);
    const update = Y.encodeStateAsUpdate(this.doc, before);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.Sync);
    syncProtocol.writeUpdate(e, update);
    this.ws.send(encoding.toUint8Array(e));
    await this.barrier();
  }

  async barrier(timeoutMs = 5000): Promise<void> {
    const seen = this.awarenessAnswers;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.QueryAwareness);
    this.ws.send(encoding.toUint8Array(e));
    const start = Date.now();
    while (this.awarenessAnswers === seen) {
      if (this.closeCode !== null) throw new Error(`closed with ${this.closeCode}`);
      if (Date.now() - start > timeoutMs) throw new Error('no answer to the awareness query');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    if (this.closeCode === null) {
      this.ws.close();
      await this.closed;
    }
  }
}
