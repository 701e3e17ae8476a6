/** One typed function per REST route the web app uses (see server/routes/api/*.ts). */
import type { TaskAction, TaskStatus } from '$shared/domain/task.ts';
import type { Taxonomy } from '$shared/model/taxonomy.ts';
import type { Role, Tier } from '$shared/model/tier.ts';
import { http, withQuery, type RequestOptions } from './client.ts';
import type {
  ApiToken,
  Media,
  MediaKind,
  MediaTranscript,
  Member,
  NewApiToken,
  NewProject,
  ExportInclude,
  Page,
  PageQuery,
  QueueItem,
  QueueKind,
  Project,
  ProjectPatch,
  SchemaDoc,
  Task,
  TaskInput,
  User,
} from './types.ts';
import { uploadFile, type UploadOptions } from './upload.ts';

const enc = encodeURIComponent;

function pageQuery(q: PageQuery = {}) {
  return { limit: q.limit, cursor: q.cursor ?? undefined };
}

/** Follows `nextCursor` until the end (or `max` items): small lists such as users and media pickers. */
export async function fetchAll<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  max = 2000,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < max);
  return { items, truncated: cursor !== null };
}

export const auth = {
  signIn: (username: string, password: string) =>
    http.post<User>('/api/auth/sign-in', { username, password }, { authRedirect: false }),
  signOut: () => http.post<void>('/api/auth/sign-out', undefined, { authRedirect: false }),
  me: (options?: RequestOptions) => http.get<User>('/api/auth/me', options),
};

export const users = {
  list: (q?: PageQuery) => http.get<Page<User>>('/api/users', { query: pageQuery(q) }),
  update: (id: string, patch: { displayName?: string }) => http.patch<User>(`/api/users/${enc(id)}`, patch),
  setPassword: (id: string, password: string, currentPassword: string) =>
    // A wrong current password is a 401 invalid_credentials: shown in the form, no redirect.
    http.post<void>(`/api/users/${enc(id)}/password`, { password, currentPassword }),
};

export const tokens = {
  list: () => http.get<{ items: ApiToken[] }>('/api/tokens'),
  create: (name: string, expiresInDays?: number) =>
    http.post<NewApiToken>('/api/tokens', expiresInDays ? { name, expiresInDays } : { name }),
  revoke: (id: string) => http.delete(`/api/tokens/${enc(id)}`),
};

export const projects = {
  list: (q?: PageQuery) => http.get<Page<Project>>('/api/projects', { query: pageQuery(q) }),
  create: (input: NewProject) => http.post<Project>('/api/projects', input),
  get: (id: string, options?: RequestOptions) => http.get<Project>(`/api/projects/${enc(id)}`, options),
  update: (id: string, patch: ProjectPatch) => http.patch<Project>(`/api/projects/${enc(id)}`, patch),
  remove: (id: string) => http.delete(`/api/projects/${enc(id)}`),
  schema: (id: string) => http.get<SchemaDoc>(`/api/projects/${enc(id)}/schema`),
  saveSchema: (id: string, body: { revision: number; taxonomy?: Taxonomy; tiers?: Tier[] }) =>
    http.put<SchemaDoc>(`/api/projects/${enc(id)}/schema`, body),
};

export const members = {
  list: (projectId: string) => http.get<{ items: Member[] }>(`/api/projects/${enc(projectId)}/members`),
  set: (projectId: string, userId: string, role: Role, skills: string[]) =>
    http.put<Member>(`/api/projects/${enc(projectId)}/members/${enc(userId)}`, { role, skills }),
  remove: (projectId: string, userId: string) => http.delete(`/api/projects/${enc(projectId)}/members/${enc(userId)}`),
};

export const tasks = {
  list: (projectId: string, q: PageQuery & { status?: TaskStatus | null } = {}) =>
    http.get<Page<Task>>(`/api/projects/${enc(projectId)}/tasks`, {
      query: { ...pageQuery(q), status: q.status ?? undefined },
    }),
  create: (projectId: string, input: TaskInput) => http.post<Task>(`/api/projects/${enc(projectId)}/tasks`, input),
  get: (id: string) => http.get<Task>(`/api/tasks/${enc(id)}`),
  update: (id: string, patch: Partial<TaskInput>) => http.patch<Task>(`/api/tasks/${enc(id)}`, patch),
  remove: (id: string) => http.delete(`/api/tasks/${enc(id)}`),
  transition: (id: string, action: TaskAction, reason?: string) =>
    http.post<Task>(`/api/tasks/${enc(id)}/transitions`, reason !== undefined ? { action, reason } : { action }),
};

/** The caller's queues across projects: tasks to review, own tasks to annotate. */
export const queue = {
  list: (kind: QueueKind, q?: PageQuery) => http.get<Page<QueueItem>>(`/api/queue/${kind}`, { query: pageQuery(q) }),
};

/** URLs of the JSON exports (downloaded with progress by download.ts). */
export const exports = {
  taskUrl: (id: string, selection: { include?: ExportInclude; layer?: string } = {}) =>
    withQuery(`/api/tasks/${enc(id)}/export`, { include: selection.include, layer: selection.layer }),
  projectUrl: (id: string, include?: ExportInclude) => withQuery(`/api/projects/${enc(id)}/export`, { include }),
};

export const media = {
  list: (projectId: string, q: PageQuery & { kind?: MediaKind | null } = {}) =>
    http.get<Page<Media>>(`/api/projects/${enc(projectId)}/media`, {
      query: { ...pageQuery(q), kind: q.kind ?? undefined },
    }),
  get: (id: string) => http.get<Media>(`/api/media/${enc(id)}`),
  remove: (id: string) => http.delete(`/api/media/${enc(id)}`),
  /** Multipart upload with progress events (XMLHttpRequest). */
  upload: (projectId: string, file: File, options?: UploadOptions) =>
    uploadFile<Media>(`/api/projects/${enc(projectId)}/media`, file, options),
  contentUrl: (id: string) => `/api/media/${enc(id)}/content`,
  /** A text medium's cues and plain text (404 for audio/video). */
  transcript: (id: string) => http.get<MediaTranscript>(`/api/media/${enc(id)}/transcript`),
};
