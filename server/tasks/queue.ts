import { and, asc, desc, eq, exists, inArray, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { TaskStatus } from '../../shared/domain/task.ts';
import type { Role } from '../../shared/model/index.ts';
import { decide, type Subject } from '../access/policy.ts';
import type { Database } from '../storage/database.ts';
import { agreementReports, assignments, projectMembers, projects, tasks, users } from '../storage/schema.ts';
import { afterCursor, decodeCursor, page } from '../routes/api/pagination.ts';

/**
 * A person's work queues across every project they are a member of.
 *
 * - `review`: tasks waiting for their review: `submitted` ones, and `in_review` ones whose review
 *   they started (or that nobody owns). Managers see every task of their projects; project
 *   reviewers see the tasks assigned to them as reviewer, and the tasks with no reviewer assigned.
 *   Oldest waiting first.
 * - `work`: tasks they annotate and have not submitted: `open`, `in_progress` and `rejected` (back
 *   to them with the reviewer's reason). Most recently changed first, so a rejection comes up top.
 *
 * Membership is required (a global admin who is not a member has no queue there), and every row is
 * checked once more with the policy, so the queue never shows what `GET /api/tasks/:id` would refuse.
 */
export type QueueKind = 'review' | 'work';

const WORK_STATUSES: readonly TaskStatus[] = ['open', 'in_progress', 'rejected'];

export interface QueuePerson {
  userId: string;
  username: string;
  displayName: string;
}

export interface QueueItem {
  id: string;
  name: string;
  status: TaskStatus;
  projectId: string;
  projectName: string;
  /** The caller's role in the project. */
  myRole: Role;
  /** Since when the task has been in its current state (its last change). */
  waitingSince: string;
  createdAt: string;
  annotators: { total: number; submitted: number };
  /** Latest agreement headline (review queue only; null when none was computed). */
  agreement: number | null;
  reviewBy: QueuePerson | null;
  rejection: { reason: string; at: string | null; by: QueuePerson | null } | null;
}

function person(id: string | null, username: string | null, displayName: string | null): QueuePerson | null {
  return id && username !== null ? { userId: id, username, displayName: displayName ?? '' } : null;
}

export async function listQueue(
  db: Database,
  actor: { userId: string; isAdmin: boolean },
  kind: QueueKind,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
  const me = actor.userId;
  const mine = alias(assignments, 'mine');
  const reviewer = alias(users, 'review_user');
  const rejecter = alias(users, 'reject_user');
  const other = alias(assignments, 'other');

  const total = sql<number>`(select count(*)::int from ${assignments} where ${assignments.taskId} = ${tasks.id} and ${assignments.role} = 'annotator')`;
  const submitted = sql<number>`(select count(*)::int from ${assignments} where ${assignments.taskId} = ${tasks.id} and ${assignments.role} = 'annotator' and ${assignments.submittedAt} is not null)`;
  const agreement =
    kind === 'review'
      ? sql<
          number | null
        >`(select ${agreementReports.headline} from ${agreementReports} where ${agreementReports.taskId} = ${tasks.id} order by ${agreementReports.computedAt} desc limit 1)`
      : sql<null>`null`;

  const reviewFilter = and(
    or(
      eq(tasks.status, 'submitted'),
      and(eq(tasks.status, 'in_review'), or(eq(tasks.reviewBy, me), isNull(tasks.reviewBy))),
    ),
    or(
      eq(projectMembers.role, 'manager'),
      and(
        eq(projectMembers.role, 'reviewer'),
        or(
          eq(mine.role, 'reviewer'),
          sql`not ${exists(
            db
              .select({ one: sql`1` })
              .from(other)
              .where(and(eq(other.taskId, tasks.id), eq(other.role, 'reviewer'))),
          )}`,
        ),
      ),
    ),
  );
  const workFilter = and(
    inArray(tasks.status, [...WORK_STATUSES]),
    eq(mine.role, 'annotator'),
    isNull(mine.submittedAt),
  );

  const key = kind === 'review' ? 'asc' : 'desc';
  const rows = await db
    .select({
      task: tasks,
      projectName: projects.name,
      role: projectMembers.role,
      skills: projectMembers.skills,
      assignmentRole: mine.role,
      assignmentSubmittedAt: mine.submittedAt,
      total,
      submitted,
      agreement,
      reviewerName: reviewer.username,
      reviewerDisplay: reviewer.displayName,
      rejecterName: rejecter.username,
      rejecterDisplay: rejecter.displayName,
    })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .innerJoin(projectMembers, and(eq(projectMembers.projectId, tasks.projectId), eq(projectMembers.userId, me)))
    .leftJoin(mine, and(eq(mine.taskId, tasks.id), eq(mine.userId, me)))
    .leftJoin(reviewer, eq(reviewer.id, tasks.reviewBy))
    .leftJoin(rejecter, eq(rejecter.id, tasks.rejectedBy))
    .where(
      and(
        kind === 'review' ? reviewFilter : workFilter,
        afterCursor(tasks.updatedAt, tasks.id, decodeCursor(query.cursor), key),
      ),
    )
    .orderBy(...(key === 'asc' ? [asc(tasks.updatedAt), asc(tasks.id)] : [desc(tasks.updatedAt), desc(tasks.id)]))
    .limit(query.limit + 1);

  const result = page(rows, query.limit, (r) => ({ t: r.task.updatedAt, id: r.task.id }));
  const items = result.items
    .filter((r) => {
      // The policy has the last word: the same rule as reading the task itself.
      const subject: Subject = { userId: me, isAdmin: actor.isAdmin, member: { role: r.role, skills: r.skills } };
      const assignment = r.assignmentRole
        ? { role: r.assignmentRole, submitted: r.assignmentSubmittedAt !== null }
        : null;
      return decide(subject, { type: 'task', task: { status: r.task.status, assignment } }, 'read');
    })
    .map((r): QueueItem => ({
      id: r.task.id,
      name: r.task.name,
      status: r.task.status,
      projectId: r.task.projectId,
      projectName: r.projectName,
      myRole: r.role,
      waitingSince: r.task.updatedAt.toISOString(),
      createdAt: r.task.createdAt.toISOString(),
      annotators: { total: r.total, submitted: r.submitted },
      agreement: r.agreement,
      reviewBy: person(r.task.reviewBy, r.reviewerName, r.reviewerDisplay),
      rejection:
        r.task.rejectionReason === null
          ? null
          : {
              reason: r.task.rejectionReason,
              at: r.task.rejectedAt?.toISOString() ?? null,
              by: person(r.task.rejectedBy, r.rejecterName, r.rejecterDisplay),
            },
    }));
  return { items, nextCursor: result.nextCursor };
}
