import { asc, eq, sql } from 'drizzle-orm';
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

/**
 * The group commit's insert: one fixed statement whatever the batch size (four array
 * parameters), so Postgres parses and plans it once per connection and every later commit is a
 * bind + execute. drizzle builds a new multi-row VALUES statement (4 parameters per row) for
 * every batch, which costs ~3× the CPU per commit; this is the hot path of every edit.
 */
const APPEND_SQL =
  'insert into doc_updates (doc_name, "update", user_id, connection_id) ' +
  'select * from unnest($1::text[], $2::bytea[], $3::text[], $4::text[])';

/** The parts of the drivers' own clients the fast append uses (drizzle exposes them as $client). */
interface PostgresJsClient {
  unsafe(query: string, parameters: unknown[], options: { prepare: boolean }): PromiseLike<unknown>;
}
interface PgliteClient {
  query(query: string, parameters: unknown[]): Promise<unknown>;
}

type Append = (records: readonly UpdateRecord[]) => Promise<void>;

function columns(records: readonly UpdateRecord[]): [string[], Uint8Array[], (string | null)[], (string | null)[]] {
  const names: string[] = new Array(records.length);
  const updates: Uint8Array[] = new Array(records.length);
  const users: (string | null)[] = new Array(records.length);
  const connections: (string | null)[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    names[i] = r.docName;
    updates[i] = r.update;
    users[i] = r.userId;
    connections[i] = r.connectionId;
  }
  return [names, updates, users, connections];
}

const arrayElement = (text: string): string => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/** A Postgres text-array literal: `{"a","b",NULL}`. */
function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out += (i > 0 ? ',' : '') + (value === null || value === undefined ? 'NULL' : arrayElement(value));
  }
  return `${out}}`;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Up to this size an update is hex-encoded in JavaScript (see `hex`). */
const JS_HEX_MAX_BYTES = 256;

/**
 * Hex digits of an update. Yjs encodes each update into a fresh Uint8Array, and V8 keeps typed
 * arrays of ≤ 64 bytes inside the JS heap; reading `.buffer` of such an array, or handing it to
 * native code (Buffer#toString), makes V8 give it an ArrayBuffer of its own first. Per committed
 * edit that is measurable: with the native path the server's young-generation GCs kept ~0.7 MB
 * per scavenge and paused 2–6 ms under `npm run bench:sync`; with this one (and the parameters
 * built in `appendParameters`) ~0.35 MB and 1.5–3 ms. Small updates (nearly every edit) are
 * therefore encoded here, in plain JS.
 */
function hex(bytes: Uint8Array): string {
  if (bytes.byteLength > JS_HEX_MAX_BYTES) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  }
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!];
  return out;
}

/** A Postgres bytea-array literal in hex format (each element `\\x` + hex, quoted, backslash escaped). */
function byteaArray(values: readonly Uint8Array[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += `${i > 0 ? ',' : ''}"\\\\x${hex(values[i]!)}"`;
  return `${out}}`;
}

/** APPEND_SQL's four parameters as Postgres array literals. */
function appendParameters(records: readonly UpdateRecord[]): string[] {
  const [names, updates, users, connections] = columns(records);
  return [textArray(names), byteaArray(updates), textArray(users), textArray(connections)];
}

/** The fastest append the underlying driver allows; drizzle's multi-row insert otherwise. */
function fastAppend(db: Database): Append | null {
  const client = (db as unknown as { $client?: unknown }).$client as
    Partial<PostgresJsClient & PgliteClient> | undefined;
  if (client && typeof client.unsafe === 'function') {
    const pg = client as PostgresJsClient;
    // The arrays go as literals with unspecified parameter types: the server takes the types from
    // the casts in the statement. (postgres.js's own array parameters need its array type map,
    // which it fetches asynchronously after connecting.)
    return async (records) => {
      await pg.unsafe(APPEND_SQL, appendParameters(records), { prepare: true });
    };
  }
  if (client && typeof client.query === 'function') {
    const pglite = client as PgliteClient;
    return async (records) => {
      await pglite.query(APPEND_SQL, columns(records));
    };
  }
  return null;
}

/** The update log and snapshots in Postgres (or PGlite) through drizzle. */
export class PgDocumentStore implements DocumentStore {
  private readonly fastAppend: Append | null;

  constructor(
    private readonly db: Database,
    private readonly closeDb: () => Promise<void> = async () => {},
  ) {
    this.fastAppend = fastAppend(db);
  }

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
    if (this.fastAppend) return this.fastAppend(records);
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
      const state = await merge(
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
      // row whose transaction committed after our read with a lower sequence number. The
      // sequence numbers go as one array literal: a placeholder per row made drizzle and the
      // driver build and serialise a 1000-parameter statement on every compaction.
      await tx.execute(
        sql`delete from ${docUpdates} where ${docUpdates.docName} = ${docName} and ${docUpdates.seq} = any(${`{${rows.map((r) => r.seq).join(',')}}`}::bigint[])`,
      );
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
