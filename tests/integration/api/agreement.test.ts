import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { layerDocName } from '../../../shared/domain/doc-names.ts';
import { LayerDoc, type LayerContext, type Taxonomy, type Tier } from '../../../shared/model/index.ts';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { agreementReports, layers } from '../../../server/storage/schema.ts';
import { createTask } from '../../../server/tasks/tasks.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { until } from '../../helpers/memory-socket.ts';
import { whenSynced } from '../../helpers/providers.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

const taxonomy: Taxonomy = {
  classes: ['speech', 'noise'].map((id) => ({
    id,
    name: id,
    parentId: null,
    color: '#336699',
    hotkey: null,
    description: '',
    guideline: '',
    examples: [],
    attributeIds: [],
  })),
  attributes: [],
};
const tiers: Tier[] = [
  {
    id: 'turns',
    name: 'Turns',
    modality: 'audio',
    kind: 'segment',
    allowedClassIds: ['speech', 'noise'],
    attributeIds: [],
    parentTierId: null,
    relation: null,
    guidelines: '',
    editRoles: ['annotator', 'reviewer', 'manager'],
    editSkills: [],
  },
];

/** A real y-websocket provider in Node that authenticates with the user's Bearer token. */
function authedProvider(server: TestServer, user: TestUser, docName: string, doc: Y.Doc): WebsocketProvider {
  class AuthedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: user.headers });
    }
  }
  return new WebsocketProvider(server.syncUrl, docName, doc, {
    WebSocketPolyfill: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
}

interface Push {
  type: string;
  report: {
    headline: { value: number | null };
    tiers: Array<{ tierId: string; annotators: string[]; units?: unknown }>;
  };
  changedTiers: string[];
  initial: boolean;
}

/** Subscribes to a task's live agreement; collects pushes and the close code. */
function subscribe(server: TestServer, user: TestUser, taskId: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/tasks/${taskId}/agreement/live`, {
    headers: user.headers,
  });
  const pushes: Push[] = [];
  let closeCode: number | null = null;
  ws.on('message', (data) => pushes.push(JSON.parse(String(data)) as Push));
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => {});
  return { ws, pushes, closeCode: () => closeCode };
}

describe('live agreement', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser, reviewer: TestUser, ann1: TestUser, ann2: TestUser;
  let projectId: string;
  let taskId: string;
  const layerOf: Record<string, string> = {};

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer(env());
    const db = server.app.database.db;
    [manager, reviewer, ann1, ann2] = await Promise.all(
      ['a-manager', 'a-reviewer', 'a-ann1', 'a-ann2'].map((n) => makeUser(server, n)),
    );
    const project = await createProject(
      db,
      { name: 'agreement', taxonomy, tiers, settings: { visibility: 'blind' } },
      manager.id,
    );
    projectId = project.id;
    await setMember(db, projectId, reviewer.id, 'reviewer', [], manager.id);
    await setMember(db, projectId, ann1.id, 'annotator', [], manager.id);
    await setMember(db, projectId, ann2.id, 'annotator', [], manager.id);
    const task = await createTask(
      db,
      projectId,
      { name: 't', media: [], annotators: [ann1.id, ann2.id], reviewers: [reviewer.id] },
      manager.id,
    );
    taskId = task.id;
    for (const l of await db.select().from(layers).where(eq(layers.taskId, taskId))) layerOf[l.userId ?? 'gold'] = l.id;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  // Every recompute is stored (no throttle), so the trend can be checked right away.
  const env = () => ({
    DATA_DIR: data.dir,
    DATABASE_URL: '',
    AGREEMENT_DEBOUNCE_MS: '50',
    AGREEMENT_STORE_INTERVAL_MS: '0',
  });
  const ctx = (author: string): LayerContext => ({
    tiers,
    taxonomy,
    mediaDuration: null,
    now: () => Date.now(),
    author,
  });

  it('pushes the recomputed report to a subscribed reviewer when an annotator edits over y-websocket', async () => {
    const watcher = subscribe(server, reviewer, taskId);
    await until(() => watcher.pushes.length > 0, 'initial report', 10_000);
    expect(watcher.pushes[0]!.initial).toBe(true);
    expect(watcher.pushes[0]!.report.headline.value).toBeNull(); // nobody has annotated yet

    // Two annotators mark the same two turns through real providers; the second disagrees on one label.
    const docs = [new Y.Doc(), new Y.Doc()];
    const providers = [
      authedProvider(server, ann1, layerDocName(layerOf[ann1.id]!), docs[0]!),
      authedProvider(server, ann2, layerDocName(layerOf[ann2.id]!), docs[1]!),
    ];
    try {
      await Promise.all(providers.map((p) => whenSynced(p)));
      const turns: Array<[number, number, string, string]> = [
        [1, 3, 'speech', 'speech'],
        [4, 6, 'speech', 'noise'],
        [7, 9, 'noise', 'noise'],
      ];
      for (const [start, end, l1, l2] of turns) {
        new LayerDoc(docs[0]!).create({ kind: 'segment', tierId: 'turns', start, end, label: l1 }, ctx(ann1.id));
        new LayerDoc(docs[1]!).create({ kind: 'segment', tierId: 'turns', start, end, label: l2 }, ctx(ann2.id));
      }
      const before = watcher.pushes.length;
      const sentAt = Date.now();
      await until(
        () =>
          watcher.pushes
            .slice(before)
            .some((p) => p.report.tiers.some((t) => t.annotators.length === 2) && p.report.headline.value !== null),
        'a report with both annotators',
        10_000,
      );
      const latency = Date.now() - sentAt;
      const last = watcher.pushes.at(-1)!;
      expect(last.initial).toBe(false);
      expect(last.changedTiers).toEqual(['turns']);
      const headline = last.report.headline.value!;
      expect(headline).toBeGreaterThan(0);
      expect(headline).toBeLessThan(1); // one of three turns disagrees
      expect(latency).toBeLessThan(5000);

      // Making the labels agree raises agreement to 1 and is pushed again.
      const layer2 = new LayerDoc(docs[1]!);
      const odd = layer2.list().find((a) => a.kind === 'segment' && a.start === 4)!;
      layer2.update(odd.id, { label: 'speech' }, ctx(ann2.id));
      await until(() => watcher.pushes.at(-1)!.report.headline.value === 1, 'agreement to reach 1', 10_000);
    } finally {
      for (const p of providers) p.destroy();
      watcher.ws.close();
    }

    // The same report over REST, for the reviewer; stored for the project trend.
    const rest = await api(server, 'GET', `/api/tasks/${taskId}/agreement`, { as: reviewer });
    expect(rest.status).toBe(200);
    expect(rest.body.headline.value).toBe(1);
    const stored = await server.app.database.db
      .select()
      .from(agreementReports)
      .where(eq(agreementReports.taskId, taskId));
    expect(stored.length).toBeGreaterThan(0);
  });

  it('gives a blind-mode annotator nothing: the live socket is refused and REST forbids', async () => {
    const blind = subscribe(server, ann1, taskId);
    await until(() => blind.closeCode() !== null, 'refusal', 10_000);
    expect(blind.closeCode()).toBe(4403);
    expect(blind.pushes).toEqual([]);
    const rest = await api(server, 'GET', `/api/tasks/${taskId}/agreement`, { as: ann1 });
    expect([rest.status, rest.body.error.code]).toEqual([403, 'forbidden']);
    const anon = new WebSocket(`ws://127.0.0.1:${server.port}/api/tasks/${taskId}/agreement/live`);
    const code = await new Promise<number>((resolve) => anon.on('close', (c) => resolve(c)));
    expect(code).toBe(4401);
  });

  it('shows annotators the numbers once the mode is open', async () => {
    const p = (await api(server, 'GET', `/api/projects/${projectId}`, { as: manager })).body;
    await api(server, 'PATCH', `/api/projects/${projectId}`, {
      as: manager,
      body: { revision: p.revision, settings: { ...p.settings, visibility: 'open' } },
    });
    const rest = await api(server, 'GET', `/api/tasks/${taskId}/agreement`, { as: ann1 });
    expect(rest.status).toBe(200);
    expect(rest.body.headline.value).toBe(1);
  });

  it('aggregates the project for managers and reviewers only; the trend survives a restart', async () => {
    await server.close();
    server = await startServer(env());
    const report = await api(server, 'GET', `/api/projects/${projectId}/agreement`, { as: manager });
    expect(report.status).toBe(200);
    expect(report.body.tasks).toBe(1);
    expect(report.body.headline.value).toBe(1);
    // The series holds the earlier, lower figure and the final 1: drift over time.
    const values = report.body.series.map((p: { value: number }) => p.value);
    expect(Math.min(...values)).toBeLessThan(1);
    expect(values.at(-1)).toBe(1);
    expect((await api(server, 'GET', `/api/projects/${projectId}/agreement`, { as: ann1 })).status).toBe(403);
  });
});
