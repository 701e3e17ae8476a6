import postgres from 'postgres';
import { LeveldbPersistence } from 'y-leveldb';
import * as Y from 'yjs';
import { mergeIntoState } from '../../../server/rooms/merge.ts';
import { openDatabase } from '../../../server/storage/database.ts';
import { PgDocumentStore } from '../../../server/storage/document-store.ts';

/**
 * Orchestrator side of the cold-load setup: store the same 100k-update document the way each
 * peer would have stored it, under several names (each name is loaded once, cold).
 */

/** Rows per group-commit insert while seeding; the server's batches are this size or smaller. */
const SEED_BATCH = 50;

export interface ConcordSeed {
  ms: number;
  compactions: number;
  snapshotBytes: number;
  logRowsLeft: number;
  /** Duration of the last compaction (the biggest snapshot): what the server's event loop pays. */
  lastCompactionMs: number;
  maxCompactionMs: number;
}

/**
 * Concord: append the updates in group-commit-sized batches and compact whenever the server
 * would (Room.maybeCompact: after a commit, once ≥ compactMaxUpdates log rows or
 * ≥ compactMaxBytes are waiting). The first name is seeded that way; the others are row-for-row
 * copies made in SQL, which stores exactly the same bytes without paying the seeding time again.
 */
export async function seedConcord(
  url: string,
  names: readonly string[],
  updates: readonly Uint8Array[],
  bounds: { maxUpdates: number; maxBytes: number },
): Promise<ConcordSeed> {
  const started = performance.now();
  const handle = await openDatabase({ url, maxConnections: 2 });
  const store = new PgDocumentStore(handle.db);
  const [first, ...copies] = names;
  let logRows = 0;
  let logBytes = 0;
  let compactions = 0;
  let snapshotBytes = 0;
  let lastCompactionMs = 0;
  let maxCompactionMs = 0;
  try {
    for (let i = 0; i < updates.length; i += SEED_BATCH) {
      const batch = updates.slice(i, i + SEED_BATCH);
      await store.append(
        batch.map((update) => ({ docName: first!, update, userId: null, connectionId: 'bench-seed' })),
      );
      logRows += batch.length;
      logBytes += batch.reduce((sum, u) => sum + u.byteLength, 0);
      if (logRows >= bounds.maxUpdates || logBytes >= bounds.maxBytes) {
        const compactionStarted = performance.now();
        const result = await store.compact(first!, mergeIntoState);
        lastCompactionMs = performance.now() - compactionStarted;
        maxCompactionMs = Math.max(maxCompactionMs, lastCompactionMs);
        compactions += 1;
        snapshotBytes = result.snapshotBytes;
        logRows -= result.folded;
        logBytes -= result.foldedBytes;
      }
    }
  } finally {
    await handle.close();
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const name of copies) {
      await sql`insert into doc_snapshots (doc_name, state, folded_seq, folded_count)
                select ${name}, state, folded_seq, folded_count from doc_snapshots where doc_name = ${first!}`;
      await sql`insert into doc_updates (doc_name, "update", user_id, connection_id)
                select ${name}, "update", user_id, connection_id from doc_updates where doc_name = ${first!} order by seq`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return {
    ms: performance.now() - started,
    compactions,
    snapshotBytes,
    logRowsLeft: logRows,
    lastCompactionMs,
    maxCompactionMs,
  };
}

/** The state a server-side Y.Doc has after applying every update (what Hocuspocus and y-leveldb store). */
export function fullState(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** Hocuspocus + extension-database: its `store` writes Y.encodeStateAsUpdate(document) per document. */
export async function seedHocuspocus(url: string, names: readonly string[], state: Uint8Array): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`create table if not exists hocuspocus_documents (name text primary key, data bytea not null)`;
    for (const name of names) {
      await sql`insert into hocuspocus_documents (name, data) values (${name}, ${Buffer.from(state)})
                on conflict (name) do update set data = excluded.data`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * @y/websocket-server + y-leveldb (YPERSISTENCE): stores the merged state as one entry, which is
 * what y-leveldb keeps after it trims a document's log on load (its best case).
 */
export async function seedLeveldb(dir: string, names: readonly string[], state: Uint8Array): Promise<void> {
  const ldb = new LeveldbPersistence(dir);
  try {
    for (const name of names) await ldb.storeUpdate(name, state);
  } finally {
    await ldb.destroy();
  }
}
