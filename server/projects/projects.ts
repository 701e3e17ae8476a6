import { and, eq, sql } from 'drizzle-orm';
import { DEFAULT_PROJECT_SETTINGS, VISIBILITY_MODES, type ProjectSettings } from '../../shared/domain/project.ts';
import {
  ROLES,
  SKILL_RE,
  newId,
  validateTaxonomy,
  validateTiers,
  type Role,
  type Taxonomy,
  type Tier,
  type ValidationIssue,
} from '../../shared/model/index.ts';
import { audit } from '../audit/audit.ts';
import { ApiError } from '../errors.ts';
import type { Database } from '../storage/database.ts';
import { assignments, projectMembers, projects, tasks, users } from '../storage/schema.ts';

export type ProjectRow = typeof projects.$inferSelect;

export function projectView(p: ProjectRow) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    settings: p.settings,
    revision: p.revision,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function issuesMessage(issues: ValidationIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message} (${i.code})`)
    .join('; ');
}

/** Throws InvalidTaxonomy / InvalidTiers listing the first problems. */
export function checkTaxonomyAndTiers(taxonomy: Taxonomy, tiers: Tier[]): void {
  const t = validateTaxonomy(taxonomy);
  if (t.length > 0) throw new ApiError('InvalidTaxonomy', issuesMessage(t));
  const r = validateTiers(tiers, taxonomy);
  if (r.length > 0) throw new ApiError('InvalidTiers', issuesMessage(r));
}

export function checkSettings(s: ProjectSettings): void {
  if (!VISIBILITY_MODES.includes(s.visibility))
    throw new ApiError('ValidationFailed', 'settings.visibility: unknown mode');
}

export interface NewProject {
  name: string;
  description?: string | undefined;
  taxonomy?: Taxonomy | undefined;
  tiers?: Tier[] | undefined;
  settings?: Partial<ProjectSettings> | undefined;
}

/** Creates a project; the creator becomes its manager. */
export async function createProject(db: Database, input: NewProject, actorId: string) {
  const taxonomy = input.taxonomy ?? { classes: [], attributes: [] };
  const tiers = input.tiers ?? [];
  const settings = { ...DEFAULT_PROJECT_SETTINGS, ...input.settings };
  checkTaxonomyAndTiers(taxonomy, tiers);
  checkSettings(settings);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(projects)
      .values({
        id: newId(),
        name: input.name.trim(),
        description: input.description ?? '',
        taxonomy,
        tiers,
        settings,
        createdBy: actorId,
      })
      .returning();
    await tx.insert(projectMembers).values({ projectId: row!.id, userId: actorId, role: 'manager' });
    await audit(tx, {
      actorId,
      action: 'project.create',
      resourceType: 'project',
      resourceId: row!.id,
      projectId: row!.id,
      details: { name: row!.name },
    });
    return row!;
  });
}

export interface ProjectPatch {
  name?: string | undefined;
  description?: string | undefined;
  settings?: ProjectSettings | undefined;
  taxonomy?: Taxonomy | undefined;
  tiers?: Tier[] | undefined;
}

/**
 * Changes a project under optimistic concurrency: `revision` must be the stored one. Taxonomy
 * and tiers are validated together, so removing a class a tier still allows is refused.
 */
export async function updateProject(
  db: Database,
  project: ProjectRow,
  revision: number,
  patch: ProjectPatch,
  actorId: string,
) {
  const taxonomy = patch.taxonomy ?? project.taxonomy;
  const tiers = patch.tiers ?? project.tiers;
  if (patch.taxonomy || patch.tiers) checkTaxonomyAndTiers(taxonomy, tiers);
  if (patch.settings) checkSettings(patch.settings);
  if (patch.tiers) {
    // A tier id that annotations already point at must not disappear silently.
    const removed = project.tiers.filter((t) => !tiers.some((n) => n.id === t.id)).map((t) => t.id);
    if (removed.length > 0 && (await hasTasks(db, project.id))) {
      throw new ApiError('InUse', `tiers ${removed.join(', ')} cannot be removed: the project has tasks`);
    }
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(projects)
      .set({
        ...(patch.name !== undefined && { name: patch.name.trim() }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.settings !== undefined && { settings: patch.settings }),
        taxonomy,
        tiers,
        revision: sql`${projects.revision} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(projects.id, project.id), eq(projects.revision, revision)))
      .returning();
    if (!row) throw new ApiError('RevisionConflict', `project changed since revision ${revision}`);
    await audit(tx, {
      actorId,
      action: 'project.update',
      resourceType: 'project',
      resourceId: project.id,
      projectId: project.id,
      details: { fields: Object.keys(patch), revision: row.revision },
    });
    return row;
  });
}

async function hasTasks(db: Database, projectId: string): Promise<boolean> {
  const rows = await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.projectId, projectId)).limit(1);
  return rows.length > 0;
}

export async function listMembers(db: Database, projectId: string) {
  const rows = await db
    .select({ m: projectMembers, u: users })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(users.username);
  return rows.map(({ m, u }) => ({
    userId: u.id,
    username: u.username,
    displayName: u.displayName,
    role: m.role,
    skills: m.skills,
    addedAt: m.addedAt.toISOString(),
  }));
}

export async function setMember(
  db: Database,
  projectId: string,
  userId: string,
  role: Role,
  skills: string[],
  actorId: string,
) {
  if (!ROLES.includes(role)) throw new ApiError('ValidationFailed', `role: one of ${ROLES.join(', ')}`);
  const bad = skills.find((s) => !SKILL_RE.test(s));
  if (bad !== undefined) throw new ApiError('ValidationFailed', `skills: invalid skill "${bad}"`);
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) throw new ApiError('InvalidReference', 'no such user');
  await db.transaction(async (tx) => {
    await tx
      .insert(projectMembers)
      .values({ projectId, userId, role, skills })
      .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role, skills } });
    await audit(tx, {
      actorId,
      action: 'member.set',
      resourceType: 'member',
      resourceId: userId,
      projectId,
      details: { role, skills },
    });
  });
}

/** Removes a member; refused while they hold task assignments in the project (unassign first). */
export async function removeMember(db: Database, projectId: string, userId: string, actorId: string) {
  await db.transaction(async (tx) => {
    const held = await tx
      .select({ taskId: assignments.taskId })
      .from(assignments)
      .innerJoin(tasks, eq(tasks.id, assignments.taskId))
      .where(and(eq(tasks.projectId, projectId), eq(assignments.userId, userId)))
      .limit(1);
    if (held.length > 0) throw new ApiError('InUse', 'the member still has task assignments; unassign them first');
    const managers = await tx
      .select({ userId: projectMembers.userId })
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, 'manager')));
    if (managers.length === 1 && managers[0]!.userId === userId) {
      throw new ApiError('InUse', 'a project keeps at least one manager');
    }
    const gone = await tx
      .delete(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
      .returning();
    if (gone.length === 0) throw new ApiError('NotFound', 'no such member');
    await audit(tx, { actorId, action: 'member.remove', resourceType: 'member', resourceId: userId, projectId });
  });
}
