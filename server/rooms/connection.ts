import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { CloseCode, closeCodeDescriptions, closeReason } from '../../shared/protocol/close-codes.ts';
import { InvalidAwarenessError, decodeAwarenessUpdate } from './awareness.ts';
import {
  MalformedMessageError,
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  isEmptyStateVector,
  isEmptyUpdate,
  parseClientMessage,
} from './codec.ts';
import { SOCKET_OPEN, type Logger, type RoomSocket, type StoredDocument } from './ports.ts';
import type { Room } from './room.ts';

export type Access = 'read' | 'write';

/**
 * Per-update admission check of a grant: called with each update the connection sends and the
 * live document, before anything is applied; `false` drops the update like a read-only one.
 */
export type Admit = (update: Uint8Array, doc: Y.Doc) => boolean;

export interface ConnectionLimits {
  maxMessageBytes: number;
  /** Close the connection (4429) once this many bytes wait in its send buffer. */
  maxBufferedBytes: number;
  /** Bytes a connection may send while its document is still loading. */
  maxQueuedBytesWhileLoading: number;
}

/** What every connection of one Rooms shares (one object, not one per connection). */
export interface ConnectionContext {
  readonly limits: ConnectionLimits;
  readonly log: Logger;
  /** Called once, after the socket was closed and the connection left its room. */
  connectionClosed(connection: Connection, code: number): void;
}

/**
 * One client socket on one document. Speaks the y-websocket protocol; every fault closes the
 * socket with a code from shared/protocol/close-codes.ts and changes nothing in the document.
 *
 * The connection is also the origin of the transactions it makes (origin.ts: `source` is
 * 'connection'), so the room finds the sender of an update without a lookup.
 */
export class Connection {
  /** Awareness client ids this connection introduced (usually one); null until the first. */
  awarenessClients: number[] | null = null;
  /** The room this connection is attached to (set by `attach`). */
  room: Room | null = null;
  /** The hold this connection has on a room; managed by Rooms, released once on close. */
  held: Room | null = null;
  /** Called after the connection closed for any reason (ConnectOptions.onClose). */
  onClose: ((code: number) => void) | null = null;
  private queued: Uint8Array[] | null = [];
  private queuedBytes = 0;
  private closed = false;
  private deniedNotified = false;

  constructor(
    readonly id: string,
    readonly docName: string,
    readonly userId: string | null,
    private accessLevel: Access,
    readonly admit: Admit | null,
    private readonly socket: RoomSocket,
    private readonly context: ConnectionContext,
  ) {}

  /** Origin discriminant (origin.ts). */
  get source(): 'connection' {
    return 'connection';
  }

  get connectionId(): string {
    return this.id;
  }

  get access(): Access {
    return this.accessLevel;
  }

