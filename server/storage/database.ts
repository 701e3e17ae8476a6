import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './data-lock.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** Either driver's database; repositories are written against this common type. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for logs (no credentials). */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  /** A postgres:// URL; without it, PGlite is used. */
  url?: string | undefined;
  /** PGlite data folder; `memory://` keeps everything in memory (tests). */
  pgliteDir?: string | undefined;
  maxConnections?: number;
}

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Opens the database and applies pending migrations (same migrations for both drivers). */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.url) {
    const client = postgres(config.url, {
      max: config.maxConnections ?? 10,
      onnotice: () => {},
      // Updates are small; keep the latency of the group commit low.
      connection: { application_name: 'concord' },
    });
    const db = drizzlePostgres({ client, schema });
    await migratePostgresLocked(config.url);
    const url = new URL(config.url);
    return {
      db: db as unknown as Database,
      kind: 'postgres',
      location: `postgres://${url.host}${url.pathname}`,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = config.pgliteDir ?? 'memory://';
  let unlock = () => {};
  if (!dir.startsWith('memory://')) {
    mkdirSync(dir, { recursive: true });
    unlock = lockDataDir(dir);
  }
  try {
    const client = await PGlite.create(dir);
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS });
    const close = async () => {
      await client.close();
      unlock();
    };
    return { db: db as unknown as Database, kind: 'pglite', location: dir, close };
  } catch (err) {
    unlock();
    throw err;
  }
}

/**
 * Several instances may start at once against one Postgres; the advisory lock makes their
 * migrations run one after the other instead of racing on CREATE TABLE. A dedicated
 * one-connection client holds the session lock for the whole migration.
 */
async function migratePostgresLocked(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(hashtext('concord:migrations'))`;
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS });
    await client`select pg_advisory_unlock(hashtext('concord:migrations'))`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
