import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { layerDocName, taskDocName } from '../../shared/domain/doc-names.ts';
import { transition, type TaskAction, type TaskStatus } from '../../shared/domain/task.ts';
import { newId } from '../../shared/model/index.ts';
import { decide, type Subject } from '../access/policy.ts';
import { layerResource, type ProjectRow, type TaskRow } from '../access/access.ts';
import { audit } from '../audit/audit.ts';
import { annotatorTierIds } from './layer-tiers.ts';
import { ApiError } from '../errors.ts';
import type { Database } from '../storage/database.ts';
import { assignments, layers, media, projectMembers, tasks, taskMedia, users } from '../storage/schema.ts';

export interface TaskMediaInput {
  mediaId: string;
  offsetSec?: number | undefined;
}

export interface TaskInput {
  name: string;
  media: TaskMediaInput[];
  annotators: string[];
  reviewers: string[];
}

async function checkReferences(db: Database, projectId: string, input: Partial<TaskInput>): Promise<void> {
  if (input.media) {
    const ids = input.media.map((m) => m.mediaId);
    if (new Set(ids).size !== ids.length) throw new ApiError('ValidationFailed', 'media: a file is listed twice');
    const found = ids.length
      ? await db
          .select({ id: media.id })
          .from(media)
          .where(and(eq(media.projectId, projectId), inArray(media.id, ids)))
      : [];
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw new ApiError('InvalidReference', `media not in this project: ${missing.join(', ')}`);
  }
  const people = [...(input.annotators ?? []), ...(input.reviewers ?? [])];
  if (new Set(people).size !== people.length) {
    throw new ApiError('ValidationFailed', 'a user is assigned twice (annotator and reviewer, or repeated)');
  }
  if (people.length) {
    const found = await db
      .select({ id: projectMembers.userId })
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), inArray(projectMembers.userId, people)));
    const missing = people.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw new ApiError('InvalidReference', `not members of this project: ${missing.join(', ')}`);
  }
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

async function writeMedia(tx: Tx, taskId: string, items: TaskMediaInput[]): Promise<void> {
  await tx.delete(taskMedia).where(eq(taskMedia.taskId, taskId));
  if (items.length) {
    await tx
      .insert(taskMedia)
      .values(items.map((m, position) => ({ taskId, mediaId: m.mediaId, offsetSec: m.offsetSec ?? 0, position })));
  }
}

/** Brings assignments (and the annotators' layers) to the given lists; existing layers are kept. */
async function writeAssignments(tx: Tx, taskId: string, annotators: string[], reviewers: string[]): Promise<void> {
  const wanted = new Map<string, 'annotator' | 'reviewer'>([
    ...annotators.map((u) => [u, 'annotator'] as const),
    ...reviewers.map((u) => [u, 'reviewer'] as const),
  ]);
  const current = await tx.select().from(assignments).where(eq(assignments.taskId, taskId));
  for (const a of current) {
    if (wanted.get(a.userId) !== a.role) {
      await tx.delete(assignments).where(and(eq(assignments.taskId, taskId), eq(assignments.userId, a.userId)));
    }
  }
  for (const [userId, role] of wanted) {
    if (current.some((a) => a.userId === userId && a.role === role)) continue;
    await tx.insert(assignments).values({ taskId, userId, role });
  }
  for (const userId of annotators) {
    await tx.insert(layers).values({ id: newId(), taskId, kind: 'annotator', userId }).onConflictDoNothing();
  }
}

export async function createTask(db: Database, projectId: string, input: TaskInput, actorId: string): Promise<TaskRow> {
  await checkReferences(db, projectId, input);
  return db.transaction(async (tx) => {
    const [task] = await tx
      .insert(tasks)
      .values({ id: newId(), projectId, name: input.name.trim(), createdBy: actorId })
      .returning();
    await writeMedia(tx, task!.id, input.media);
    await writeAssignments(tx, task!.id, input.annotators, input.reviewers);
    await tx.insert(layers).values({ id: newId(), taskId: task!.id, kind: 'gold', userId: null });
    await audit(tx, {
      actorId,
      action: 'task.create',
      resourceType: 'task',
      resourceId: task!.id,
      projectId,
      details: {
        name: task!.name,
        media: input.media.length,
        annotators: input.annotators,
        reviewers: input.reviewers,
      },
    });
    return task!;
  });
}

