import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { agreementReports } from '../../../server/storage/schema.ts';
import type { TaskReport } from '../../../shared/agreement/index.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { backends, startServer, type TestServer } from '../../helpers/server.ts';

interface Item {
  id: string;
  name: string;
  status: string;
  projectName: string;
  myRole: string;
  annotators: { total: number; submitted: number };
  agreement: number | null;
  reviewBy: { username: string } | null;
  rejection: { reason: string; at: string | null; by: { username: string } | null } | null;
}

// On PGlite, and on real Postgres too when TEST_DATABASE_URL is set.
describe.each(backends())('review and work queues across projects ($name)', (backend) => {
  let server: TestServer;
  let cleanup: () => Promise<void>;
  let manager: TestUser, rev1: TestUser, rev2: TestUser, ann: TestUser, outsider: TestUser, admin: TestUser;
  let p1: string, p2: string;
  const ids: Record<string, string> = {};

  const queue = async (who: TestUser, kind: 'review' | 'work', qs = '') => {
    const res = await api<{ items: Item[]; nextCursor: string | null }>(server, 'GET', `/api/queue/${kind}${qs}`, {
      as: who,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const names = async (who: TestUser, kind: 'review' | 'work') =>
    (await queue(who, kind)).items.map((i) => i.name).sort();
  const act = async (who: TestUser, task: string, action: string, reason?: string) => {
    const res = await api(server, 'POST', `/api/tasks/${ids[task]}/transitions`, {
      as: who,
      body: reason === undefined ? { action } : { action, reason },
    });
    expect(res.status, `${action} ${task}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };
  const task = async (projectId: string, name: string, annotators: TestUser[], reviewers: TestUser[]) => {
    const res = await api(server, 'POST', `/api/projects/${projectId}/tasks`, {
      as: manager,
      body: { name, media: [], annotators: annotators.map((u) => u.id), reviewers: reviewers.map((u) => u.id) },
    });
    expect(res.status).toBe(201);
    ids[name] = res.body.id;
  };

  beforeAll(async () => {
    const created = await backend.create();
    cleanup = created.cleanup;
    server = await startServer(created.env);
    const db = server.app.database.db;
    [manager, rev1, rev2, ann, outsider] = await Promise.all(
      ['q-manager', 'q-rev1', 'q-rev2', 'q-ann', 'q-outsider'].map((n) => makeUser(server, n)),
    );
    admin = await makeUser(server, 'q-admin', true);
    p1 = (await createProject(db, { name: 'Queue one' }, manager.id)).id;
    p2 = (await createProject(db, { name: 'Queue two' }, manager.id)).id;
    for (const p of [p1, p2]) {
      await setMember(db, p, rev1.id, 'reviewer', [], manager.id);
      await setMember(db, p, ann.id, 'annotator', [], manager.id);
    }
    await setMember(db, p1, rev2.id, 'reviewer', [], manager.id);
    // p1: "assigned" has rev1 as its reviewer; "unassigned" has none (any project reviewer).
    await task(p1, 'assigned', [ann], [rev1]);
    await task(p1, 'unassigned', [ann], []);
    await task(p2, 'other project', [ann], [rev1]);
    await task(p1, 'not mine', [], []);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await cleanup?.();
  });

  it("lists an annotator's open work across projects, and nothing to review before a submission", async () => {
    expect(await names(ann, 'work')).toEqual(['assigned', 'other project', 'unassigned']);
    expect(await names(rev1, 'review')).toEqual([]);
    expect(await names(manager, 'review')).toEqual([]);
    const item = (await queue(ann, 'work')).items.find((i) => i.name === 'other project')!;
    expect(item).toMatchObject({ projectName: 'Queue two', myRole: 'annotator', status: 'open', rejection: null });
  });

  it('routes submitted tasks to assigned reviewers, to all reviewers when none is assigned, and to managers', async () => {
    for (const name of ['assigned', 'unassigned', 'other project']) await act(ann, name, 'submit');
    expect(await names(ann, 'work')).toEqual([]);
    expect(await names(rev1, 'review')).toEqual(['assigned', 'other project', 'unassigned']);
    // rev2 reviews in p1 but is not assigned to "assigned", and is not a member of p2.
    expect(await names(rev2, 'review')).toEqual(['unassigned']);
    expect(await names(manager, 'review')).toEqual(['assigned', 'other project', 'unassigned']);
    // The annotator, a non-member and a global admin who is not a member see no review queue.
    expect(await names(ann, 'review')).toEqual([]);
    expect(await names(outsider, 'review')).toEqual([]);
    expect(await names(outsider, 'work')).toEqual([]);
    expect(await names(admin, 'review')).toEqual([]);
    // The latest stored agreement headline comes along (older reports do not count).
    const db = server.app.database.db;
    const report = (headline: number, at: string) => ({
      taskId: ids.assigned!,
      projectId: p1,
      computedAt: new Date(at),
      headline,
      report: {} as TaskReport,
    });
    await db.insert(agreementReports).values([report(0.9, '2026-01-01'), report(0.42, '2026-02-01')]);
    const items = (await queue(rev1, 'review')).items;
    const item = items.find((i) => i.name === 'assigned')!;
    expect(item).toMatchObject({ status: 'submitted', myRole: 'reviewer', annotators: { total: 1, submitted: 1 } });
    expect(items.map((i) => [i.name, i.agreement]).sort()).toEqual([
      ['assigned', 0.42],
      ['other project', null],
      ['unassigned', null],
    ]);
  });

  it('keeps a task in review with its reviewer only', async () => {
    await act(rev2, 'unassigned', 'start_review');
    expect(await names(rev2, 'review')).toEqual(['unassigned']);
    expect(await names(rev1, 'review')).toEqual(['assigned', 'other project']);
    expect(await names(manager, 'review')).toEqual(['assigned', 'other project']);
    const item = (await queue(rev2, 'review')).items[0]!;
    expect(item).toMatchObject({ status: 'in_review', reviewBy: { username: 'q-rev2' } });
  });

  it('sends a rejected task back to the annotator with the reason, reviewer and time', async () => {
    await act(rev2, 'unassigned', 'reject', 'Labels missing after 00:10');
    expect(await names(rev2, 'review')).toEqual([]);
    const work = (await queue(ann, 'work')).items;
    expect(work.map((i) => i.name)).toEqual(['unassigned']);
    expect(work[0]!.status).toBe('rejected');
    expect(work[0]!.rejection).toMatchObject({ reason: 'Labels missing after 00:10', by: { username: 'q-rev2' } });
    expect(Date.now() - Date.parse(work[0]!.rejection!.at!)).toBeLessThan(60_000);
    // The task view carries the same rejection; it stays while the annotator reworks the task…
    const view = (await api(server, 'GET', `/api/tasks/${ids.unassigned}`, { as: ann })).body;
    expect(view.rejection).toMatchObject({ reason: 'Labels missing after 00:10', by: { username: 'q-rev2' } });
    const resumed = await act(ann, 'unassigned', 'start');
    expect([resumed.status, resumed.rejection?.reason]).toEqual(['in_progress', 'Labels missing after 00:10']);
    expect((await queue(ann, 'work')).items[0]!.rejection?.reason).toBe('Labels missing after 00:10');
    // …and goes once it is submitted again; the review is back in the queue of every p1 reviewer.
    const again = await act(ann, 'unassigned', 'submit');
    expect([again.status, again.rejection, again.rejectionReason]).toEqual(['submitted', null, null]);
    expect(await names(rev1, 'review')).toEqual(['assigned', 'other project', 'unassigned']);
    expect(await names(rev2, 'review')).toEqual(['unassigned']);
  });

  it('drops accepted tasks, and tasks of projects where one no longer reviews', async () => {
    await act(rev1, 'assigned', 'start_review');
    await act(rev1, 'assigned', 'accept');
    expect(await names(rev1, 'review')).toEqual(['other project', 'unassigned']);
    // Still assigned as reviewer of "other project", but now an annotator of p2: may not review.
    const res = await api(server, 'PUT', `/api/projects/${p2}/members/${rev1.id}`, {
      as: manager,
      body: { role: 'annotator', skills: [] },
    });
    expect(res.status).toBe(200);
    expect(await names(rev1, 'review')).toEqual(['unassigned']);
  });

  it('pages oldest first with an opaque cursor, and refuses a forged one', async () => {
    const first = await queue(manager, 'review', '?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await queue(manager, 'review', `?limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const all = (await queue(manager, 'review')).items.map((i) => i.id);
    expect([first.items[0]!.id, second.items[0]!.id]).toEqual(all);
    // "other project" was submitted before "unassigned" was submitted again.
    expect(all).toEqual([ids['other project'], ids.unassigned]);

    const forged = await api(server, 'GET', '/api/queue/review?cursor=bm9wZQ', { as: manager });
    expect([forged.status, forged.body.error.code]).toEqual([400, 'validation_failed']);
    const tooMany = await api(server, 'GET', '/api/queue/work?limit=1000', { as: ann });
    expect(tooMany.status).toBe(400);
    expect((await api(server, 'GET', '/api/queue/review')).status).toBe(401);
  });
});
