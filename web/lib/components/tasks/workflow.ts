/** The workflow facts of a task for one user, as shared/domain/task.ts transition() takes them. */
import {
  TASK_ACTIONS,
  transition,
  type TaskAction,
  type WorkflowActor,
  type WorkflowState,
} from '$shared/domain/task.ts';
import type { Role } from '$shared/model/tier.ts';
import type { Task, User } from '../../api/types.ts';

export function workflowFor(task: Task, user: User, role: Role | null): { state: WorkflowState; actor: WorkflowActor } {
  const annotators = task.assignments.filter((a) => a.role === 'annotator');
  const mine = task.assignments.find((a) => a.userId === user.id);
  return {
    state: {
      status: task.status,
      annotators: annotators.length,
      submitted: annotators.filter((a) => a.submittedAt !== null).length,
    },
    actor: {
      role,
      isAdmin: user.isAdmin,
      assignment: mine ? { role: mine.role, submitted: mine.submittedAt !== null } : null,
    },
  };
}

/** The actions the server would accept from this user now. */
export function allowedActions(task: Task, user: User, role: Role | null): TaskAction[] {
  const { state, actor } = workflowFor(task, user, role);
  return TASK_ACTIONS.filter((action) => transition(action, state, actor).ok);
}
