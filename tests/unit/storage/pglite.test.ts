import { openDatabase } from '../../../server/storage/database.ts';
import { PgDocumentStore } from '../../../server/storage/document-store.ts';
import { storageContract } from './contract.ts';

storageContract('PGlite (embedded, migrated)', async () => {
  const handle = await openDatabase({ pgliteDir: 'memory://' });
  return { store: new PgDocumentStore(handle.db), close: () => handle.close() };
});
