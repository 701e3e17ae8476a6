import { and, eq } from 'drizzle-orm';
import type { Role, Tier } from '../../shared/model/index.ts';
import { canEditTier } from '../../shared/model/index.ts';
import type { Actor } from '../accounts/accounts.ts';
import { ApiError } from '../errors.ts';
import type { Database } from '../storage/database.ts';
import { assignments, layers, media, projectMembers, projects, tasks } from '../storage/schema.ts';
import { decide, type Operation, type Resource, type Subject, type TaskFacts } from './policy.ts';

export type ProjectRow = typeof projects.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type LayerRow = typeof layers.$inferSelect;
export type MediaRow = typeof media.$inferSelect;

/**
 * Gathers the facts `decide()` needs from the database and turns a denial into the right error:
 * 404 when the subject may not even see the project (no existence leak across projects), 403
 * when they may see it but not do this.
 */
export class Access {
  constructor(private readonly db: Database) {}

  async subject(actor: Actor, projectId: string): Promise<Subject> {
    const [m] = await this.db
      .select({ role: projectMembers.role, skills: projectMembers.skills })
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, actor.userId)));
    return { userId: actor.userId, isAdmin: actor.isAdmin, member: m ?? null };
  }

  private enforce(subject: Subject, resource: Resource, op: Operation, what: string): void {
    if (decide(subject, resource, op)) return;
    if (!decide(subject, { type: 'project' }, 'read')) throw new ApiError('NotFound', `no such ${what}`);
    throw new ApiError('Forbidden', `you may not ${op} this ${what}`);
  }

  async project(actor: Actor, projectId: string, op: Operation) {
    const [project] = await this.db.select().from(projects).where(eq(projects.id, projectId));
    if (!project) throw new ApiError('NotFound', 'no such project');
    const subject = await this.subject(actor, projectId);
    this.enforce(subject, { type: 'project' }, op, 'project');
    return { project, subject };
  }

  async taskFacts(subject: Subject, task: TaskRow): Promise<TaskFacts> {
    const [a] = await this.db
      .select({ role: assignments.role, submittedAt: assignments.submittedAt })
      .from(assignments)
      .where(and(eq(assignments.taskId, task.id), eq(assignments.userId, subject.userId)));
    return { status: task.status, assignment: a ? { role: a.role, submitted: a.submittedAt !== null } : null };
  }

  async task(actor: Actor, taskId: string, op: Operation) {
    const [row] = await this.db
      .select({ task: tasks, project: projects })
      .from(tasks)
      .innerJoin(projects, eq(projects.id, tasks.projectId))
      .where(eq(tasks.id, taskId));
    if (!row) throw new ApiError('NotFound', 'no such task');
    const subject = await this.subject(actor, row.project.id);
    const facts = await this.taskFacts(subject, row.task);
    this.enforce(subject, { type: 'task', task: facts }, op, 'task');
    return { ...row, subject, facts };
  }

  /** The shared document of a task (entities, comments): readable by whoever reads the task. */
  async taskDoc(actor: Actor, taskId: string, op: Operation) {
    const found = await this.task(actor, taskId, 'read');
    this.enforce(found.subject, { type: 'task_doc', task: found.facts }, op, 'task document');
    return found;
  }

  async layer(actor: Actor, layerId: string, op: Operation) {
    const [row] = await this.db
      .select({ layer: layers, task: tasks, project: projects })
      .from(layers)
      .innerJoin(tasks, eq(tasks.id, layers.taskId))
      .innerJoin(projects, eq(projects.id, tasks.projectId))
      .where(eq(layers.id, layerId));
    if (!row) throw new ApiError('NotFound', 'no such layer');
    const subject = await this.subject(actor, row.project.id);
    const facts = await this.taskFacts(subject, row.task);
    this.enforce(subject, layerResource(row, facts), op, 'layer');
    return { ...row, subject, facts };
  }

  async media(actor: Actor, mediaId: string, op: Operation) {
    const [row] = await this.db.select().from(media).where(eq(media.id, mediaId));
    if (!row) throw new ApiError('NotFound', 'no such media');
    const subject = await this.subject(actor, row.projectId);
    this.enforce(subject, { type: 'media' }, op, 'media');
    return { media: row, subject };
  }

  /** Which layers of a task the subject may read (for task listings and agreement redaction). */
  async readableLayers(subject: Subject, task: TaskRow, project: ProjectRow): Promise<LayerRow[]> {
    const facts = await this.taskFacts(subject, task);
    const all = await this.db.select().from(layers).where(eq(layers.taskId, task.id));
    return all.filter((layer) => decide(subject, layerResource({ layer, project }, facts), 'read'));
  }
}

export function layerResource(row: { layer: LayerRow; project: ProjectRow }, facts: TaskFacts): Resource {
  return {
    type: 'layer',
    task: facts,
    visibility: row.project.settings.visibility,
    layer: { kind: row.layer.kind, ownerId: row.layer.userId },
  };
}

/**
 * Tiers the subject may edit in this layer: the tier's edit roles and skills, with the role the
 * subject works in here (annotator on their own layer; their project role on gold).
 */
export function editableTiers(tiers: readonly Tier[], subject: Subject, layerKind: 'annotator' | 'gold'): Set<string> {
  const role: Role = layerKind === 'annotator' ? 'annotator' : (subject.member?.role ?? 'manager');
  const skills = subject.member?.skills ?? [];
  return new Set(tiers.filter((t) => canEditTier(t, role, skills)).map((t) => t.id));
}
