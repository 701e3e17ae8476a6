import { CloseCode, closeCodeDescriptions, closeReason } from '../../shared/protocol/close-codes.ts';
import { isValidDocumentName } from '../../shared/protocol/messages.ts';
import { CommitQueue, type CommitQueueOptions } from './commit-queue.ts';
import {
  Connection,
  newConnectionId,
  type Access,
  type Admit,
  type ConnectionContext,
  type ConnectionLimits,
} from './connection.ts';
import { DirectConnection } from './direct.ts';
import { Room, type CompactionBounds, type RoomDeps } from './room.ts';
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
  /** Checked before each update of this connection is applied (see Connection.applyUpdate). */
  admit?: Admit | undefined;
  /** Called after the connection closed for any reason. */
  onClose?: (code: number) => void;
}

/** Selects live connections by document and user (closeConnections, setAccess). */
export type ConnectionMatch = (docName: string, userId: string | null) => boolean;

/** A load in progress and the connections waiting for it (they may be answered early). */
interface Load {
  promise: Promise<Room>;
  waiting: Connection[];
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
export class Rooms implements ConnectionContext {
  readonly commits: CommitQueue;
  readonly limits: ConnectionLimits;
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Load>();
  private readonly connections = new Set<Connection>();
  private readonly roomDeps: RoomDeps;
  private shuttingDown = false;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: RoomsOptions,
    readonly log: Logger,
    private readonly observer: RoomObserver = {},
  ) {
    this.limits = options.limits;
    this.commits = new CommitQueue(store, options.commit, log, observer);
    this.roomDeps = { store, commits: this.commits, compaction: options.compaction, log, observer };
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
    const connection = new Connection(
      newConnectionId(),
      docName,
      options.userId,
      options.access,
      options.admit ?? null,
      socket,
      this,
    );
    if (options.onClose) connection.onClose = options.onClose;
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
    const loaded = this.rooms.get(docName);
    if (loaded) {
      // Warm document: attach synchronously (no promise, no closure per connection).
      this.hold(loaded);
      connection.held = loaded;
      connection.attach(loaded);
      return connection;
    }
    this.acquire(docName, connection).then(
      (room) => {
        if (connection.isClosed) {
          this.release(room);
          return;
        }
        connection.held = room;
        connection.attach(room);
      },
      (err: unknown) => {
        this.log.error({ err, doc: docName }, 'document load failed');
        connection.close(CloseCode.LoadFailed, closeReason(CloseCode.LoadFailed));
      },
    );
    return connection;
  }

  /** ConnectionContext: a connection closed (for any reason); releases its hold. */
  connectionClosed(connection: Connection, code: number): void {
    this.connections.delete(connection);
    const room = connection.held;
    if (room) {
      connection.held = null;
      this.release(room);
    }
    this.observer.connectionClosed?.(code);
    connection.onClose?.(code);
  }

  /** Opens a server-side handle that edits through the same pipeline as clients. */
  async openDirect(docName: string, reason: string, userId: string | null = null): Promise<DirectConnection> {
    if (!isValidDocumentName(docName)) throw new Error(`invalid document name: ${docName}`);
    const room = await this.acquire(docName);
    return new DirectConnection(room, Object.freeze({ source: 'server', reason, userId }), () => this.release(room));
  }

  /**
   * Closes every live client connection for which `match(docName, userId)` is true with `code`
   * (e.g. 4403 when a membership is revoked, 4409 when rights changed and the client should
   * reconnect to be authorized again). Returns how many were closed.
   */
  closeConnections(match: ConnectionMatch, code: CloseCode | number): number {
    const reason = code in closeCodeDescriptions ? closeReason(code as CloseCode) : '';
    let closed = 0;
    for (const connection of [...this.connections]) {
      if (connection.isClosed || !match(connection.docName, connection.userId)) continue;
      connection.close(code, reason);
      closed += 1;
    }
    return closed;
  }

  /**
   * Sets the access of every live client connection for which `match(docName, userId)` is true
   * (e.g. an annotator's layer becomes read-only once submitted). A connection set to 'read'
   * has its later updates dropped like any read-only connection's. Returns how many matched.
   */
  setAccess(match: ConnectionMatch, access: Access): number {
    let matched = 0;
    for (const connection of this.connections) {
      if (connection.isClosed || !match(connection.docName, connection.userId)) continue;
      connection.access = access;
      matched += 1;
    }
    return matched;
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

  private hold(room: Room): void {
    room.holders += 1;
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer);
      room.unloadTimer = null;
    }
  }

  /**
   * Returns the loaded room with a hold taken (L1). The caller must `release` it. A connection
   * passed along waits on the load and may be answered from the stored bytes (see `load`).
   */
  private async acquire(docName: string, waiting?: Connection): Promise<Room> {
    for (;;) {
      const room = this.rooms.get(docName);
      if (room) {
        this.hold(room);
        return room;
      }
      let load = this.loading.get(docName);
      if (!load) {
        const started: Load = { promise: null!, waiting: [] };
        started.promise = this.load(docName, started).finally(() => this.loading.delete(docName));
        this.loading.set(docName, started);
        load = started;
      }
      if (waiting) {
        load.waiting.push(waiting);
        waiting = undefined;
      }
      await load.promise;
    }
  }

  private async load(docName: string, load: Load): Promise<Room> {
    const started = performance.now();
    const stored = await this.store.load(docName);
    // Clients that hold nothing get the stored bytes right away; applying them to the Y.Doc
    // (hundreds of milliseconds for a large document) then overlaps with the client's own work.
    let answered = 0;
    for (const connection of load.waiting) if (connection.answerFromStorage(stored)) answered += 1;
    if (answered > 0) await new Promise((resolve) => setImmediate(resolve)); // let the sockets write
    const room = new Room(docName, this.roomDeps);
    room.applyStored(stored);
    this.rooms.set(docName, room);
    // Everyone waiting joins before anyone's queued frames run: a client answered from storage
    // above must receive every update made from here on.
    for (const connection of load.waiting) connection.join(room);
    load.waiting.length = 0;
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
