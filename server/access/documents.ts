import type { IncomingHttpHeaders } from 'node:http';
import type * as Y from 'yjs';
import { parseDocName } from '../../shared/domain/doc-names.ts';
import { CloseCode } from '../../shared/protocol/close-codes.ts';
import { authorshipHolds } from '../../shared/model/authorship.ts';
import { tiersTouchedByUpdate } from '../../shared/model/touched-tiers.ts';
import type { Actor } from '../accounts/accounts.ts';
import { ApiError } from '../errors.ts';
import type { DocumentGrant } from '../routes/sync/index.ts';
import { editableTiers, type Access } from './access.ts';
import { decide } from './policy.ts';

/**
 * The WebSocket side of authorization: the same Access/policy as REST, mapped to close codes.
 * A grant is `read` or `write`; a write grant on a layer whose tiers the user may not all edit
 * carries an `admit` guard that refuses updates touching other tiers.
 */
export function documentAuthorizer(deps: {
  authenticate(headers: IncomingHttpHeaders): Promise<Actor | null>;
  access: Access;
}) {
  return async (request: { headers: IncomingHttpHeaders }, docName: string): Promise<DocumentGrant | CloseCode> => {
    const ref = parseDocName(docName);
    if (!ref) return CloseCode.BadDocumentName;
    const actor = await deps.authenticate(request.headers);
    if (!actor) return CloseCode.Unauthenticated;
    try {
      if (ref.type === 'task') {
        const found = await deps.access.taskDoc(actor, ref.taskId, 'read');
        const write = decide(found.subject, { type: 'task_doc', task: found.facts }, 'write');
        if (!write) return { userId: actor.userId, access: 'read' };
        // Comments and resolutions name their writer: nobody may write in someone else's name.
        const userId = actor.userId;
        return {
          userId,
          access: 'write',
          admit: (update: Uint8Array, doc: Y.Doc) => authorshipHolds(update, userId, doc),
        };
      }
      const found = await deps.access.layer(actor, ref.layerId, 'read');
      const resource = {
        type: 'layer' as const,
        task: found.facts,
        visibility: found.project.settings.visibility,
        layer: { kind: found.layer.kind, ownerId: found.layer.userId },
      };
      if (!decide(found.subject, resource, 'write')) return { userId: actor.userId, access: 'read' };
      const tiers = found.project.tiers;
      const editable = editableTiers(tiers, found.subject, found.layer.kind);
      if (editable.size === tiers.length) return { userId: actor.userId, access: 'write' };
      return { userId: actor.userId, access: 'write', admit: tierGuard(editable) };
    } catch (err) {
      // Not found and not allowed look the same from outside: no existence leak over WebSocket.
      if (err instanceof ApiError) return CloseCode.Forbidden;
      throw err;
    }
  };
}

/** Admits an update only if every tier it touches is editable (unattributable → refused). */
export function tierGuard(editable: ReadonlySet<string>) {
  return (update: Uint8Array, doc: Y.Doc): boolean => {
    const touched = tiersTouchedByUpdate(doc, update);
    if (touched === null) return false;
    for (const tier of touched) if (!editable.has(tier)) return false;
    return true;
  };
}
