import { describe, it } from 'vitest';
import { openDatabase } from '../../server/storage/database.ts';
import { PgDocumentStore } from '../../server/storage/document-store.ts';
import { storageContract } from '../unit/storage/contract.ts';
import { createTestDatabase, testPostgresUrl } from '../helpers/postgres.ts';

// Runs against a real Postgres when TEST_DATABASE_URL (or DATABASE_URL) is set; .ci/run sets it.
if (testPostgresUrl) {
  const baseUrl = testPostgresUrl;
  storageContract('Postgres (postgres driver, migrated)', async () => {
    const database = await createTestDatabase(baseUrl);
    const handle = await openDatabase({ url: database.url });
    return {
      store: new PgDocumentStore(handle.db),
      close: async () => {
        await handle.close();
        await database.drop();
      },
    };
  });
} else {
  describe('DocumentStore contract: Postgres', () => {
    it.skipIf(true)('needs TEST_DATABASE_URL (set by .ci/run)', () => {});
  });
}
