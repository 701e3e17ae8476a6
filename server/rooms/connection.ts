import * as Y from 'yjs';
import { CloseCode, closeCodeDescriptions, closeReason } from '../../shared/protocol/close-codes.ts';
import { InvalidAwarenessError, decodeAwarenessUpdate } from './awareness.ts';
import {
  MalformedMessageError,
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  isEmptyUpdate,
  parseClientMessage,
} from './codec.ts';
import type { Origin } from './origin.ts';
import { SOCKET_OPEN, type Logger, type RoomSocket } from './ports.ts';
import type { Room } from './room.ts';

export type Access = 'read' | 'write';

export interface ConnectionLimits {
  maxMessageBytes: number;
  /** Close the connection (4429) once this many bytes wait in its send buffer. */
  maxBufferedBytes: number;
  /** Bytes a connection may send while its document is still loading. */
  maxQueuedBytesWhileLoading: number;
}

export interface ConnectionHooks {
  /** Called once, after the socket was closed and the connection left its room. */
  onClose(connection: Connection, code: number): void;
}

/**
 * One client socket on one document. Speaks the y-websocket protocol; every fault closes the
 * socket with a code from shared/protocol/close-codes.ts and changes nothing in the document.
 */
export class Connection {
  readonly awarenessClients = new Set<number>();
  private room: Room | null = null;
  private queued: Uint8Array[] | null = [];
  private queuedBytes = 0;
  private closed = false;
  private deniedNotified = false;
  private readonly origin: Origin;

  constructor(
    readonly id: string,
    readonly docName: string,
    readonly userId: string | null,
    public access: Access,
    private readonly socket: RoomSocket,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly hooks: ConnectionHooks,
  ) {
    this.origin = Object.freeze({ source: 'connection', connectionId: id, userId });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Joins the loaded room: greets the client, then handles what arrived while loading. */
  attach(room: Room): void {
    if (this.closed) return;
    this.room = room;
    room.connections.add(this);
    this.send(encodeSyncStep1(Y.encodeStateVector(room.doc)));
    const states = room.awareness.encodeAll();
    if (states) this.send(encodeAwareness(states));
    const queued = this.queued ?? [];
    this.queued = null;
    for (const data of queued) {
      if (this.closed) return;
      this.handle(data);
    }
  }

  /** Feeds one incoming frame. Safe to call before the room is loaded. */
  receive(data: Uint8Array): void {
    if (this.closed) return;
    if (data.byteLength > this.limits.maxMessageBytes) {
      this.fail(CloseCode.MessageTooLarge, { bytes: data.byteLength });
      return;
    }
    if (this.queued) {
      this.queuedBytes += data.byteLength;
      if (this.queuedBytes > this.limits.maxQueuedBytesWhileLoading) {
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
    if (this.closed || this.socket.readyState !== SOCKET_OPEN) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      // Buffering without bound is how a slow reader takes the server down; the client resyncs
      // from its state vector when it reconnects, so dropping it loses nothing.
      this.fail(CloseCode.SlowConsumer, { bufferedBytes: this.socket.bufferedAmount });
      return;
    }
    this.socket.send(message);
  }

  /** Closes the socket (if still open) and leaves the room. Idempotent. */
  close(code: number, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = null;
    try {
      if (this.socket.readyState <= SOCKET_OPEN) this.socket.close(code, reason);
    } catch (err) {
      this.log.warn({ err, connection: this.id }, 'socket close failed');
    }
    this.room?.detach(this);
    this.hooks.onClose(this, code);
  }

  /** The transport reports the socket is gone (client closed, network dropped). */
  closedByPeer(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = null;
    this.room?.detach(this);
    this.hooks.onClose(this, code);
  }

  private fail(code: CloseCode, details: object): void {
    const { name, text } = closeCodeDescriptions[code];
    this.log.warn({ connection: this.id, doc: this.docName, user: this.userId, code, reason: name, ...details }, text);
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
            reply = Y.encodeStateAsUpdate(room.doc, message.stateVector);
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
          for (const id of added) this.awarenessClients.add(id);
          for (const id of removed) this.awarenessClients.delete(id);
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
        this.log.error({ err, connection: this.id, doc: this.docName }, 'unexpected error handling message');
        this.close(CloseCode.InternalError, closeReason(CloseCode.InternalError));
      }
    }
  }

  private applyUpdate(room: Room, update: Uint8Array): void {
    if (this.access === 'read') {
      if (isEmptyUpdate(update)) return;
      // Dropped, and the client told once (y-websocket logs "permission denied").
      if (!this.deniedNotified) {
        this.deniedNotified = true;
        this.send(encodePermissionDenied('read-only'));
        this.log.info(
          { connection: this.id, doc: this.docName, user: this.userId },
          'update from read-only connection dropped',
        );
      }
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
    try {
      Y.applyUpdate(room.doc, update, this.origin);
    } catch (err) {
      this.log.error({ err, connection: this.id, doc: this.docName }, 'update decoded but failed to integrate');
      this.fail(CloseCode.InvalidUpdate, { bytes: update.byteLength, stage: 'integrate' });
    }
  }
}
