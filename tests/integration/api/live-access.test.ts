import { eq } from 'drizzle-orm';
import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerDocName, taskDocName } from '../../../shared/domain/doc-names.ts';
import { TaskDoc } from '../../../shared/model/task-doc.ts';
import { LayerDoc, type LayerContext, type Taxonomy, type Tier } from '../../../shared/model/index.ts';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { layers } from '../../../server/storage/schema.ts';
import { createTask } from '../../../server/tasks/tasks.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { DocClient } from '../../helpers/doc-client.ts';
import { until } from '../../helpers/memory-socket.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

const taxonomy: Taxonomy = { classes: [], attributes: [] };
const tier = (id: string, editSkills: string[]): Tier => ({
  id,
  name: id,
  modality: 'audio',
  kind: 'segment',
  allowedClassIds: [],
  attributeIds: [],
  parentTierId: null,
  relation: null,
  guidelines: '',
  editRoles: ['annotator', 'reviewer', 'manager'],
  editSkills,
});
const tiers = [tier('turns', []), tier('transcript', ['linguist'])];

/** Access that changes while a connection is open, and per-tier edit rights, over WebSocket. */
describe('live access over WebSocket', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser, linguist: TestUser, plain: TestUser;
  let projectId: string;
  let taskId: string;
  const layerOf = {} as Record<string, string>;

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    const db = server.app.database.db;
    [manager, linguist, plain] = await Promise.all(
      ['l-manager', 'l-linguist', 'l-plain'].map((n) => makeUser(server, n)),
    );
    const project = await createProject(db, { name: 'live', taxonomy, tiers }, manager.id);
    projectId = project.id;
    await setMember(db, projectId, linguist.id, 'annotator', ['linguist'], manager.id);
    await setMember(db, projectId, plain.id, 'annotator', [], manager.id);
    const task = await createTask(
      db,
      projectId,
      { name: 't', media: [], annotators: [linguist.id, plain.id], reviewers: [] },
      manager.id,
    );
    taskId = task.id;
    for (const l of await db.select().from(layers).where(eq(layers.taskId, taskId))) layerOf[l.userId ?? 'gold'] = l.id;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  const ctx = (author: string): LayerContext => ({ tiers, taxonomy, mediaDuration: null, now: () => 0, author });
  const segment = (tierId: string, author: string) => (d: Y.Doc) =>
    new LayerDoc(d).create({ kind: 'segment', tierId, start: 1, end: 2, id: crypto.randomUUID() }, ctx(author));

  async function stored(docName: string) {
    const handle = await server.app.rooms.openDirect(docName, 'test', null);
    try {
      return new LayerDoc(handle.doc).list();
    } finally {
      handle.close();
    }
  }

  it('drops an update touching a tier the user may not edit, keeps the rest of their work', async () => {
    const name = layerDocName(layerOf[plain.id]!);
    const client = new DocClient(server.syncUrl, name, plain.headers);
    try {
      expect(await client.outcome()).toBe('synced');
      await client.write(segment('turns', 'plain-turns'));
      expect(client.denied).toBe(0);
      await client.write(segment('transcript', 'plain-transcript'));
      expect(client.denied).toBe(1);
      const authors = (await stored(name)).map((a) => a.author);
      expect(authors).toContain('plain-turns');
      expect(authors).not.toContain('plain-transcript');
    } finally {
      await client.close();
    }
    // The linguist may edit both tiers of their own layer.
    const own = layerDocName(layerOf[linguist.id]!);
    const other = new DocClient(server.syncUrl, own, linguist.headers);
    try {
      expect(await other.outcome()).toBe('synced');
      await other.write(segment('transcript', 'linguist-transcript'));
      expect(other.denied).toBe(0);
      expect((await stored(own)).map((a) => a.author)).toContain('linguist-transcript');
    } finally {
      await other.close();
    }
  });

  it("keeps comments and resolutions in their writer's name: forged authors are dropped", async () => {
    const name = taskDocName(taskId);
    const as = (author: string) => ({ now: () => 1, author });
    const threadId = crypto.randomUUID();
    const own = new DocClient(server.syncUrl, name, plain.headers);
    try {
      expect(await own.outcome()).toBe('synced');
      await own.write((d) => {
        new TaskDoc(d).createThread(
          { id: threadId, anchor: { type: 'time', start: 1, end: 2 }, text: 'mine' },
          as(plain.id),
        );
      });
      expect(own.denied).toBe(0);
    } finally {
      await own.close();
    }
    // Each forgery on a fresh connection: a refused update leaves the client ahead of the server.
    const forgeries: ((t: TaskDoc) => void)[] = [
      (t) => t.reply(threadId, 'said by someone else', as(linguist.id)),
      (t) => t.resolveThread(threadId, as(linguist.id)),
      (t) => t.createThread({ anchor: { type: 'time', start: 0, end: 1 }, text: 'forged' }, as(manager.id)),
    ];
    for (const forge of forgeries) {
      const client = new DocClient(server.syncUrl, name, plain.headers);
      try {
        expect(await client.outcome()).toBe('synced');
        await client.write((d) => forge(new TaskDoc(d)));
        expect(client.denied).toBe(1);
      } finally {
        await client.close();
      }
    }
    const resolver = new DocClient(server.syncUrl, name, plain.headers);
    try {
      expect(await resolver.outcome()).toBe('synced');
      await resolver.write((d) => new TaskDoc(d).resolveThread(threadId, as(plain.id)));
      expect(resolver.denied).toBe(0);
    } finally {
      await resolver.close();
    }
    const handle = await server.app.rooms.openDirect(name, 'test', null);
    try {
      const threads = new TaskDoc(handle.doc).listThreads();
      expect(threads.map((t) => t.messages.map((m) => [m.author, m.text]))).toEqual([[[plain.id, 'mine']]]);
      expect(threads[0]).toMatchObject({ resolved: true, resolvedBy: plain.id });
    } finally {
      handle.close();
    }
  });

  it('closes a connection with 4409 when the membership is revoked, and refuses the reconnect', async () => {
    const outsider = await makeUser(server, 'l-temp');
    await api(server, 'PUT', `/api/projects/${projectId}/members/${outsider.id}`, {
      as: manager,
      body: { role: 'reviewer' },
    });
    const name = layerDocName(layerOf[plain.id]!);
    const client = new DocClient(server.syncUrl, name, outsider.headers);
    expect(await client.outcome()).toBe('synced');
    const removed = await api(server, 'DELETE', `/api/projects/${projectId}/members/${outsider.id}`, { as: manager });
    expect(removed.status).toBe(204);
    await until(() => client.closeCode !== null, 'revoked connection to close');
    expect(client.closeCode).toBe(4409);
    const again = new DocClient(server.syncUrl, name, outsider.headers);
    expect(await again.outcome()).toBe(4403);
  });

  it('turns an annotator read-only when they submit (reconnect gets read access)', async () => {
    const name = layerDocName(layerOf[linguist.id]!);
    const client = new DocClient(server.syncUrl, name, linguist.headers);
    expect(await client.outcome()).toBe('synced');
    const submitted = await api(server, 'POST', `/api/tasks/${taskId}/transitions`, {
      as: linguist,
      body: { action: 'submit' },
    });
    expect(submitted.status).toBe(200);
    await until(() => client.closeCode !== null, 'connection to re-authorize');
    expect(client.closeCode).toBe(4409);
    const again = new DocClient(server.syncUrl, name, linguist.headers);
    try {
      expect(await again.outcome()).toBe('synced');
      await again.write(segment('turns', 'after-submit'));
      expect(again.denied).toBe(1);
      expect((await stored(name)).map((a) => a.author)).not.toContain('after-submit');
    } finally {
      await again.close();
    }
  });

  it('refuses names outside the domain and unauthenticated sockets', async () => {
    const bogus = new DocClient(server.syncUrl, 'scratch/anything', linguist.headers);
    expect(await bogus.outcome()).toBe(4404);
    const anon = new DocClient(server.syncUrl, layerDocName(layerOf[plain.id]!));
    expect(await anon.outcome()).toBe(4401);
  });
});
