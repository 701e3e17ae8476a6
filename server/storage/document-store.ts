import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type {
  CompactionResult,
  DocumentStore,
  LogEntry,
  MergeFn,
  StoredDocument,
  UpdateRecord,
} from '../rooms/ports.ts';
import { pingDatabase, type Database } from './database.ts';
import { docSnapshots, docUpdates } from './schema.ts';

/** Postgres limits a statement to 65535 parameters; stay well below. */
const DELETE_CHUNK = 5000;

/** The update log and snapshots in Postgres (or PGlite) through drizzle. */
export class PgDocumentStore implements DocumentStore {
  constructor(
    private readonly db: Database,
    private readonly closeDb: () => Promise<void> = async () => {},
  ) {}

  async load(docName: string): Promise<StoredDocument> {
    // Log first, snapshot second, with no transaction: a compaction that commits in between has
    // folded every row it deletes into a snapshot that the second read then sees (S2).
    const rows = await this.db
      .select({ update: docUpdates.update })
      .from(docUpdates)
      .where(eq(docUpdates.docName, docName))
      .orderBy(asc(docUpdates.seq));
    const [snapshot] = await this.db
      .select({ state: docSnapshots.state, version: docSnapshots.foldedSeq })
      .from(docSnapshots)
      .where(eq(docSnapshots.docName, docName));
    return {
      snapshot: snapshot?.state ?? null,
      snapshotVersion: snapshot?.version ?? 0,
      updates: rows.map((r) => r.update),
    };
  }

  async append(records: readonly UpdateRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db
      .insert(docUpdates)
      .values(
        records.map((r) => ({ docName: r.docName, update: r.update, userId: r.userId, connectionId: r.connectionId })),
      );
  }

  async compact(docName: string, merge: MergeFn, knownVersion?: number): Promise<CompactionResult> {
    return this.db.transaction(async (tx) => {
      // Serialises compactions of one document across instances: each one starts from the
      // snapshot the previous one wrote.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`concord:doc:${docName}`}, 0))`);
      const rows = await tx
        .select({ seq: docUpdates.seq, update: docUpdates.update })
        .from(docUpdates)
        .where(eq(docUpdates.docName, docName))
        .orderBy(asc(docUpdates.seq));
      const [previous] = await tx
        .select({ version: docSnapshots.foldedSeq, foldedCount: docSnapshots.foldedCount })
        .from(docSnapshots)
        .where(eq(docSnapshots.docName, docName));
      if (rows.length === 0)
        return { folded: 0, foldedBytes: 0, snapshotBytes: 0, snapshotVersion: previous?.version ?? 0 };
      // The snapshot can be megabytes: read it only when the merge does not already hold it.
      let previousState: Uint8Array | null = null;
      if (previous && previous.version !== knownVersion) {
        const [row] = await tx
          .select({ state: docSnapshots.state })
          .from(docSnapshots)
          .where(eq(docSnapshots.docName, docName));
        previousState = row?.state ?? null;
      }
      const state = merge(
        previousState,
        rows.map((r) => r.update),
      );
      const foldedSeq = rows[rows.length - 1]!.seq;
      const foldedCount = (previous?.foldedCount ?? 0) + rows.length;
      await tx
        .insert(docSnapshots)
        .values({ docName, state, foldedSeq, foldedCount })
        .onConflictDoUpdate({
          target: docSnapshots.docName,
          set: { state, foldedSeq, foldedCount, updatedAt: sql`now()` },
        });
      // Delete exactly the rows that were read. A range delete (seq <= foldedSeq) could remove a
      // row whose transaction committed after our read with a lower sequence number.
      for (let i = 0; i < rows.length; i += DELETE_CHUNK) {
        const seqs = rows.slice(i, i + DELETE_CHUNK).map((r) => r.seq);
        await tx.delete(docUpdates).where(and(eq(docUpdates.docName, docName), inArray(docUpdates.seq, seqs)));
      }
      return {
        folded: rows.length,
        foldedBytes: rows.reduce((sum, r) => sum + r.update.byteLength, 0),
        snapshotBytes: state.byteLength,
        snapshotVersion: foldedSeq,
      };
    });
  }

  async log(docName: string): Promise<LogEntry[]> {
    const rows = await this.db
      .select({
        seq: docUpdates.seq,
        userId: docUpdates.userId,
        connectionId: docUpdates.connectionId,
        bytes: sql<number>`octet_length(${docUpdates.update})`.mapWith(Number),
        createdAt: docUpdates.createdAt,
      })
      .from(docUpdates)
      .where(eq(docUpdates.docName, docName))
      .orderBy(asc(docUpdates.seq));
    return rows;
  }

  ping(): Promise<void> {
    return pingDatabase(this.db);
  }

  close(): Promise<void> {
    return this.closeDb();
  }
}
