import type { Database } from '../storage/database.ts';
import { auditLog } from '../storage/schema.ts';

export interface AuditEntry {
  actorId: string | null;
  /** Dotted verb, e.g. `project.create`, `task.transition`, `member.remove`. */
  action: string;
  resourceType: string;
  resourceId: string;
  projectId?: string | null;
  details?: Record<string, unknown>;
}

/** Records a mutation; call it with the transaction of the change so both land or neither. */
export async function audit(db: Database, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    projectId: entry.projectId ?? null,
    details: entry.details ?? {},
  });
}
