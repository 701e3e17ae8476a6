import type {
  CompactionResult,
  DocumentStore,
  LogEntry,
  MergeFn,
  StoredDocument,
  UpdateRecord,
} from '../rooms/ports.ts';

interface Row extends UpdateRecord {
  seq: number;
  createdAt: Date;
}

/**
 * In-memory DocumentStore for deterministic tests of the room core. Passes the same contract
 * suite as the Postgres store. `failNext` makes the next appends reject, to test retries.
 */
export class MemoryDocumentStore implements DocumentStore {
  private seq = 0;
  private readonly rows = new Map<string, Row[]>();
  private readonly snapshots = new Map<string, { state: Uint8Array; version: number }>();
  failAppends = 0;
  appendCalls = 0;

  async load(docName: string): Promise<StoredDocument> {
    await Promise.resolve();
    return {
      snapshot: this.snapshots.get(docName)?.state ?? null,
      snapshotVersion: this.snapshots.get(docName)?.version ?? 0,
      updates: (this.rows.get(docName) ?? []).map((r) => r.update),
    };
  }

  async append(records: readonly UpdateRecord[]): Promise<void> {
    await Promise.resolve();
    this.appendCalls += 1;
    if (this.failAppends > 0) {
      this.failAppends -= 1;
      throw new Error('injected append failure');
    }
    for (const record of records) {
      const list = this.rows.get(record.docName) ?? [];
      list.push({ ...record, update: record.update.slice(), seq: ++this.seq, createdAt: new Date() });
      this.rows.set(record.docName, list);
    }
  }

  /** Compactions of one document run one at a time (Postgres: the advisory lock). */
  private readonly compacting = new Map<string, Promise<unknown>>();

  compact(docName: string, merge: MergeFn, knownVersion?: number): Promise<CompactionResult> {
    const previous = this.compacting.get(docName) ?? Promise.resolve();
    const next = previous.then(
      () => this.compactNow(docName, merge, knownVersion),
      () => this.compactNow(docName, merge, knownVersion),
    );
    const settled = next.catch(() => {});
    this.compacting.set(docName, settled);
    void settled.then(() => {
      if (this.compacting.get(docName) === settled) this.compacting.delete(docName);
    });
    return next;
  }

  private async compactNow(docName: string, merge: MergeFn, knownVersion?: number): Promise<CompactionResult> {
    await Promise.resolve();
    const rows = this.rows.get(docName) ?? [];
    const previous = this.snapshots.get(docName);
    if (rows.length === 0)
      return { folded: 0, foldedBytes: 0, snapshotBytes: 0, snapshotVersion: previous?.version ?? 0 };
    const state = await merge(
      previous && previous.version !== knownVersion ? previous.state : null,
      rows.map((r) => r.update),
    );
    const version = rows[rows.length - 1]!.seq;
    this.snapshots.set(docName, { state, version });
    const folded = new Set(rows);
    this.rows.set(
      docName,
      (this.rows.get(docName) ?? []).filter((r) => !folded.has(r)),
    );
    return {
      folded: rows.length,
      foldedBytes: rows.reduce((s, r) => s + r.update.byteLength, 0),
      snapshotBytes: state.byteLength,
      snapshotVersion: version,
    };
  }

  async log(docName: string): Promise<LogEntry[]> {
    return (this.rows.get(docName) ?? []).map((r) => ({
      seq: r.seq,
      userId: r.userId,
      connectionId: r.connectionId,
      bytes: r.update.byteLength,
      createdAt: r.createdAt,
    }));
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
