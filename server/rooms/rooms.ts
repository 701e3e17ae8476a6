import { randomUUID } from 'node:crypto';
import { CloseCode, closeReason } from '../../shared/protocol/close-codes.ts';
import { isValidDocumentName } from '../../shared/protocol/messages.ts';
import { CommitQueue, type CommitQueueOptions } from './commit-queue.ts';
import { Connection, type Access, type ConnectionLimits } from './connection.ts';
import { DirectConnection } from './direct.ts';
import { Room, type CompactionBounds } from './room.ts';
import type { DocumentStore, Logger, RoomObserver, RoomSocket } from './ports.ts';

export interface RoomsOptions {
  limits: ConnectionLimits;
  commit: CommitQueueOptions;
  compaction: CompactionBounds;
  /** How long an empty room stays loaded (a reconnecting client finds it warm). */
  unloadDelayMs: number;
}

export const defaultRoomsOptions: RoomsOptions = {
  limits: { maxMessageBytes: 16 << 20, maxBufferedBytes: 8 << 20, maxQueuedBytesWhileLoading: 16 << 20 },
  commit: { windowMs: 2, maxBatchRows: 2000, maxBatchBytes: 8 << 20, retryBaseMs: 100, retryMaxMs: 5000 },
  compaction: { maxUpdates: 1000, maxBytes: 4 << 20 },
  unloadDelayMs: 5000,
};

export interface ConnectOptions {
  userId: string | null;
  access: Access;
  /** Called after the connection closed for any reason. */
  onClose?: (code: number) => void;
}

/**
 * The registry of loaded documents and their lifecycle.
 *
 * Lifecycle rules (tested in tests/unit/rooms/lifecycle.test.ts):
 *  L1 concurrent first connections share one load;
 *  L2 a room unloads `unloadDelayMs` after its last holder leaves, and only once its writes and
 *     compaction have settled; the condition is re-checked after every await, so a connection
 *     arriving meanwhile keeps the room (no second copy of a document is ever loaded);
 *  L3 a room whose writes fail stays loaded until they succeed.
 */
export class Rooms {
  readonly commits: CommitQueue;
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly connections = new Set<Connection>();
  private shuttingDown = false;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: RoomsOptions,
    private readonly log: Logger,
    private readonly observer: RoomObserver = {},
  ) {
    this.commits = new CommitQueue(store, options.commit, log, observer);
  }

  get loadedCount(): number {
    return this.rooms.size;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  isLoaded(docName: string): boolean {
    return this.rooms.has(docName);
  }

  /**
   * Attaches a client socket to a document. Returns at once; messages fed to the returned
   * connection before the document has loaded are queued (bounded) and handled after.
   */
  connect(docName: string, socket: RoomSocket, options: ConnectOptions): Connection {
    // The hold this connection has on its room, released exactly once when it closes.
    let held: Room | null = null;
    const connection = new Connection(
      randomUUID(),
      docName,
      options.userId,
      options.access,
      socket,
      this.options.limits,
      this.log,
      {
        onClose: (closed, code) => {
          this.connections.delete(closed);
          if (held) {
            const room = held;
            held = null;
            this.release(room);
          }
          this.observer.connectionClosed?.(code);
          options.onClose?.(code);
        },
      },
    );
    this.connections.add(connection);
    this.observer.connectionOpened?.();
    if (this.shuttingDown) {
      connection.close(1001, 'server shutting down');
      return connection;
    }
    if (!isValidDocumentName(docName)) {
      this.log.warn({ doc: docName.slice(0, 256) }, 'invalid document name');
      connection.close(CloseCode.BadDocumentName, closeReason(CloseCode.BadDocumentName));
      return connection;
    }
    this.acquire(docName).then(
      (room) => {
        if (connection.isClosed) {
          this.release(room);
          return;
        }
        held = room;
        connection.attach(room);
      },
      (err: unknown) => {
        this.log.error({ err, doc: docName }, 'document load failed');
        connection.close(CloseCode.LoadFailed, closeReason(CloseCode.LoadFailed));
      },
    );
    return connection;
  }

  /** Opens a server-side handle that edits through the same pipeline as clients. */
  async openDirect(docName: string, reason: string, userId: string | null = null): Promise<DirectConnection> {
    if (!isValidDocumentName(docName)) throw new Error(`invalid document name: ${docName}`);
    const room = await this.acquire(docName);
    return new DirectConnection(room, Object.freeze({ source: 'server', reason, userId }), () => this.release(room));
  }

  /** Closes every connection with `code` (which releases their holds) and flushes all writes. */
  async shutdown(code = 1001, timeoutMs = 10_000): Promise<void> {
    this.shuttingDown = true;
    for (const connection of [...this.connections]) connection.close(code, 'server shutting down');
    for (const room of this.rooms.values()) if (room.unloadTimer) clearTimeout(room.unloadTimer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const settled = Promise.all([...this.rooms.values()].map((room) => room.whenSettled())).then(() =>
      this.commits.drain(),
    );
    const outcome = await Promise.race([settled.then(() => 'ok' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.log.error(
        { pending: this.commits.pending },
        'shutdown: writes still pending after timeout; clients hold these updates and resend them on reconnect',
      );
    }
    for (const room of this.rooms.values()) room.destroy();
    this.rooms.clear();
  }

  // ---------------------------------------------------------------------------------------------

  /** Returns the loaded room with a hold taken (L1). The caller must `release` it. */
  private async acquire(docName: string): Promise<Room> {
    for (;;) {
      const room = this.rooms.get(docName);
      if (room) {
        room.holders += 1;
        if (room.unloadTimer) {
          clearTimeout(room.unloadTimer);
          room.unloadTimer = null;
        }
        return room;
      }
      let loading = this.loading.get(docName);
      if (!loading) {
        loading = this.load(docName).finally(() => this.loading.delete(docName));
        this.loading.set(docName, loading);
      }
      await loading;
    }
  }

  private async load(docName: string): Promise<Room> {
    const started = performance.now();
    const stored = await this.store.load(docName);
    const room = new Room(docName, {
      store: this.store,
      commits: this.commits,
      compaction: this.options.compaction,
      log: this.log,
      observer: this.observer,
    });
    room.applyStored(stored);
    this.rooms.set(docName, room);
    this.observer.roomLoaded?.((performance.now() - started) / 1000);
    return room;
  }

  private release(room: Room): void {
    room.holders -= 1;
    if (room.holders > 0 || this.shuttingDown) return;
    if (room.unloadTimer) clearTimeout(room.unloadTimer);
    room.unloadTimer = setTimeout(() => {
      room.unloadTimer = null;
      void this.unload(room);
    }, this.options.unloadDelayMs);
  }

  /** L2/L3: unload only when nobody holds the room and everything it wrote is durable. */
  private async unload(room: Room): Promise<void> {
    if (room.holders > 0 || room.state !== 'active') return;
    room.state = 'unloading';
    while (room.busy) {
      await room.whenSettled();
      if (room.holders > 0) {
        room.state = 'active';
        return;
      }
    }
    if (room.holders > 0 || this.rooms.get(room.name) !== room) {
      room.state = 'active';
      return;
    }
    this.rooms.delete(room.name);
    room.destroy();
    this.observer.roomUnloaded?.();
  }
}
