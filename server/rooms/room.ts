import * as Y from 'yjs';
import { AwarenessRelay } from './awareness.ts';
import { encodeAwareness, encodeUpdate } from './codec.ts';
import type { CommitQueue } from './commit-queue.ts';
import type { Connection } from './connection.ts';
import { COMPACTION_ORIGIN, STORAGE_ORIGIN, isOrigin, type Origin } from './origin.ts';
import type { DocumentStore, Logger, MergeFn, RoomObserver, StoredDocument } from './ports.ts';

export interface CompactionBounds {
  /** Compact once this many log entries are waiting… */
  maxUpdates: number;
  /** …or once they add up to this many bytes. */
  maxBytes: number;
}

export interface RoomDeps {
  store: DocumentStore;
  commits: CommitQueue;
  compaction: CompactionBounds;
  log: Logger;
  observer: RoomObserver;
}

type Waiter = () => void;

/**
 * One loaded document: the Y.Doc, its awareness relay and its connections.
 *
 * Every change enters through a Yjs transaction with a typed origin (origin.ts); the single
 * `update` handler below broadcasts and persists according to that origin, so client edits and
 * server edits (direct connections) share one pipeline.
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new AwarenessRelay();
  readonly connections = new Set<Connection>();
  /** Connections plus direct connections plus in-progress acquires; the room unloads at 0. */
  holders = 0;
  state: 'active' | 'unloading' | 'unloaded' = 'active';
  unloadTimer: ReturnType<typeof setTimeout> | null = null;

  private pendingWrites = 0;
  private logEntries = 0;
  private logBytes = 0;
  /** Version of the stored snapshot this doc already contains (see DocumentStore.compact). */
  private snapshotVersion = 0;
  private compacting: Promise<void> | null = null;
  private settledWaiters: Waiter[] = [];

  constructor(
    readonly name: string,
    private readonly deps: RoomDeps,
  ) {}

  /**
   * Applies what storage returned, then starts listening: with no listener attached, Yjs does
   * not encode the (possibly megabytes of) loaded state as an update event nobody needs.
   * Called once, before any connection is attached.
   */
  applyStored(stored: StoredDocument): void {
    Y.transact(
      this.doc,
      () => {
        if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot, STORAGE_ORIGIN);
        for (const update of stored.updates) Y.applyUpdate(this.doc, update, STORAGE_ORIGIN);
      },
      STORAGE_ORIGIN,
    );
    this.doc.on('update', this.onUpdate);
    this.snapshotVersion = stored.snapshotVersion;
    this.logEntries = stored.updates.length;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    this.maybeCompact();
  }

  /** True while writes or a compaction are outstanding. */
  get busy(): boolean {
    return this.pendingWrites > 0 || this.compacting !== null;
  }

  /** Resolves the next time the room has no outstanding writes or compaction. */
  whenSettled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  broadcast(message: Uint8Array, except?: Connection): void {
    for (const connection of this.connections) if (connection !== except) connection.send(message);
  }

  /** Called by a connection that closed: drops its presence and tells the others. */
  detach(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    const removal = this.awareness.remove(connection.awarenessClients);
    if (removal) this.broadcast(encodeAwareness(removal));
    if (this.connections.size === 0) this.awareness.prune();
  }

  destroy(): void {
    this.state = 'unloaded';
    this.doc.off('update', this.onUpdate);
    this.doc.destroy();
  }

  private readonly onUpdate = (update: Uint8Array, rawOrigin: unknown): void => {
    const origin: Origin = isOrigin(rawOrigin)
      ? rawOrigin
      : { source: 'server', reason: 'untyped-origin', userId: null };
    if (origin.source === 'storage') return;
    this.deps.observer.updateApplied?.(update.byteLength);
    const message = encodeUpdate(update);
    let sender: Connection | undefined;
    if (origin.source === 'connection') {
      for (const connection of this.connections) if (connection.id === origin.connectionId) sender = connection;
    }
    this.broadcast(message, sender);
    // Already persisted: by the instance it came from, or in the log being folded.
    if (origin.source === 'peer-instance' || origin.source === 'compaction') return;
    this.pendingWrites += 1;
    const bytes = update.byteLength;
    this.deps.commits.enqueue({
      docName: this.name,
      update,
      userId: origin.userId,
      connectionId: origin.source === 'connection' ? origin.connectionId : null,
      onCommitted: () => {
        this.pendingWrites -= 1;
        this.logEntries += 1;
        this.logBytes += bytes;
        this.maybeCompact();
        this.notifyIfSettled();
      },
    });
  };

  private maybeCompact(): void {
    if (this.compacting || this.state === 'unloaded') return;
    const { maxUpdates, maxBytes } = this.deps.compaction;
    if (this.logEntries < maxUpdates && this.logBytes < maxBytes) return;
    const started = performance.now();
    this.compacting = this.deps.store
      .compact(this.name, this.fold, this.snapshotVersion)
      .then(
        (result) => {
          this.snapshotVersion = result.snapshotVersion;
          this.logEntries = Math.max(0, this.logEntries - result.folded);
          this.logBytes = Math.max(0, this.logBytes - result.foldedBytes);
          this.deps.observer.compacted?.(result.folded, (performance.now() - started) / 1000);
        },
        (err: unknown) => {
          // The log is intact (compaction is one transaction); the next commit retries.
          this.deps.log.error({ err, doc: this.name }, 'compaction failed');
        },
      )
      .finally(() => {
        this.compacting = null;
        this.notifyIfSettled();
      });
  }

  /**
   * Compaction by folding into the live doc, which already holds the loaded snapshot and every
   * update this process logged: applying those again changes nothing and costs little, while
   * rebuilding a fresh Y.Doc from the snapshot would block the event loop for ~0.5–1.5 s on a
   * multi-megabyte document. Rows another instance wrote (and an unknown snapshot version) are
   * integrated here too, so the encoded state contains every row the store is about to delete.
   */
  private readonly fold: MergeFn = (previous, updates) => {
    Y.transact(
      this.doc,
      () => {
        if (previous) Y.applyUpdate(this.doc, previous, COMPACTION_ORIGIN);
        for (const update of updates) Y.applyUpdate(this.doc, update, COMPACTION_ORIGIN);
      },
      COMPACTION_ORIGIN,
    );
    return Y.encodeStateAsUpdate(this.doc);
  };

  private notifyIfSettled(): void {
    if (this.busy || this.settledWaiters.length === 0) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
