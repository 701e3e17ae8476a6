import * as Y from 'yjs';
import { AwarenessRelay } from './awareness.ts';
import { encodeAwareness, encodeUpdate } from './codec.ts';
import type { CommitOwner, CommitQueue, QueuedRecord } from './commit-queue.ts';
import { Connection } from './connection.ts';
import { COMPACTION_ORIGIN, STORAGE_ORIGIN, UNTYPED_ORIGIN, isOrigin, type Origin } from './origin.ts';
import type { DocumentStore, Logger, RoomObserver, StoredDocument } from './ports.ts';

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

/** Log rows folded per event-loop turn during compaction. */
const FOLD_SLICE = 200;

/** The room's Y.Doc knows its room, so one shared `update` listener serves every room. */
class RoomDoc extends Y.Doc {
  constructor(readonly room: Room) {
    super();
  }
}

function onDocUpdate(update: Uint8Array, origin: unknown, doc: Y.Doc): void {
  (doc as RoomDoc).room.handleUpdate(update, origin);
}

/**
 * One loaded document: the Y.Doc, its awareness relay and its connections.
 *
 * Every change enters through a Yjs transaction with a typed origin (origin.ts); the single
 * `update` handler below broadcasts and persists according to that origin, so client edits and
 * server edits (direct connections) share one pipeline.
 */
export class Room implements CommitOwner {
  readonly doc: Y.Doc = new RoomDoc(this);
  readonly awareness = new AwarenessRelay();
  /**
   * Attached connections. Replaced (never mutated) on join and leave, so a broadcast iterates a
   * stable list even when a send closes a connection.
   */
  connections: readonly Connection[] = [];
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
  private settledWaiters: Waiter[] | null = null;
  /** `Y.encodeStateAsUpdate(doc)` while the doc has not changed since (answers new clients). */
  private encodedState: Uint8Array | null = null;

  /** This room's share of the compaction bounds (see `staggered`). */
  private readonly compactAt: number;

  constructor(
    readonly name: string,
    private readonly deps: RoomDeps,
  ) {
    this.compactAt = staggered(name);
  }

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
    this.doc.on('update', onDocUpdate);
    // A snapshot alone is exactly the state a new client needs: no need to encode it again.
    if (stored.snapshot && stored.updates.length === 0) this.encodedState = stored.snapshot;
    this.snapshotVersion = stored.snapshotVersion;
    this.logEntries = stored.updates.length;
    for (const update of stored.updates) this.logBytes += update.byteLength;
    this.maybeCompact();
  }

  /** The whole document as one update (sync step 2 for a client that holds nothing), cached. */
  encodeState(): Uint8Array {
    return (this.encodedState ??= Y.encodeStateAsUpdate(this.doc));
  }

  /** True while writes or a compaction are outstanding. */
  get busy(): boolean {
    return this.pendingWrites > 0 || this.compacting !== null;
  }

  /** Resolves the next time the room has no outstanding writes or compaction. */
  whenSettled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => (this.settledWaiters ??= []).push(resolve));
  }

  broadcast(message: Uint8Array, except?: Connection): void {
    const connections = this.connections;
    for (let i = 0; i < connections.length; i++) {
      const connection = connections[i]!;
      if (connection !== except) connection.send(message);
    }
  }

  add(connection: Connection): void {
    this.connections = [...this.connections, connection];
  }

  /** Called by a connection that closed: drops its presence and tells the others. */
  detach(connection: Connection): void {
    const index = this.connections.indexOf(connection);
    if (index < 0) return;
    this.connections = this.connections.filter((c) => c !== connection);
    if (connection.awarenessClients) {
      const removal = this.awareness.remove(connection.awarenessClients);
      if (removal) this.broadcast(encodeAwareness(removal));
    }
    if (this.connections.length === 0) this.awareness.prune();
  }

  destroy(): void {
    this.state = 'unloaded';
    this.encodedState = null;
    this.doc.off('update', onDocUpdate);
    this.doc.destroy();
  }

  /** The doc's `update` event: broadcast, then persist, according to the origin. */
  handleUpdate(update: Uint8Array, rawOrigin: unknown): void {
    this.encodedState = null;
    const origin: Origin = isOrigin(rawOrigin) ? rawOrigin : UNTYPED_ORIGIN;
    if (origin.source === 'storage') return;
    this.deps.observer.updateApplied?.(update.byteLength);
    this.broadcast(encodeUpdate(update), rawOrigin instanceof Connection ? rawOrigin : undefined);
    // Already persisted: by the instance it came from, or in the log being folded.
    if (origin.source === 'peer-instance' || origin.source === 'compaction') return;
    this.pendingWrites += 1;
    this.deps.commits.enqueue({
      docName: this.name,
      update,
      userId: origin.userId,
      connectionId: origin.source === 'connection' ? origin.connectionId : null,
      owner: this,
    });
  }

  /** CommitOwner: one of this room's updates is durable. */
  committed(record: QueuedRecord): void {
    this.pendingWrites -= 1;
    this.logEntries += 1;
    this.logBytes += record.update.byteLength;
    this.maybeCompact();
    this.notifyIfSettled();
  }

  private maybeCompact(): void {
    if (this.compacting || this.state === 'unloaded') return;
    const { maxUpdates, maxBytes } = this.deps.compaction;
    if (this.logEntries < Math.ceil(maxUpdates * this.compactAt) && this.logBytes < maxBytes * this.compactAt) return;
    const started = performance.now();
    this.compacting = this.deps.store
      .compact(this.name, (previous, updates) => this.fold(previous, updates), this.snapshotVersion)
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
  private async fold(previous: Uint8Array | null, updates: Uint8Array[]): Promise<Uint8Array> {
    if (previous) Y.applyUpdate(this.doc, previous, COMPACTION_ORIGIN);
    // In slices with a turn of the event loop between them: a thousand rows take 5–20 ms to
    // apply (more before the JIT warms up), and clients' messages should not wait for all of it.
    // Each slice is one transaction; applying rows the doc already holds changes nothing, and
    // edits made meanwhile only make the encoded state newer than the rows it replaces.
    for (let from = 0; from < updates.length; from += FOLD_SLICE) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.state === 'unloaded') throw new Error('room unloaded during compaction');
      Y.transact(
        this.doc,
        () => {
          const to = Math.min(updates.length, from + FOLD_SLICE);
          for (let i = from; i < to; i++) Y.applyUpdate(this.doc, updates[i]!, COMPACTION_ORIGIN);
        },
        COMPACTION_ORIGIN,
      );
    }
    return this.encodeState();
  }

  private notifyIfSettled(): void {
    if (this.busy || !this.settledWaiters) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = null;
    for (const resolve of waiters) resolve();
  }
}

/**
 * The fraction (75–100 %) of the compaction bounds at which a document compacts, fixed per
 * document name. Documents edited at the same pace (a team working through a batch, the sync
 * benchmark's writers) would otherwise reach the bound together and compact in one burst, each
 * compaction holding the event loop for a few milliseconds; spread out, the bursts do not pile up.
 * Derived from the name rather than random, so a room's behaviour is reproducible.
 */
export function staggered(name: string): number {
  let hash = 0x811c9dc5; // FNV-1a…
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  // …then murmur3's finaliser: FNV's high bits barely move when only the last character differs
  // (doc-1, doc-2, …), and those are the bits that pick the fraction.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash ^= hash >>> 16;
  return 0.75 + 0.25 * ((hash >>> 0) / 2 ** 32);
}
