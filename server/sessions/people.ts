import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '../accounts/accounts.ts';
import type { Access, TaskRow } from '../access/access.ts';
import { decide } from '../access/policy.ts';
import { ApiError } from '../errors.ts';
import type { Database } from '../storage/database.ts';
import { assignments, projectMembers, tasks, users } from '../storage/schema.ts';
import type { AccessVerdict } from './hub.ts';
import type { Participant } from './session.ts';

/**
 * Who may be in a session: anyone who may read the task (its project's managers and reviewers,
 * and the members assigned to it), decided by policy.ts like every other read.
 */

/** The access layer asks for an Actor; of it, only the user id and admin flag decide. */
function asActor(p: Participant): Actor {
  return { userId: p.userId, username: '', displayName: p.displayName, isAdmin: p.isAdmin, via: 'token' };
}

/** An enabled user as a participant, or null. */
export async function participantById(db: Database, userId: string): Promise<Participant | null> {
  const [u] = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, isAdmin: users.isAdmin })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return u ? { userId: u.id, displayName: u.displayName || u.username, isAdmin: u.isAdmin } : null;
}

/** `userId` as a participant who may read the task, else InvalidReference (422). */
export async function eligibleParticipant(db: Database, access: Access, userId: string, taskId: string) {
  const p = await participantById(db, userId);
  const ok = p
    ? await access.task(asActor(p), taskId, 'read').then(
        () => true,
        () => false,
      )
    : false;
  if (!p || !ok) throw new ApiError('InvalidReference', 'that user may not see this task');
  return p;
}

/** Project members who may read the task: the invite picker's list. */
export async function candidates(db: Database, task: TaskRow): Promise<Array<Participant & { role: string }>> {
  const rows = await db
    .select({
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      isAdmin: users.isAdmin,
      role: projectMembers.role,
      skills: projectMembers.skills,
      assignment: assignments.role,
      submittedAt: assignments.submittedAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .leftJoin(assignments, and(eq(assignments.taskId, task.id), eq(assignments.userId, projectMembers.userId)))
    .where(and(eq(projectMembers.projectId, task.projectId), isNull(users.disabledAt)));
  return rows
    .filter((r) =>
      decide(
        { userId: r.userId, isAdmin: r.isAdmin, member: { role: r.role, skills: r.skills } },
        {
          type: 'task',
          task: {
            status: task.status,
            assignment: r.assignment ? { role: r.assignment, submitted: r.submittedAt !== null } : null,
          },
        },
        'read',
      ),
    )
    .map((r) => ({ userId: r.userId, displayName: r.displayName || r.username, isAdmin: r.isAdmin, role: r.role }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Re-checks one participant after an access change. */
export async function verdict(db: Database, access: Access, p: Participant, taskId: string): Promise<AccessVerdict> {
  const [task] = await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, taskId));
  if (!task) return 'task_gone';
  try {
    await access.task(asActor(p), taskId, 'read');
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return 'lost';
    throw err;
  }
}
