import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

describe('tasks and the review workflow over REST', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser, reviewer: TestUser, ann1: TestUser, ann2: TestUser, outsider: TestUser;
  let projectId: string;
  let taskId: string;

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    const db = server.app.database.db;
    [manager, reviewer, ann1, ann2, outsider] = await Promise.all(
      ['w-manager', 'w-reviewer', 'w-ann1', 'w-ann2', 'w-outsider'].map((n) => makeUser(server, n)),
    );
    const project = await createProject(
      db,
      { name: 'workflow', settings: { visibility: 'reveal_after_submit' } },
      manager.id,
    );
    projectId = project.id;
    await setMember(db, projectId, reviewer.id, 'reviewer', [], manager.id);
    await setMember(db, projectId, ann1.id, 'annotator', [], manager.id);
    await setMember(db, projectId, ann2.id, 'annotator', [], manager.id);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  const act = (who: TestUser, action: string, reason?: string) =>
    api(server, 'POST', `/api/tasks/${taskId}/transitions`, {
      as: who,
      body: reason === undefined ? { action } : { action, reason },
    });

  it('refuses tasks referring to non-members, foreign media or the same person twice', async () => {
    const url = `/api/projects/${projectId}/tasks`;
    const base = { name: 'x', media: [], annotators: [], reviewers: [] };
    const nonMember = await api(server, 'POST', url, { as: manager, body: { ...base, annotators: [outsider.id] } });
    expect([nonMember.status, nonMember.body.error.code]).toEqual([422, 'invalid_reference']);
    const media = await api(server, 'POST', url, {
      as: manager,
      body: { ...base, media: [{ mediaId: crypto.randomUUID() }] },
    });
    expect(media.body.error.code).toBe('invalid_reference');
    const twice = await api(server, 'POST', url, {
      as: manager,
      body: { ...base, annotators: [ann1.id], reviewers: [ann1.id] },
    });
    expect(twice.body.error.code).toBe('validation_failed');
    const byAnnotator = await api(server, 'POST', url, { as: ann1, body: base });
    expect(byAnnotator.status).toBe(403);
    const list = await api(server, 'GET', url, { as: manager });
    expect(list.body.items).toEqual([]);
  });

  it('creates a task with one layer per annotator plus gold', async () => {
    const res = await api(server, 'POST', `/api/projects/${projectId}/tasks`, {
      as: manager,
      body: { name: 'Interview 1', media: [], annotators: [ann1.id, ann2.id], reviewers: [reviewer.id] },
    });
    expect(res.status).toBe(201);
    taskId = res.body.id;
    expect(res.body.status).toBe('open');
    expect(res.body.layers.map((l: { kind: string }) => l.kind).sort()).toEqual(['annotator', 'annotator', 'gold']);
    expect(res.body.sharedDoc).toBe(`tasks/${taskId}`);
    // Each annotator sees only their own layer (nobody has submitted yet), writable.
    const mine = (await api(server, 'GET', `/api/tasks/${taskId}`, { as: ann1 })).body;
    expect(mine.layers).toEqual([expect.objectContaining({ userId: ann1.id, access: 'write' })]);
    // Annotators list only tasks assigned to them.
    expect((await api(server, 'GET', `/api/projects/${projectId}/tasks`, { as: ann1 })).body.items).toHaveLength(1);
  });

  it('walks the workflow: illegal transitions refused with their code, legal ones audited', async () => {
    expect((await act(reviewer, 'start_review')).body.error.code).toBe('illegal_transition');
    expect((await act(reviewer, 'submit')).body.error.code).toBe('forbidden');
    expect((await act(ann1, 'accept')).status).toBe(403);
    expect((await act(ann1, 'fly')).status).toBe(400);

    const started = await act(ann1, 'start');
    expect(started.body.status).toBe('in_progress');
    const first = await act(ann1, 'submit');
    expect(first.body.status).toBe('in_progress'); // one of two annotators
    // Submitted: the own layer is frozen, and reveal-after-submit shows the other layers.
    const view = first.body;
    expect(view.layers.find((l: { userId: string }) => l.userId === ann1.id).access).toBe('read');
    expect(view.layers.map((l: { kind: string }) => l.kind).sort()).toEqual(['annotator', 'annotator', 'gold']);
    expect((await act(ann1, 'submit')).body.error.code).toBe('illegal_transition');
    // ann2 has not submitted: still blind to ann1.
    expect((await api(server, 'GET', `/api/tasks/${taskId}`, { as: ann2 })).body.layers).toHaveLength(1);
    expect((await act(ann2, 'submit')).body.status).toBe('submitted');

    expect((await act(reviewer, 'start_review')).body.status).toBe('in_review');
    const noReason = await act(reviewer, 'reject', '  ');
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'validation_failed']);
    const rejected = await act(reviewer, 'reject', 'Speaker turns missing after 00:30');
    expect([rejected.body.status, rejected.body.rejectionReason]).toEqual([
      'rejected',
      'Speaker turns missing after 00:30',
    ]);
    // Back to the annotators: submissions cleared, layers writable again.
    const back = (await api(server, 'GET', `/api/tasks/${taskId}`, { as: ann1 })).body;
    expect(back.assignments.every((a: { submittedAt: string | null }) => a.submittedAt === null)).toBe(true);
    expect(back.layers).toEqual([expect.objectContaining({ userId: ann1.id, access: 'write' })]);

    expect((await act(ann2, 'start')).body.status).toBe('in_progress');
    await act(ann1, 'submit');
    await act(ann2, 'submit');
    await act(reviewer, 'start_review');
    expect((await act(reviewer, 'accept')).body.status).toBe('accepted');
    expect((await act(reviewer, 'reopen')).status).toBe(403);
    expect((await act(manager, 'reopen')).body.status).toBe('in_review');
    // A rejected task reopened into review by a manager: the rejection is overridden.
    await act(reviewer, 'reject', 'Gaps at the end');
    const reopened = (await act(manager, 'reopen')).body;
    expect([reopened.status, reopened.rejection]).toEqual(['in_review', null]);

    const log = await api(server, 'GET', `/api/projects/${projectId}/audit?limit=200`, { as: manager });
    const transitions = log.body.items
      .filter((e: { action: string; resourceId: string }) => e.resourceId === taskId && e.action !== 'task.create')
      .reverse()
      .map(
        (e: { action: string; details: { from: string; to: string } }) =>
          `${e.action}:${e.details.from}>${e.details.to}`,
      );
    expect(transitions).toEqual([
      'task.start:open>in_progress',
      'task.submit:in_progress>in_progress',
      'task.submit:in_progress>submitted',
      'task.start_review:submitted>in_review',
      'task.reject:in_review>rejected',
      'task.start:rejected>in_progress',
      'task.submit:in_progress>in_progress',
      'task.submit:in_progress>submitted',
      'task.start_review:submitted>in_review',
      'task.accept:in_review>accepted',
      'task.reopen:accepted>in_review',
      'task.reject:in_review>rejected',
      'task.reopen:rejected>in_review',
    ]);
  });

  it('filters and pages the task list', async () => {
    for (let i = 0; i < 3; i++) {
      await api(server, 'POST', `/api/projects/${projectId}/tasks`, {
        as: manager,
        body: { name: `bulk ${i}`, media: [], annotators: [], reviewers: [] },
      });
    }
    const open = await api(server, 'GET', `/api/projects/${projectId}/tasks?status=open&limit=2`, { as: manager });
    expect(open.body.items).toHaveLength(2);
    expect(open.body.nextCursor).not.toBeNull();
    const rest = await api(
      server,
      'GET',
      `/api/projects/${projectId}/tasks?status=open&limit=2&cursor=${open.body.nextCursor}`,
      { as: manager },
    );
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    const review = await api(server, 'GET', `/api/projects/${projectId}/tasks?status=in_review`, { as: manager });
    expect(review.body.items.map((t: { id: string }) => t.id)).toEqual([taskId]);
  });
});
