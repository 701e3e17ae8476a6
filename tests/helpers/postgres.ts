import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** URL of a Postgres server for tests, if the environment provides one. */
export const testPostgresUrl: string | undefined =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

/**
 * Creates a fresh database on the test server, so test files running in parallel never share
 * tables. Returns its URL and a function that drops it.
 */
export async function createTestDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `concord_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}
