/**
 * Agreement endpoints used by the QA console and the task list (server/routes/api/agreement.ts),
 * and who may see them: project agreement is for managers and reviewers (and global admins).
 */
import type { ProjectReport } from '$shared/agreement/project.ts';
import type { TaskReport } from '$shared/agreement/report-types.ts';
import { http, type RequestOptions } from '$lib/api/client.ts';
import type { Project, User } from '$lib/api/types.ts';
import { latestFromSeries, type LatestFigures } from './series.ts';

const enc = encodeURIComponent;

export const agreement = {
  task: (taskId: string, options?: RequestOptions) =>
    http.get<TaskReport>(`/api/tasks/${enc(taskId)}/agreement`, options),
  project: (projectId: string, days = 90, options?: RequestOptions) =>
    http.get<ProjectReport>(`/api/projects/${enc(projectId)}/agreement`, { ...options, query: { days } }),
};

/** `ws(s)://<host>/api/tasks/<id>/agreement/live` for the page's origin (the session cookie authenticates). */
export function liveUrl(taskId: string, loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/tasks/${enc(taskId)}/agreement/live`;
}

/** Managers, reviewers and global admins see agreement across the project (console, task list). */
export function canSeeQa(project: Pick<Project, 'myRole'> | null, user: Pick<User, 'isAdmin'> | null): boolean {
  if (!project || !user) return false;
  return user.isAdmin || project.myRole === 'manager' || project.myRole === 'reviewer';
}

/**
 * Latest task figures for the task list's Agreement column: one project report (the list API
 * has no agreement), its series mapped to the latest headline of each task. A year of reports.
 */
export async function loadTaskAgreement(projectId: string): Promise<Map<string, LatestFigures>> {
  const report = await agreement.project(projectId, 365);
  return latestFromSeries(report.series);
}
