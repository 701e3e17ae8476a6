import { and, eq, inArray } from 'drizzle-orm';
import { canEditTier, type Tier } from '../../shared/model/tier.ts';
import type { Database } from '../storage/database.ts';
import { projectMembers } from '../storage/schema.ts';

/**
 * The tiers each annotator may annotate in a project (role and skills of the membership), by
 * user id: what their layer is compared on (shared/model `layerCoversTier`). Users who are no
 * longer members are absent (their layers count on every tier, as before they left).
 */
export async function annotatorTierIds(
  db: Database,
  project: { id: string; tiers: readonly Tier[] },
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ userId: projectMembers.userId, role: projectMembers.role, skills: projectMembers.skills })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, project.id), inArray(projectMembers.userId, [...userIds])));
  return new Map(
    rows.map((r) => [r.userId, project.tiers.filter((t) => canEditTier(t, r.role, r.skills)).map((t) => t.id)]),
  );
}
