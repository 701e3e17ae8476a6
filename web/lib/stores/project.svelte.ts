/**
 * The project being viewed under /projects/[id]: loaded once by that layout and shared with its
 * pages (tasks, media, settings) through context, so a rename or a new revision shows everywhere.
 */
import { getContext, setContext } from 'svelte';
import { projects, type Project, type User } from '../api/index.ts';
import { session } from './session.svelte.ts';

const KEY = Symbol('project');

/** Managers (and global admins) change settings, members, media and tasks. */
export function canManage(project: Project | null, user: User | null): boolean {
  return !!user && (user.isAdmin || project?.myRole === 'manager');
}

export class ProjectState {
  project = $state<Project | null>(null);
  error = $state<unknown>(null);
  loading = $state(false);
  readonly manage = $derived(canManage(this.project, session.user));

  id = $state('');

  /** Shows project `id` (the layout is reused when navigating from one project to another). */
  open(id: string): Promise<void> {
    if (id !== this.id) {
      this.id = id;
      this.project = null;
      this.error = null;
    }
    return this.load();
  }

  async load(): Promise<void> {
    const id = this.id;
    this.loading = true;
    try {
      const project = await projects.get(id);
      if (id === this.id) {
        this.project = project;
        this.error = null;
      }
    } catch (error) {
      if (id === this.id) this.error = error;
    } finally {
      if (id === this.id) this.loading = false;
    }
  }

  /** After a save elsewhere (schema PUT): the project's revision moved on. */
  setRevision(revision: number): void {
    if (this.project) this.project = { ...this.project, revision };
  }
}

export function setProjectContext(state: ProjectState): void {
  setContext(KEY, state);
}

export function getProjectContext(): ProjectState {
  const state = getContext<ProjectState | undefined>(KEY);
  if (!state) throw new Error('getProjectContext outside /projects/[id]');
  return state;
}
