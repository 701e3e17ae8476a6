import { Database } from '@hocuspocus/extension-database';
import { Server } from '@hocuspocus/server';
import postgres from 'postgres';
import { serveBenchServer } from './server-ipc.ts';

/**
 * @hocuspocus/server with @hocuspocus/extension-database storing each document's full state in
 * Postgres (HOCUSPOCUS_DATABASE_URL), default debounce (2 s, max 10 s). Everything else default.
 */
const url = process.env.HOCUSPOCUS_DATABASE_URL;
if (!url) throw new Error('HOCUSPOCUS_DATABASE_URL is required');
const sql = postgres(url, { max: 10, onnotice: () => {} });
await sql`create table if not exists hocuspocus_documents (name text primary key, data bytea not null)`;

const server = new Server({
  address: process.env.HOST || '127.0.0.1',
  port: 0,
  quiet: true,
  stopOnSignals: false,
  extensions: [
    new Database({
      fetch: async ({ documentName }) => {
        const rows = await sql<{ data: Buffer }[]>`select data from hocuspocus_documents where name = ${documentName}`;
        return rows[0]?.data ?? null;
      },
      store: async ({ documentName, state }) => {
        await sql`insert into hocuspocus_documents (name, data) values (${documentName}, ${state})
                  on conflict (name) do update set data = excluded.data`;
      },
    }),
  ],
});
await server.listen();
serveBenchServer(server.address.port, async () => {
  await server.destroy();
  await sql.end({ timeout: 5 });
});
