import * as Y from 'yjs';
import { layerDocName } from '../../shared/domain/doc-names.ts';
import { LayerDoc, type AnnotationInput, type Taxonomy, type Tier } from '../../shared/model/index.ts';
import { PgDocumentStore } from '../../server/storage/document-store.ts';
import type { TestServer } from './server.ts';

/**
 * Writes annotations into a layer document through the server's own document store (as the demo
 * seed does), authored by `author`: for tests that need content without driving an editor.
 * Call before anyone opens the document (a loaded room does not see appended updates).
 */
export async function writeAnnotations(
  server: TestServer,
  layerId: string,
  author: string,
  schema: { taxonomy: Taxonomy; tiers: readonly Tier[] },
  inputs: AnnotationInput[],
): Promise<string[]> {
  const doc = new Y.Doc();
  const layer = new LayerDoc(doc);
  const ctx = { ...schema, mediaDuration: null, now: () => Date.now(), author };
  const ids = inputs.map((input) => layer.create(input, ctx).id);
  await new PgDocumentStore(server.app.database.db).append([
    { docName: layerDocName(layerId), update: Y.encodeStateAsUpdate(doc), userId: author, connectionId: null },
  ]);
  return ids;
}