export async function updateTask(
  db: Database,
  task: TaskRow,
  patch: Partial<TaskInput>,
  actorId: string,
): Promise<void> {
  await checkReferences(db, task.projectId, patch);
  await db.transaction(async (tx) => {
    if (patch.name !== undefined) await tx.update(tasks).set({ name: patch.name.trim() }).where(eq(tasks.id, task.id));
    if (patch.media) await writeMedia(tx, task.id, patch.media);
    if (patch.annotators || patch.reviewers) {
      const current = await tx.select().from(assignments).where(eq(assignments.taskId, task.id));
      const keep = (role: string) => current.filter((a) => a.role === role).map((a) => a.userId);
      await writeAssignments(tx, task.id, patch.annotators ?? keep('annotator'), patch.reviewers ?? keep('reviewer'));
    }
    await tx.update(tasks).set({ updatedAt: new Date() }).where(eq(tasks.id, task.id));
    await audit(tx, {
      actorId,
      action: 'task.update',
      resourceType: 'task',
      resourceId: task.id,
      projectId: task.projectId,
      details: patch as Record<string, unknown>,
    });
  });
}

/**
 * The rejection columns after an action: a rejection records reason, reviewer and time; they stay
 * while the annotators rework the task (it is what they have to fix) and go once the task is
 * submitted again (or reopened into review by a manager). Undefined fields are left as they are.
 */
function rejectionAfter(action: TaskAction, to: TaskStatus, reason: string | undefined, actorId: string) {
  if (action === 'reject') return { rejectionReason: reason!.trim(), rejectedBy: actorId, rejectedAt: new Date() };
  // A manager reopening a rejected task into review overrides the rejection.
  if (to === 'submitted' || to === 'accepted' || action === 'reopen') {
    return { rejectionReason: null, rejectedBy: null, rejectedAt: null };
  }
  return {};
}

/**
 * Applies a workflow action (shared/domain/task.ts decides legality). Runs in one transaction
 * with a row lock on the task so two concurrent submits count correctly.
 */
export async function applyTransition(
  db: Database,
  taskId: string,
  action: TaskAction,
  reason: string | undefined,
  subject: Subject,
): Promise<{ from: TaskStatus; to: TaskStatus }> {
  if (action === 'reject' && !reason?.trim())
    throw new ApiError('ValidationFailed', 'reason: a rejection needs a reason');
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(tasks).where(eq(tasks.id, taskId)).for('update');
    if (!task) throw new ApiError('NotFound', 'no such task');
    const all = await tx.select().from(assignments).where(eq(assignments.taskId, taskId));
    const annotators = all.filter((a) => a.role === 'annotator');
    const mine = all.find((a) => a.userId === subject.userId);
    const result = transition(
      action,
      { status: task.status, annotators: annotators.length, submitted: annotators.filter((a) => a.submittedAt).length },
      {
        role: subject.member?.role ?? null,
        isAdmin: subject.isAdmin,
        assignment: mine ? { role: mine.role, submitted: mine.submittedAt !== null } : null,
      },
    );
    if (!result.ok) throw new ApiError(result.code === 'forbidden' ? 'Forbidden' : 'IllegalTransition', result.message);
    if (action === 'submit') {
      await tx
        .update(assignments)
        .set({ submittedAt: new Date() })
        .where(and(eq(assignments.taskId, taskId), eq(assignments.userId, subject.userId)));
    }
    if (result.clearSubmissions) {
      await tx
        .update(assignments)
        .set({ submittedAt: null })
        .where(and(eq(assignments.taskId, taskId), isNotNull(assignments.submittedAt)));
    }
    await tx
      .update(tasks)
      .set({
        status: result.status,
        ...rejectionAfter(action, result.status, reason, subject.userId),
        // The reviewer who picks the task up (or a manager reopening it) owns the review.
        ...(action === 'start_review' || action === 'reopen' ? { reviewBy: subject.userId } : {}),
        ...(result.status === 'submitted' ? { reviewBy: null } : {}),
        updatedAt: new Date(),
      })
      .where(eq(tasks.id, taskId));
    await audit(tx, {
      actorId: subject.userId,
      action: `task.${action}`,
      resourceType: 'task',
      resourceId: taskId,
      projectId: task.projectId,
      details: { from: task.status, to: result.status, ...(reason && { reason }) },
    });
    return { from: task.status, to: result.status };
  });
}

export interface RejectionView {
  reason: string;
  at: string | null;
  /** The reviewer; null when unknown (rejected before this was recorded, or the account is gone). */
  by: { userId: string; username: string; displayName: string } | null;
}

