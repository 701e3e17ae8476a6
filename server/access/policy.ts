import type { VisibilityMode } from '../../shared/domain/project.ts';
import type { AssignmentRole, LayerKind, TaskStatus } from '../../shared/domain/task.ts';
import type { Role } from '../../shared/model/index.ts';

/**
 * THE authorization rules, as one pure function over facts: every REST route and every WebSocket
 * document open asks `decide()`; server/access/access.ts only gathers the facts from the database.
 * The matrix test (tests/integration/access-matrix.test.ts) walks every cell of it.
 *
 * Operations: `read` (see it), `write` (change its content: annotations in a layer, a project's
 * taxonomy/tiers/tasks/media), `admin` (members, settings, deletion).
 */
export type Operation = 'read' | 'write' | 'admin';

export interface Subject {
  userId: string;
  /** Global admins may do everything a manager may, in every project. */
  isAdmin: boolean;
  /** Membership in the resource's project; null = not a member. */
  member: { role: Role; skills: readonly string[] } | null;
}

export interface TaskFacts {
  status: TaskStatus;
  /** The subject's own assignment on the task. */
  assignment: { role: AssignmentRole; submitted: boolean } | null;
}

export type Resource =
  /** The project itself: its settings, members, taxonomy, tiers, task list, audit log. */
  | { type: 'project' }
  | { type: 'task'; task: TaskFacts }
  /** A layer document (`layers/<id>`): an annotator's own work, or the task's gold layer. */
  | { type: 'layer'; task: TaskFacts; visibility: VisibilityMode; layer: { kind: LayerKind; ownerId: string | null } }
  /** The task's shared document (`tasks/<id>`): entity registry and comment threads. */
  | { type: 'task_doc'; task: TaskFacts }
  | { type: 'media' }
  /**
   * A task's live adjudication session (server/sessions): `read` joins it (invited participants),
   * `write` starts one (overseers), `admin` invites, removes, takes control back and ends it (the
   * starter, managers). `role` is the subject's place in the session (null: not in it).
   */
  | { type: 'session'; task: TaskFacts; role: 'starter' | 'participant' | null };

/** Statuses in which an annotator's layer is still theirs to edit. */
const EDITABLE: readonly TaskStatus[] = ['open', 'in_progress', 'rejected'];

function isManager(s: Subject): boolean {
  return s.isAdmin || s.member?.role === 'manager';
}

/** Managers and reviewers (and admins) oversee every task, layer and figure of the project. */
export function oversees(s: Subject): boolean {
  return isManager(s) || s.member?.role === 'reviewer';
}

function canSeeTask(s: Subject, task: TaskFacts): boolean {
  return oversees(s) || (s.member !== null && task.assignment !== null);
}

export function decide(s: Subject, r: Resource, op: Operation): boolean {
  // Outside the project nothing is visible (admins are everywhere).
  if (s.member === null && !s.isAdmin) return false;
  switch (r.type) {
    case 'project':
      return op === 'read' ? true : isManager(s);
    case 'media':
      // Any member may stream the project's media (annotating needs it); managers upload/delete.
      return op === 'read' ? true : isManager(s);
    case 'task':
      return op === 'read' ? canSeeTask(s, r.task) : isManager(s);
    case 'task_doc':
      // Comments and the entity registry: everyone on the task reads and writes them.
      if (op === 'admin') return isManager(s);
      return canSeeTask(s, r.task);
    case 'layer':
      return decideLayer(s, r, op);
    case 'session':
      if (!canSeeTask(s, r.task)) return false;
      if (op === 'read') return r.role !== null;
      if (op === 'write') return oversees(s);
      return isManager(s) || (r.role === 'starter' && oversees(s));
  }
}

function decideLayer(s: Subject, r: Extract<Resource, { type: 'layer' }>, op: Operation): boolean {
  if (op === 'admin') return isManager(s);
  const { task, layer, visibility } = r;
  if (layer.kind === 'gold') {
    // Reviewers adjudicate into gold until the task is accepted; then it is the record.
    if (oversees(s)) return op === 'read' || task.status !== 'accepted';
    if (op === 'write' || task.assignment === null) return false;
    return annotatorMaySeeOthers(visibility, task);
  }
  const own = layer.ownerId === s.userId && task.assignment?.role === 'annotator';
  if (op === 'write') {
    // Only the owner writes an annotator layer (provenance), and only while the work is theirs.
    return own && !task.assignment!.submitted && EDITABLE.includes(task.status);
  }
  if (own || oversees(s)) return true;
  if (task.assignment === null) return false;
  return annotatorMaySeeOthers(visibility, task);
}

function annotatorMaySeeOthers(visibility: VisibilityMode, task: TaskFacts): boolean {
  switch (visibility) {
    case 'open':
      return true;
    case 'reveal_after_submit':
      return task.assignment?.submitted === true || task.status === 'accepted';
    case 'blind':
      return false;
  }
}
