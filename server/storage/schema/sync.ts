import { bigint, bigserial, customType, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Postgres bytea ↔ Uint8Array (postgres-js returns a Buffer, which is a Uint8Array). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * The append-only Yjs update log: one row per update (or per sync step 2), written by the group
 * commit. Rows are deleted only by compaction, in the transaction that folds them into
 * `doc_snapshots`.
 */
export const docUpdates = pgTable(
  'doc_updates',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    docName: text('doc_name').notNull(),
    update: bytea('update').notNull(),
    userId: text('user_id'),
    connectionId: text('connection_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('doc_updates_doc_seq_idx').on(t.docName, t.seq)],
);

/** The latest compacted state of each document. */
export const docSnapshots = pgTable('doc_snapshots', {
  docName: text('doc_name').primaryKey(),
  state: bytea('state').notNull(),
  /** Highest log sequence folded into `state` (for operators; loads do not rely on it). */
  foldedSeq: bigint('folded_seq', { mode: 'number' }).notNull(),
  foldedCount: bigint('folded_count', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