/** The pending rejection of a task (what the annotators have to fix), or null. */
export async function rejectionView(
  db: Database,
  task: Pick<TaskRow, 'rejectionReason' | 'rejectedBy' | 'rejectedAt'>,
): Promise<RejectionView | null> {
  if (task.rejectionReason === null) return null;
  const [by] = task.rejectedBy
    ? await db
        .select({ userId: users.id, username: users.username, displayName: users.displayName })
        .from(users)
        .where(eq(users.id, task.rejectedBy))
    : [];
  return { reason: task.rejectionReason, at: task.rejectedAt?.toISOString() ?? null, by: by ?? null };
}

/** The full task view for a subject: media bundle, assignments, and the layers they may read. */
export async function taskView(db: Database, task: TaskRow, project: ProjectRow, subject: Subject) {
  const [bundle, people, allLayers] = await Promise.all([
    db
      .select({ tm: taskMedia, m: media })
      .from(taskMedia)
      .innerJoin(media, eq(media.id, taskMedia.mediaId))
      .where(eq(taskMedia.taskId, task.id))
      .orderBy(asc(taskMedia.position)),
    db
      .select({ a: assignments, u: users })
      .from(assignments)
      .innerJoin(users, eq(users.id, assignments.userId))
      .where(eq(assignments.taskId, task.id))
      .orderBy(asc(users.username)),
    db.select().from(layers).where(eq(layers.taskId, task.id)),
  ]);
  const rejection = await rejectionView(db, task);
  const annotatorIds = allLayers.flatMap((l) => (l.kind === 'annotator' && l.userId ? [l.userId] : []));
  const tierIdsOf = await annotatorTierIds(db, project, annotatorIds);
  const mine = people.find((p) => p.u.id === subject.userId)?.a;
  const facts = {
    status: task.status,
    assignment: mine ? { role: mine.role, submitted: mine.submittedAt !== null } : null,
  };
  const visible = allLayers
    .map((layer) => {
      const resource = layerResource({ layer, project }, facts);
      if (!decide(subject, resource, 'read')) return null;
      return {
        id: layer.id,
        kind: layer.kind,
        userId: layer.userId,
        docName: layerDocName(layer.id),
        access: decide(subject, resource, 'write') ? ('write' as const) : ('read' as const),
        /** Tiers the layer is compared on (its owner may annotate them); null: every tier. */
        tierIds: (layer.kind === 'annotator' && layer.userId ? tierIdsOf.get(layer.userId) : undefined) ?? null,
      };
    })
    .filter((l) => l !== null)
    .sort((a, b) =>
      a.kind === b.kind ? String(a.userId).localeCompare(String(b.userId)) : a.kind === 'gold' ? 1 : -1,
    );
  return {
    id: task.id,
    projectId: task.projectId,
    name: task.name,
    status: task.status,
    rejectionReason: task.rejectionReason,
    rejection,
    sharedDoc: taskDocName(task.id),
    media: bundle.map(({ tm, m }) => ({
      mediaId: m.id,
      offsetSec: tm.offsetSec,
      kind: m.kind,
      filename: m.filename,
      info: m.info,
    })),
    assignments: people.map(({ a, u }) => ({
      userId: u.id,
      username: u.username,
      displayName: u.displayName,
      role: a.role,
      submittedAt: a.submittedAt?.toISOString() ?? null,
    })),
    layers: visible,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

/** Every document name of a project (to re-authorize live connections after access changes). */
export async function projectDocNames(db: Database, projectId: string): Promise<Set<string>> {
  const rows = await db
    .select({ taskId: tasks.id, layerId: layers.id })
    .from(tasks)
    .leftJoin(layers, eq(layers.taskId, tasks.id))
    .where(eq(tasks.projectId, projectId));
  const names = new Set<string>();
  for (const r of rows) {
    names.add(taskDocName(r.taskId));
    if (r.layerId) names.add(layerDocName(r.layerId));
  }
  return names;
}

export async function projectTaskIds(db: Database, projectId: string): Promise<string[]> {
  const rows = await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.projectId, projectId));
  return rows.map((r) => r.id);
}

export async function taskDocNames(db: Database, taskId: string): Promise<Set<string>> {
  const rows = await db.select({ id: layers.id }).from(layers).where(eq(layers.taskId, taskId));
  return new Set([taskDocName(taskId), ...rows.map((r) => layerDocName(r.id))]);
}
