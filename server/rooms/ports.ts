/**
 * The room core's view of the outside world. Nothing here knows Fastify, ws or drizzle: the
 * WebSocket route adapts a `ws` socket to `RoomSocket`, the storage plugin adapts drizzle to
 * `DocumentStore`, and tests plug in in-memory versions of both.
 */

/** The part of a WebSocket the room needs. `readyState` uses the WHATWG numbers. */
export interface RoomSocket {
  readonly readyState: number;
  /** Bytes accepted by `send` but not yet handed to the network. */
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
}

export const SOCKET_OPEN = 1;

/** One row of the append-only update log. */
export interface UpdateRecord {
  docName: string;
  update: Uint8Array;
  userId: string | null;
  connectionId: string | null;
}

/** What a load returns: the latest snapshot and every log entry not yet folded into one. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  /** Version of `snapshot` (increases with every compaction; 0 when there is none). */
  snapshotVersion: number;
  updates: Uint8Array[];
}

export interface LogEntry {
  seq: number;
  userId: string | null;
  connectionId: string | null;
  bytes: number;
  createdAt: Date;
}

export interface CompactionResult {
  /** Log entries folded into the new snapshot (and deleted from the log). */
  folded: number;
  foldedBytes: number;
  snapshotBytes: number;
  /** Version of the snapshot now stored. */
  snapshotVersion: number;
}

/**
 * Folds the previous snapshot plus log entries into one state update (see merge.ts and
 * Room.fold). `previous` is null when there is none, or when it is the version the caller said
 * it already holds.
 */
/** May be async: a room folds a long log in slices, yielding to other work between them. */
export type MergeFn = (previous: Uint8Array | null, updates: Uint8Array[]) => Uint8Array | Promise<Uint8Array>;

/**
 * Durable document storage. Every implementation must pass tests/unit/storage/contract.ts.
 *
 * Invariant (S1): a load after `append` resolves contains the appended update.
 * Invariant (S2): `compact` never loses an update, whatever appends or compactions run
 * concurrently with it, in this process or another one.
 */
export interface DocumentStore {
  load(docName: string): Promise<StoredDocument>;
  /** Appends all records atomically in one round trip (the group commit). */
  append(records: readonly UpdateRecord[]): Promise<void>;
  /**
   * Folds the log into a new snapshot. `knownVersion` is the snapshot version `merge` already
   * contains (a loaded room's), so the store need not read and pass it again.
   */
  compact(docName: string, merge: MergeFn, knownVersion?: number): Promise<CompactionResult>;
  /** Metadata of the log entries not yet compacted, oldest first. */
  log(docName: string): Promise<LogEntry[]>;
  /** Cheap liveness probe for /api/health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** pino-compatible logger subset. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Hooks for metrics; every method is optional so tests can pass `{}`. */
export interface RoomObserver {
  connectionOpened?(): void;
  connectionClosed?(code: number): void;
  roomLoaded?(seconds: number): void;
  roomUnloaded?(): void;
  updateApplied?(bytes: number): void;
  committed?(rows: number, seconds: number): void;
  writeFailed?(rows: number): void;
  compacted?(folded: number, seconds: number): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
