/**
 * Authorship of the task document: a comment's `author` and a thread's `resolvedBy` name a user,
 * and the names must be true. Clients write them (the document is a CRDT the client edits
 * directly), so the server checks each incoming task-document update before applying it: every
 * value it writes under a `resolvedBy` key must be null or the sender, and every plain object it
 * inserts that carries an `author` (a message) must carry the sender's id.
 *
 * The fields are plain values written as one item each. An item carries its key (`parentSub`) on
 * the wire only when it has no neighbour; an overwrite names the value it replaces as its origin
 * instead, so the key is found by following origins through the update and the document.
 */
import * as Y from 'yjs';

/** Keys whose value is a user id that must be the writer's own (or null). */
const SELF_KEYS = new Set(['resolvedBy']);

/** Values an item writes, when they are plain JSON values (ContentAny / ContentJSON). */
function plainValues(content: unknown): unknown[] | null {
  if (content instanceof Y.ContentAny) return content.arr;
  if (content instanceof Y.ContentJSON) return content.arr;
  return null;
}

/**
 * True when `update` (v1) names no one but `userId` as a message author or resolver, given the
 * document it would be applied to. Undecodable bytes, and keys that cannot be resolved, return
 * false (the caller refuses the update).
 */
export function authorshipHolds(update: Uint8Array, userId: string, doc: Y.Doc): boolean {
  let structs: ReturnType<typeof Y.decodeUpdate>['structs'];
  try {
    structs = Y.decodeUpdate(update).structs;
  } catch {
    return false;
  }
  // Items of the update per client, in clock order (as decoded), for binary search.
  const byClient = new Map<number, Y.Item[]>();
  for (const s of structs)
    if (s instanceof Y.Item) {
      const list = byClient.get(s.id.client);
      if (list) list.push(s);
      else byClient.set(s.id.client, [s]);
    }
  const inUpdate = (id: Y.ID): Y.Item | null => {
    const list = byClient.get(id.client);
    if (!list) return null;
    let [lo, hi] = [0, list.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const item = list[mid]!;
      if (id.clock < item.id.clock) hi = mid - 1;
      else if (id.clock >= item.id.clock + item.length) lo = mid + 1;
      else return item;
    }
    return null;
  };
  const inDoc = (id: Y.ID): Y.Item | null => {
    const clocks = doc.store.clients.get(id.client);
    const last = clocks?.[clocks.length - 1];
    if (!last || id.clock >= last.id.clock + last.length) return null;
    const found = Y.getItem(doc.store, id);
    return found instanceof Y.Item ? found : null;
  };
  /** The map key an item writes under (null for list items; undefined when unresolvable). */
  const keyOf = (item: Y.Item): string | null | undefined => {
    let at = item;
    for (let hops = 0; hops <= structs.length; hops++) {
      if (at.parentSub !== null) return at.parentSub;
      const next = at.origin ?? at.rightOrigin;
      // No neighbour: the parent is on the wire, and without a key it is a list.
      if (next === null) return null;
      const local = inUpdate(next);
      if (local !== null) {
        at = local;
        continue;
      }
      // An integrated item knows its key (null in a list): one hop into the document suffices.
      const integrated = inDoc(next);
      return integrated === null ? undefined : integrated.parentSub;
    }
    return undefined;
  };
  for (const list of byClient.values())
    for (const s of list) {
      const values = plainValues(s.content);
      if (values === null) continue;
      const key = keyOf(s);
      if (key === undefined) return false;
      if (key !== null && SELF_KEYS.has(key)) {
        if (!values.every((v) => v === null || v === userId)) return false;
        continue;
      }
      for (const v of values)
        if (typeof v === 'object' && v !== null && 'author' in v && (v as { author: unknown }).author !== userId)
          return false;
    }
  return true;
}