  /**
   * Changes what this connection may do from now on. A downgrade to 'read' drops its later
   * updates (and tells the client once more); an upgrade to 'write' re-sends the server's state
   * vector so the client sends what it made meanwhile (its dropped edits), as on reconnect.
   */
  set access(access: Access) {
    if (access === this.accessLevel) return;
    this.accessLevel = access;
    this.deniedNotified = false;
    if (access === 'write' && this.room && !this.closed) {
      this.send(encodeSyncStep1(Y.encodeStateVector(this.room.doc)));
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Joins the loaded room and greets the client (sync step 1, presence); what arrived while
   * loading stays queued until `attach`. Every connection waiting on a load joins right after
   * the load, before any of them handles its queue, so none misses an update another one makes.
   */
  join(room: Room): void {
    if (this.closed || this.room === room) return;
    this.room?.detach(this);
    this.room = room;
    room.add(this);
    this.send(encodeSyncStep1(Y.encodeStateVector(room.doc)));
    const states = room.awareness.encodeAll();
    if (states) this.send(encodeAwareness(states));
  }

  /** Joins the loaded room (if not yet), then handles what arrived while loading, in order. */
  attach(room: Room): void {
    if (this.closed) return;
    this.join(room);
    const queued = this.queued ?? [];
    this.queued = null;
    for (const data of queued) {
      if (this.closed) return;
      this.handle(data);
    }
  }

  /**
   * Before the loaded state is applied to the room's Y.Doc (which takes a while for a large
   * document), answers a queued sync step 1 of a client that holds nothing with the stored bytes
   * themselves: the snapshot as sync step 2 and each log entry as an update. The client starts
   * integrating while the server applies the same bytes; everything else stays queued.
   */
  answerFromStorage(stored: StoredDocument): boolean {
    if (this.closed || !this.queued) return false;
    // The greeting and updates that follow must not find the send buffer past its bound (4429):
    // a state that big takes the ordinary path (step 2 after the greeting).
    let bytes = stored.snapshot?.byteLength ?? 0;
    for (const update of stored.updates) bytes += update.byteLength;
    if (bytes > this.context.limits.maxBufferedBytes / 2) return false;
    for (let i = 0; i < this.queued.length; i++) {
      let stateVector: Uint8Array;
      try {
        const message = parseClientMessage(this.queued[i]!);
        if (message.kind !== 'sync-step1') continue;
        stateVector = message.stateVector;
      } catch {
        return false; // handled (and rejected) in order after the load
      }
      if (!isEmptyStateVector(stateVector)) return false;
      this.queued.splice(i, 1);
      this.send(encodeSyncStep2(stored.snapshot ?? EMPTY_UPDATE));
      for (const update of stored.updates) this.send(encodeUpdate(update));
      return true;
    }
    return false;
  }

  /** Feeds one incoming frame. Safe to call before the room is loaded. */
  receive(data: Uint8Array): void {
    if (this.closed) return;
    if (data.byteLength > this.context.limits.maxMessageBytes) {
      this.fail(CloseCode.MessageTooLarge, { bytes: data.byteLength });
      return;
    }
    if (this.queued) {
      this.queuedBytes += data.byteLength;
      if (this.queuedBytes > this.context.limits.maxQueuedBytesWhileLoading) {
        this.fail(CloseCode.SlowConsumer, { queuedBytes: this.queuedBytes, phase: 'loading' });
        return;
      }
      // Copy: the transport may reuse its buffer once this call returns.
      this.queued.push(data.slice());
      return;
    }
    this.handle(data);
  }

  send(message: Uint8Array): void {
    if (this.closed) return;
    const socket = this.socket;
    if (socket.readyState !== SOCKET_OPEN) return;
    if (socket.bufferedAmount > this.context.limits.maxBufferedBytes) {
      // Buffering without bound is how a slow reader takes the server down; the client resyncs
      // from its state vector when it reconnects, so dropping it loses nothing.
      this.fail(CloseCode.SlowConsumer, { bufferedBytes: socket.bufferedAmount });
      return;
    }
    socket.send(message);
  }

  /** Closes the socket (if still open) and leaves the room. Idempotent. */
  close(code: number, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = null;
    try {
      if (this.socket.readyState <= SOCKET_OPEN) this.socket.close(code, reason);
    } catch (err) {
      this.context.log.warn({ err, connection: this.id }, 'socket close failed');
    }
    this.room?.detach(this);
    this.context.connectionClosed(this, code);
  }

  /** The transport reports the socket is gone (client closed, network dropped). */
  closedByPeer(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = null;
    this.room?.detach(this);
    this.context.connectionClosed(this, code);
  }

  private fail(code: CloseCode, details: object): void {
    const { name, text } = closeCodeDescriptions[code];
    this.context.log.warn(
      { connection: this.id, doc: this.docName, user: this.userId, code, reason: name, ...details },
      text,
    );
    this.close(code, name);
  }

  private handle(data: Uint8Array): void {
    const room = this.room!;
    try {
      const message = parseClientMessage(data);
      switch (message.kind) {
        case 'sync-step1': {
          let reply: Uint8Array;
          try {
            reply = isEmptyStateVector(message.stateVector)
              ? room.encodeState()
              : Y.encodeStateAsUpdate(room.doc, message.stateVector);
          } catch {
            this.fail(CloseCode.InvalidUpdate, { what: 'state vector' });
            return;
          }
          this.send(encodeSyncStep2(reply));
          return;
        }
        case 'sync-step2':
        case 'sync-update':
          this.applyUpdate(room, message.update);
          return;
        case 'awareness': {
          const changes = decodeAwarenessUpdate(message.update);
          const { added, removed } = room.awareness.apply(changes);
          if (added.length > 0) {
            const mine = (this.awarenessClients ??= []);
            for (const id of added) if (!mine.includes(id)) mine.push(id);
          }
          if (removed.length > 0 && this.awarenessClients) {
            this.awarenessClients = this.awarenessClients.filter((id) => !removed.includes(id));
          }
          if (added.length + removed.length > 0) room.broadcast(encodeAwareness(message.update));
          return;
        }
        case 'query-awareness': {
          const states = room.awareness.encodeAll();
          if (states) this.send(encodeAwareness(states));
          return;
        }
      }
    } catch (err) {
      if (err instanceof MalformedMessageError) this.fail(CloseCode.MalformedMessage, { detail: err.message });
      else if (err instanceof InvalidAwarenessError) this.fail(CloseCode.InvalidUpdate, { detail: err.message });
      else {
        this.context.log.error({ err, connection: this.id, doc: this.docName }, 'unexpected error handling message');
        this.close(CloseCode.InternalError, closeReason(CloseCode.InternalError));
      }
    }
  }

  private applyUpdate(room: Room, update: Uint8Array): void {
    if (this.accessLevel === 'read') {
      if (!isEmptyUpdate(update)) this.deny('read-only connection');
      return;
    }
    // Decode fully before touching the document: an update that fails half-way through
    // integration could leave part of itself behind, and that part would be broadcast and stored.
    try {
      Y.decodeUpdate(update);
    } catch {
      this.fail(CloseCode.InvalidUpdate, { bytes: update.byteLength });
      return;
    }
    if (this.admit) {
      if (isEmptyUpdate(update)) return;
      let admitted: boolean;
      try {
        admitted = this.admit(update, room.doc);
      } catch (err) {
        // A fault in the check must not let the update through, nor loop the client through
        // reconnects (it would resend the same update): treat it as a refusal.
        this.context.log.error({ err, connection: this.id, doc: this.docName }, 'admit check threw; update dropped');
        admitted = false;
      }
      if (!admitted) {
        this.deny('update not admitted');
        return;
      }
    }
    try {
      Y.applyUpdate(room.doc, update, this);
    } catch (err) {
      this.context.log.error({ err, connection: this.id, doc: this.docName }, 'update decoded but failed to integrate');
      this.fail(CloseCode.InvalidUpdate, { bytes: update.byteLength, stage: 'integrate' });
    }
  }

  /** Drops an update; the client is told once (y-websocket logs "permission denied"). */
  private deny(why: string): void {
    if (this.deniedNotified) return;
    this.deniedNotified = true;
    this.send(encodePermissionDenied('read-only'));
    this.context.log.info({ connection: this.id, doc: this.docName, user: this.userId, why }, 'update dropped');
  }
}

const EMPTY_UPDATE = new Uint8Array([0, 0]);

/**
 * A connection id: a UUID as one flat string. (Node builds randomUUID() by concatenation, and
 * V8 keeps that as a tree of ~14 string pieces, ~450 bytes per connection.)
 */
export function newConnectionId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
