import * as Y from 'yjs';

/**
 * Folds a snapshot and log entries into one state update by applying them to a fresh Y.Doc in a
 * single transaction and encoding its state.
 *
 * Why not `Y.mergeUpdates`: measured on this hardware it takes 1.4 s for 10k small updates and
 * does not finish for 100k, while applying 100k updates to a Y.Doc in one transaction takes
 * ~0.5 s. Updates whose dependencies are missing stay pending in the doc and
 * `encodeStateAsUpdate` still includes them, so nothing is dropped.
 */
export function mergeIntoState(snapshot: Uint8Array | null, updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      if (snapshot) Y.applyUpdate(doc, snapshot);
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
