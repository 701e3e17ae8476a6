/**
 * Names of the Yjs documents of the domain, as used in `ws://host/sync/<name>`:
 * - `layers/<layerId>`: one annotator's (or the gold) layer of a task (shared/model LayerDoc);
 * - `tasks/<taskId>`: the task's shared document (entities, comment threads; TaskDoc).
 * Anything else is refused by the server.
 */
export type DocRef = { type: 'layer'; layerId: string } | { type: 'task'; taskId: string };

const ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const LAYER = new RegExp(`^layers/(${ID})$`);
const TASK = new RegExp(`^tasks/(${ID})$`);

export function layerDocName(layerId: string): string {
  return `layers/${layerId}`;
}

export function taskDocName(taskId: string): string {
  return `tasks/${taskId}`;
}

export function parseDocName(name: string): DocRef | null {
  const layer = LAYER.exec(name);
  if (layer) return { type: 'layer', layerId: layer[1]! };
  const task = TASK.exec(name);
  if (task) return { type: 'task', taskId: task[1]! };
  return null;
}
