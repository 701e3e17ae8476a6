import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { DocumentStore } from '../rooms/ports.ts';
import { openDatabase, type DatabaseHandle } from '../storage/database.ts';
import { PgDocumentStore } from '../storage/document-store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
    documentStore: DocumentStore;
  }
}

/** Opens Postgres (DATABASE_URL) or embedded PGlite (DATA_DIR/pglite) and migrates it. */
export default fp(
  async (fastify) => {
    const { config } = fastify;
    const handle = await openDatabase({
      url: config.databaseUrl,
      pgliteDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite'),
    });
    fastify.log.info({ database: handle.kind, location: handle.location }, 'database ready, migrations applied');
    fastify.decorate('database', handle);
    fastify.decorate('documentStore', new PgDocumentStore(handle.db));
    // Registered first among the app plugins, so this onClose runs after the rooms flushed.
    fastify.addHook('onClose', async () => {
      await handle.close();
    });
  },
  { name: 'database', dependencies: ['config'] },
);
