import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionSnapshot } from '../../../shared/protocol/session.ts';
import type { SessionExtension, SessionInfo, SessionPeer } from '../../../server/sessions/extension.ts';
import { ApiError } from '../../../server/errors.ts';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { auditLog } from '../../../server/storage/schema.ts';
import { createTask } from '../../../server/tasks/tasks.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

type Msg = Record<string, unknown> & { type: string };

/** A real `ws` client of the session channel: queued messages, requests by id, the close code. */
class Client {
  readonly ws: WebSocket;
  readonly messages: Msg[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<number>;
  private seq = 0;

  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Msg);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
    this.closed.then(() => this.waiters.splice(0).forEach((w) => w()));
  }

  /** The first queued message matching, removed from the queue (waits up to 5 s). */
  async next(type: string, pred: (m: Msg) => boolean = () => true): Promise<Msg> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const i = this.messages.findIndex((m) => m.type === type && pred(m));
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no ${type} message (have: ${this.messages.map((m) => m.type)})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** The newest state satisfying `pred`. */
  async state(pred: (s: SessionSnapshot) => boolean = () => true): Promise<SessionSnapshot> {
    return (await this.next('state', (m) => pred(m.session as SessionSnapshot))).session as SessionSnapshot;
  }

  send(msg: Msg): void {
    this.ws.send(JSON.stringify(msg));
  }

  async request(type: string, data: Record<string, unknown> = {}): Promise<Msg> {
    const id = ++this.seq;
    this.send({ type, id, ...data });
    return this.next('response', (m) => m.id === id);
  }

  async joined(): Promise<{ connectionId: string; state: SessionSnapshot }> {
    const welcome = await this.next('welcome');
    return { connectionId: welcome.connectionId as string, state: await this.state() };
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

describe('live adjudication sessions', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser, ada: TestUser, ben: TestUser, cleo: TestUser, anna: TestUser, stray: TestUser;
  let outsider: TestUser;
  let projectId: string;
  let taskId: string;
  let quietTaskId: string;
  const open: Client[] = [];
  // What the probe extension (registered in the extension test) was told.
  const left: SessionPeer[] = [];
  const ended: SessionInfo[] = [];

  const url = (id: string, suffix = '') => `${server.httpUrl.replace('http', 'ws')}/api/tasks/${id}/session${suffix}`;
  const connect = (who: TestUser | null, id = taskId) => {
    const c = new Client(url(id), who ? who.headers : {});
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    const db = server.app.database.db;
    [manager, ada, ben, cleo, anna, stray, outsider] = await Promise.all(
      ['s-manager', 's-ada', 's-ben', 's-cleo', 's-anna', 's-stray', 's-outsider'].map((n) => makeUser(server, n)),
    );
    const project = await createProject(
      db,
      { name: 'sessions', taxonomy: { classes: [], attributes: [] }, tiers: [] },
      manager.id,
    );
    projectId = project.id;
    await setMember(db, projectId, ada.id, 'reviewer', [], manager.id);
    await setMember(db, projectId, ben.id, 'reviewer', [], manager.id);
    await setMember(db, projectId, cleo.id, 'reviewer', [], manager.id);
    await setMember(db, projectId, anna.id, 'annotator', [], manager.id);
    await setMember(db, projectId, stray.id, 'annotator', [], manager.id);
    const task = await createTask(
      db,
      projectId,
      { name: 't', media: [], annotators: [anna.id], reviewers: [] },
      manager.id,
    );
    taskId = task.id;
    const quiet = await createTask(db, projectId, { name: 'q', media: [], annotators: [], reviewers: [] }, manager.id);
    quietTaskId = quiet.id;
  }, 60_000);

  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await server?.close();
    data?.remove();
  });

  it('starts (overseers only, one per task), invites people who may read the task, refuses the others', async () => {
    expect((await api(server, 'GET', `/api/tasks/${taskId}/session`, { as: ada })).body.error.code).toBe('no_session');
    const byAnnotator = await api(server, 'POST', `/api/tasks/${taskId}/session`, { as: anna, body: {} });
    expect(byAnnotator.status).toBe(403);
    const started = await api(server, 'POST', `/api/tasks/${taskId}/session`, {
      as: ada,
      body: { participants: [ben.id] },
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ taskId, starterId: ada.id, leaderId: ada.id });
    expect(started.body.participants.map((p: { userId: string }) => p.userId)).toEqual([ada.id, ben.id]);
    const again = await api(server, 'POST', `/api/tasks/${taskId}/session`, { as: cleo, body: {} });
    expect([again.status, again.body.error.code]).toEqual([409, 'session_active']);

    // The annotator assigned to the task sees it; the unassigned one and outsiders do not.
    expect((await api(server, 'GET', `/api/tasks/${taskId}/session`, { as: anna })).status).toBe(200);
    expect((await api(server, 'GET', `/api/tasks/${taskId}/session`, { as: stray })).status).toBe(403);
    expect((await api(server, 'GET', `/api/tasks/${taskId}/session`, { as: outsider })).status).toBe(404);

    // Invite: the starter or a manager, and only people who may read the task.
    const strayInvite = await api(server, 'PUT', `/api/tasks/${taskId}/session/participants/${stray.id}`, { as: ada });
    expect([strayInvite.status, strayInvite.body.error.code]).toEqual([422, 'invalid_reference']);
    expect((await api(server, 'PUT', `/api/tasks/${taskId}/session/participants/${anna.id}`, { as: ben })).status).toBe(
      403,
    );
    const invited = await api(server, 'PUT', `/api/tasks/${taskId}/session/participants/${anna.id}`, { as: manager });
    expect(invited.status).toBe(200);
    expect(invited.body.participants.map((p: { userId: string }) => p.userId)).toEqual([ada.id, ben.id, anna.id]);

    const picker = await api(server, 'GET', `/api/tasks/${taskId}/session/candidates`, { as: ada });
    const ids = picker.body.map((p: { userId: string }) => p.userId);
    expect(ids).toEqual(expect.arrayContaining([manager.id, ada.id, ben.id, cleo.id, anna.id]));
    expect(ids).not.toContain(stray.id);

    const docs = await api(server, 'GET', '/api/docs/json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/tasks/{id}/session', '/api/tasks/{id}/session/participants/{userId}']),
    );
  });

  it('refuses the channel with a close code to whoever is not in the session', async () => {
    expect(await connect(null).closed).toBe(4401);
    expect(await connect(stray).closed).toBe(4403);
    expect(await connect(outsider).closed).toBe(4403);
    expect(await connect(cleo).closed).toBe(4406);
    expect(await connect(ada, quietTaskId).closed).toBe(4410);
  });

  it('relays the leader’s playhead, hands control over, passes the lead on when the leader leaves', async () => {
    const a = connect(ada);
    const { state: first } = await a.joined();
    expect(first).toMatchObject({ leaderId: ada.id, starterId: ada.id });
    const b = connect(ben);
    const { connectionId: bConn } = await b.joined();
    const both = await a.state((s) => s.participants.find((p) => p.userId === ben.id)!.connections.includes(bConn));
    expect(both.participants.find((p) => p.userId === ada.id)!.connections).toHaveLength(1);

    // Leader → everyone else, with playing and rate.
    expect(await a.request('playhead', { time: 12.5, playing: true, rate: 1.5 })).toMatchObject({ ok: true });
    const ph = await b.next('playhead');
    expect(ph.playhead).toMatchObject({ time: 12.5, playing: true, rate: 1.5, by: ada.id });

    // A burst is coalesced, and the last value always goes out.
    for (let i = 1; i <= 20; i++) a.send({ type: 'playhead', time: 20 + i, playing: true, rate: 1 });
    const last = await b.next('playhead', (m) => (m.playhead as { time: number }).time === 40);
    expect(last).toBeTruthy();
    const relayed = b.messages.filter((m) => m.type === 'playhead').length;
    expect(relayed).toBeLessThan(19);
    b.messages.length = 0;

    // A follower may not move the shared playhead.
    const refused = await b.request('playhead', { time: 3, playing: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_leader' } });
    const bad = await a.request('playhead', { time: -1, playing: false });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });

    // Focus and selections reach the others.
    await b.request('focus', { focus: { kind: 'annotation', layerId: 'L1', annotationId: 'A1' } });
    expect((await a.next('focus')).focus).toEqual({
      kind: 'annotation',
      layerId: 'L1',
      annotationId: 'A1',
      by: ben.id,
    });
    b.send({ type: 'selection', selection: { range: { start: 1, end: 2 }, refs: [{ layerId: 'L1', id: 'A2' }] } });
    const sel = await a.next('selection');
    expect(sel).toMatchObject({ connectionId: bConn, userId: ben.id, selection: { range: { start: 1, end: 2 } } });

    // Control: B asks, A is told and grants; now B drives and A follows.
    expect(await b.request('control.request')).toMatchObject({ ok: true });
    expect(await a.next('control.requested')).toMatchObject({ userId: ben.id });
    expect((await a.state((s) => s.requests.includes(ben.id))).leaderId).toBe(ada.id);
    expect(await b.request('control.grant', { userId: ada.id })).toMatchObject({
      ok: false,
      error: { code: 'not_leader' },
    });
    expect(await a.request('control.grant', { userId: ben.id })).toMatchObject({
      ok: true,
      data: { leaderId: ben.id },
    });
    const granted = await b.state((s) => s.leaderId === ben.id);
    expect(granted.requests).toEqual([]);
    a.messages.length = 0;
    await b.request('playhead', { time: 7, playing: false, rate: 1 });
    expect((await a.next('playhead')).playhead).toMatchObject({ time: 7, playing: false, by: ben.id });
    expect(await a.request('playhead', { time: 1, playing: false })).toMatchObject({ ok: false });

    // The leader leaves: the lead goes back to the starter.
    expect(await b.request('leave')).toMatchObject({ ok: true });
    expect(await b.closed).toBe(1000);
    const after = await a.state(
      (s) => s.leaderId === ada.id && s.participants.every((p) => p.userId === ada.id || p.connections.length === 0),
    );
    expect(after.selections).toEqual({});

    // The starter takes control back from whoever leads.
    const b2 = connect(ben);
    await b2.joined();
    await a.request('control.grant', { userId: ben.id });
    await a.state((s) => s.leaderId === ben.id);
    expect(await b2.request('control.take')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await a.request('control.take')).toMatchObject({ ok: true, data: { leaderId: ada.id } });
    await b2.close();
    await a.close();
  });

  it('routes extension messages by prefix, answers per the contract, and tears down', async () => {
    const ext: SessionExtension = {
      prefix: 'probe.',
      handle(ctx, msg) {
        if (msg.type === 'probe.fail') throw new ApiError('Forbidden', 'probe says no');
        if (msg.type === 'probe.crash') throw new Error('boom');
        if (msg.type === 'probe.shout') {
          ctx.broadcast({ type: 'probe.heard', from: ctx.peer.userId }, { exceptSelf: true });
          return undefined;
        }
        return {
          echo: msg.value,
          peer: ctx.peer.userId,
          leader: ctx.session.leaderId,
          participants: ctx.session.participantIds,
        };
      },
      onLeave: (_s, peer) => void left.push(peer),
      onEnd: (s) => void ended.push(s),
    };
    server.app.sessions.use(ext);
    expect(() => server.app.sessions.use({ prefix: 'probe.', handle: () => null })).toThrow(/overlaps/);
    expect(() => server.app.sessions.use({ prefix: 'control.', handle: () => null })).toThrow(/shadows/);

    const a = connect(ada);
    await a.joined();
    const b = connect(ben);
    const { connectionId: bConn } = await b.joined();
    const echo = await a.request('probe.echo', { value: 42 });
    expect(echo).toMatchObject({ ok: true, data: { echo: 42, peer: ada.id, leader: ada.id } });
    expect((echo.data as { participants: string[] }).participants).toEqual([ada.id, ben.id, anna.id]);
    expect(await a.request('probe.fail')).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'probe says no' },
    });
    expect(await a.request('probe.crash')).toMatchObject({ ok: false, error: { code: 'internal' } });
    a.send({ type: 'probe.shout' });
    expect(await b.next('probe.heard')).toMatchObject({ from: ada.id });
    expect(a.messages.some((m) => m.type === 'probe.heard')).toBe(false);
    expect(await a.request('nonsense')).toMatchObject({ ok: false, error: { code: 'validation_failed' } });

    await b.close();
    await expect.poll(() => left.map((p) => p.connectionId)).toEqual([bConn]);
    expect(left[0]).toMatchObject({ userId: ben.id });

    // Only the starter or a manager ends it; everyone is told, disconnected with 4410, onEnd runs.
    const b2 = connect(ben);
    await b2.joined();
    expect(await b2.request('end')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await a.request('end')).toMatchObject({ ok: true });
    expect(await b2.next('ended')).toMatchObject({ by: ada.id, reason: 'ended' });
    expect(await a.closed).toBe(4410);
    expect(await b2.closed).toBe(4410);
    await expect.poll(() => ended.length).toBe(1);
    expect(ended[0]).toMatchObject({ taskId, projectId });
    expect((await api(server, 'GET', `/api/tasks/${taskId}/session`, { as: ada })).status).toBe(404);

    const actions = (await server.app.database.db.select().from(auditLog).where(eq(auditLog.resourceId, taskId))).map(
      (r) => r.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['session.start', 'session.invite', 'session.end']));
  });

  it('tells watchers, drops participants who lose access, ends over REST', async () => {
    const watch = new Client(url(taskId, '/watch'), anna.headers);
    open.push(watch);
    expect((await watch.next('session')).session).toBeNull();
    expect(await new Client(url(taskId, '/watch'), stray.headers).closed).toBe(4403);

    await api(server, 'POST', `/api/tasks/${taskId}/session`, { as: ada, body: { participants: [ben.id, anna.id] } });
    const seen = await watch.next('session', (m) => m.session !== null);
    expect((seen.session as { participants: Array<{ userId: string }> }).participants.map((p) => p.userId)).toContain(
      anna.id,
    );

    const a = connect(ada);
    await a.joined();
    const b = connect(ben);
    const { connectionId: benConn } = await b.joined();
    await a.request('control.grant', { userId: ben.id });
    // Ben stops being a reviewer of the project: he can no longer read the task.
    const demoted = await api(server, 'PUT', `/api/projects/${projectId}/members/${ben.id}`, {
      as: manager,
      body: { role: 'annotator' },
    });
    expect(demoted.status).toBe(200);
    expect(await b.closed).toBe(4409);
    // The extension hears of it like of any leave.
    await expect.poll(() => left.some((p) => p.connectionId === benConn)).toBe(true);
    const after = await a.state((s) => !s.participants.some((p) => p.userId === ben.id));
    expect(after.leaderId).toBe(ada.id);
    expect(await connect(ben).closed).toBe(4403);

    // Anna declines herself; then the manager ends the session.
    expect(
      (await api(server, 'DELETE', `/api/tasks/${taskId}/session/participants/${anna.id}`, { as: anna })).status,
    ).toBe(200);
    expect(
      (await api(server, 'DELETE', `/api/tasks/${taskId}/session/participants/${ada.id}`, { as: manager })).status,
    ).toBe(409);
    expect((await api(server, 'DELETE', `/api/tasks/${taskId}/session`, { as: anna })).status).toBe(403);
    expect((await api(server, 'DELETE', `/api/tasks/${taskId}/session`, { as: manager })).status).toBe(204);
    expect(await a.closed).toBe(4410);
    await watch.next('session', (m) => m.session === null);
  });

  it('closes on frames that are not session messages', async () => {
    await api(server, 'POST', `/api/tasks/${taskId}/session`, { as: ada, body: {} });
    const a = connect(ada);
    await a.joined();
    a.ws.send('not json');
    expect(await a.closed).toBe(4400);
    const again = connect(ada);
    await again.joined();
    again.ws.send(JSON.stringify({ type: 'focus', pad: 'x'.repeat(70 * 1024) }));
    expect(await again.closed).toBe(4413);
    await api(server, 'DELETE', `/api/tasks/${taskId}/session`, { as: ada });
  });
});
