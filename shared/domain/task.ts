import type { Role } from '../model/index.ts';

/**
 * Task workflow. `open → in_progress → submitted → in_review → accepted | rejected`, and a
 * rejected task goes back to `in_progress` when an annotator resumes. With several annotators the
 * task is `submitted` once every assigned annotator has submitted their layer.
 */
export type TaskStatus = 'open' | 'in_progress' | 'submitted' | 'in_review' | 'accepted' | 'rejected';
export const TASK_STATUSES: readonly TaskStatus[] = [
  'open',
  'in_progress',
  'submitted',
  'in_review',
  'accepted',
  'rejected',
];

export type AssignmentRole = 'annotator' | 'reviewer';
export const ASSIGNMENT_ROLES: readonly AssignmentRole[] = ['annotator', 'reviewer'];

export type LayerKind = 'annotator' | 'gold';

/**
 * Workflow actions. `submit` is per annotator (their own layer); the task status follows from all
 * assignments. Who may do what is decided in one place, `transition()`.
 */
export type TaskAction = 'start' | 'submit' | 'start_review' | 'accept' | 'reject' | 'reopen';
export const TASK_ACTIONS: readonly TaskAction[] = ['start', 'submit', 'start_review', 'accept', 'reject', 'reopen'];

/** Who is acting, as far as the workflow cares. */
export interface WorkflowActor {
  /** Project role, or null for a global admin who is not a member. */
  role: Role | null;
  isAdmin: boolean;
  /** The actor's assignment on this task, if any. */
  assignment: { role: AssignmentRole; submitted: boolean } | null;
}

export interface WorkflowState {
  status: TaskStatus;
  /** Annotator assignments: how many, how many submitted. */
  annotators: number;
  submitted: number;
}

export type TransitionResult =
  | { ok: true; status: TaskStatus; clearSubmissions: boolean }
  | { ok: false; code: 'illegal_transition' | 'forbidden'; message: string };

const FROM: Record<TaskAction, readonly TaskStatus[]> = {
  start: ['open', 'rejected'],
  submit: ['open', 'in_progress', 'rejected'],
  start_review: ['submitted'],
  accept: ['in_review'],
  reject: ['submitted', 'in_review'],
  reopen: ['accepted', 'rejected'],
};

function reviewerLike(a: WorkflowActor): boolean {
  return a.isAdmin || a.role === 'manager' || a.role === 'reviewer';
}

function mayAct(action: TaskAction, a: WorkflowActor): boolean {
  switch (action) {
    case 'start':
    case 'submit':
      // Only an assigned annotator works on (and submits) a layer.
      return a.assignment?.role === 'annotator';
    case 'start_review':
    case 'accept':
    case 'reject':
      return reviewerLike(a);
    case 'reopen':
      return a.isAdmin || a.role === 'manager';
  }
}

/** The one place the workflow is decided: legal from this status, by this actor, and the result. */
export function transition(action: TaskAction, state: WorkflowState, actor: WorkflowActor): TransitionResult {
  if (!mayAct(action, actor)) {
    return { ok: false, code: 'forbidden', message: `your role may not ${action.replace('_', ' ')} this task` };
  }
  if (!FROM[action].includes(state.status)) {
    return {
      ok: false,
      code: 'illegal_transition',
      message: `cannot ${action.replace('_', ' ')} a task that is ${state.status}`,
    };
  }
  switch (action) {
    case 'start':
      return { ok: true, status: 'in_progress', clearSubmissions: false };
    case 'submit': {
      if (actor.assignment?.submitted) {
        return { ok: false, code: 'illegal_transition', message: 'you have already submitted this task' };
      }
      const all = state.submitted + 1 >= state.annotators;
      return { ok: true, status: all ? 'submitted' : 'in_progress', clearSubmissions: false };
    }
    case 'start_review':
      return { ok: true, status: 'in_review', clearSubmissions: false };
    case 'accept':
      return { ok: true, status: 'accepted', clearSubmissions: false };
    case 'reject':
      // Back to the annotators: their layers become editable again.
      return { ok: true, status: 'rejected', clearSubmissions: true };
    case 'reopen':
      return { ok: true, status: 'in_review', clearSubmissions: false };
  }
}
