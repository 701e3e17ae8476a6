import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerDocName, taskDocName } from '../../../shared/domain/doc-names.ts';
import type { VisibilityMode } from '../../../shared/domain/project.ts';
import { LayerDoc, type Taxonomy, type Tier } from '../../../shared/model/index.ts';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { layers, media } from '../../../server/storage/schema.ts';
import { createTask } from '../../../server/tasks/tasks.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { DocClient } from '../../helpers/doc-client.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

/**
 * Every role × visibility mode × resource × operation, over REST and over WebSocket, each cell
 * asserted allow or deny against the table below — written out by hand from the access rules
 * in the README, not computed from the policy code it checks.
 */
type Who = 'admin' | 'manager' | 'reviewer' | 'annotator' | 'unassigned' | 'outsider' | 'anonymous';
const WHO: Who[] = ['admin', 'manager', 'reviewer', 'annotator', 'unassigned', 'outsider', 'anonymous'];
const MODES: VisibilityMode[] = ['blind', 'reveal_after_submit', 'open'];

type Cell =
  | 'project.read'
  | 'project.write'
  | 'project.admin'
  | 'task.read'
  | 'task.write'
  | 'task.admin'
  | 'ownLayer.read'
  | 'ownLayer.write'
  | 'otherLayer.read'
  | 'otherLayer.write'
  | 'gold.read'
  | 'gold.write'
  | 'taskDoc.read'
  | 'taskDoc.write'
  | 'media.read'
  | 'media.admin'
  | 'session.write'
  | 'session.admin';

// Y = allowed. "annotator" owns `ownLayer`; `otherLayer` belongs to a second assigned annotator.
// The task is in progress and nobody has submitted (reveal_after_submit then behaves as blind).
const ALLOWED: Record<Cell, (who: Who, mode: VisibilityMode) => boolean> = {
  'project.read': (w) => ['admin', 'manager', 'reviewer', 'annotator', 'unassigned'].includes(w),
  'project.write': (w) => ['admin', 'manager'].includes(w),
  'project.admin': (w) => ['admin', 'manager'].includes(w),
  'task.read': (w) => ['admin', 'manager', 'reviewer', 'annotator'].includes(w),
  'task.write': (w) => ['admin', 'manager'].includes(w),
  'task.admin': (w) => ['admin', 'manager'].includes(w),
  'ownLayer.read': (w) => ['admin', 'manager', 'reviewer', 'annotator'].includes(w),
  'ownLayer.write': (w) => w === 'annotator',
  'otherLayer.read': (w, m) => ['admin', 'manager', 'reviewer'].includes(w) || (w === 'annotator' && m === 'open'),
  'otherLayer.write': () => false,
  'gold.read': (w, m) => ['admin', 'manager', 'reviewer'].includes(w) || (w === 'annotator' && m === 'open'),
  'gold.write': (w) => ['admin', 'manager', 'reviewer'].includes(w),
  'taskDoc.read': (w) => ['admin', 'manager', 'reviewer', 'annotator'].includes(w),
  'taskDoc.write': (w) => ['admin', 'manager', 'reviewer', 'annotator'].includes(w),
  'media.read': (w) => ['admin', 'manager', 'reviewer', 'annotator', 'unassigned'].includes(w),
  'media.admin': (w) => ['admin', 'manager'].includes(w),
  // Live sessions: overseers start one; in a session the manager started, only managers (and the
  // starter) invite. Joining (read) is per invitation: tests/integration/api/sessions.test.ts.
  'session.write': (w) => ['admin', 'manager', 'reviewer'].includes(w),
  'session.admin': (w) => ['admin', 'manager'].includes(w),
};

const taxonomy: Taxonomy = {
  classes: [
    {
      id: 'speech',
      name: 'Speech',
      parentId: null,
      color: '#3366ff',
      hotkey: 's',
      description: '',
      guideline: '',
      examples: [],
      attributeIds: [],
    },
  ],
  attributes: [],
};
const tiers: Tier[] = [
  {
    id: 'words',
    name: 'Words',
    modality: 'audio',
    kind: 'segment',
    allowedClassIds: ['speech'],
    attributeIds: [],
    parentTierId: null,
    relation: null,
    guidelines: '',
    editRoles: ['annotator', 'reviewer', 'manager'],
    editSkills: [],
  },
];

interface Fixture {
  projectId: string;
  taskId: string;
  ownLayer: string;
  otherLayer: string;
  gold: string;
  mediaId: string;
}

describe('authorization matrix', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;
  const fixtures = {} as Record<VisibilityMode, Fixture>;

  async function addMedia(projectId: string): Promise<string> {
    const id = crypto.randomUUID();
    await server.app.database.db.insert(media).values({
      id,
      projectId,
      filename: 'x.wav',
      contentType: 'audio/wav',
      kind: 'audio',
      sha256: '0'.repeat(64),
      ext: 'wav',
      bytes: 0,
      info: {
        kind: 'audio',
        container: 'wav',
        durationSec: 10,
        frameRate: null,
        frameCount: null,
        width: null,
        height: null,
        sampleRate: 16000,
        channels: 1,
        videoCodec: null,
        audioCodec: 'pcm_s16le',
        characters: null,
      },
    });
    return id;
  }

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    const db = server.app.database.db;
    for (const who of WHO) if (who !== 'anonymous') users[who] = await makeUser(server, `m-${who}`, who === 'admin');
    const second = await makeUser(server, 'm-second');
    for (const mode of MODES) {
      const project = await createProject(
        db,
        { name: `matrix ${mode}`, taxonomy, tiers, settings: { visibility: mode } },
        users.manager.id,
      );
      await setMember(db, project.id, users.reviewer.id, 'reviewer', [], users.manager.id);
      await setMember(db, project.id, users.annotator.id, 'annotator', [], users.manager.id);
      await setMember(db, project.id, second.id, 'annotator', [], users.manager.id);
      await setMember(db, project.id, users.unassigned.id, 'annotator', [], users.manager.id);
      const mediaId = await addMedia(project.id);
      const task = await createTask(
        db,
        project.id,
        {
          name: 't',
          media: [{ mediaId }],
          annotators: [users.annotator.id, second.id],
          reviewers: [users.reviewer.id],
        },
        users.manager.id,
      );
      const rows = await db.select().from(layers).where(eq(layers.taskId, task.id));
      fixtures[mode] = {
        projectId: project.id,
        taskId: task.id,
        mediaId,
        ownLayer: rows.find((l) => l.userId === users.annotator.id)!.id,
        otherLayer: rows.find((l) => l.userId === second.id)!.id,
        gold: rows.find((l) => l.kind === 'gold')!.id,
      };
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  const as = (who: Who) => (who === 'anonymous' ? null : users[who]);

  /** Allowed → 2xx; denied → 401 (anonymous), 404 (outside the project) or 403. */
  function expectRest(status: number, allowed: boolean, who: Who, label: string) {
    if (allowed) expect(status, label).toBeLessThan(300);
    else if (who === 'anonymous') expect(status, label).toBe(401);
    else if (who === 'outsider') expect(status, label).toBe(404);
    else expect([403, 404], label).toContain(status);
    if (!allowed) expect(status, label).toBeGreaterThanOrEqual(400);
  }

  async function restCell(cell: Cell, who: Who, mode: VisibilityMode): Promise<number> {
    const f = fixtures[mode];
    const db = server.app.database.db;
    const user = as(who);
    switch (cell) {
      case 'project.read':
        return (await api(server, 'GET', `/api/projects/${f.projectId}`, { as: user })).status;
      case 'project.write': {
        const current = await api(server, 'GET', `/api/projects/${f.projectId}/schema`, { as: users.admin });
        return (
          await api(server, 'PUT', `/api/projects/${f.projectId}/schema`, {
            as: user,
            body: { revision: current.body.revision, tiers },
          })
        ).status;
      }
      case 'project.admin':
        return (
          await api(server, 'PUT', `/api/projects/${f.projectId}/members/${users.unassigned.id}`, {
            as: user,
            body: { role: 'annotator' },
          })
        ).status;
      case 'task.read':
        return (await api(server, 'GET', `/api/tasks/${f.taskId}`, { as: user })).status;
      case 'task.write':
        return (await api(server, 'PATCH', `/api/tasks/${f.taskId}`, { as: user, body: { name: `renamed by ${who}` } }))
          .status;
      case 'task.admin': {
        const doomed = await createTask(
          db,
          f.projectId,
          { name: 'doomed', media: [], annotators: [], reviewers: [] },
          users.manager.id,
        );
        return (await api(server, 'DELETE', `/api/tasks/${doomed.id}`, { as: user })).status;
      }
      case 'ownLayer.read':
        return (await api(server, 'GET', `/api/layers/${f.ownLayer}/annotations`, { as: user })).status;
      case 'otherLayer.read':
        return (await api(server, 'GET', `/api/layers/${f.otherLayer}/annotations`, { as: user })).status;
      case 'gold.read':
        return (await api(server, 'GET', `/api/layers/${f.gold}/annotations`, { as: user })).status;
      case 'media.read':
        return (await api(server, 'GET', `/api/media/${f.mediaId}`, { as: user })).status;
      case 'media.admin': {
        const doomed = await addMedia(f.projectId);
        return (await api(server, 'DELETE', `/api/media/${doomed}`, { as: user })).status;
      }
      case 'session.write': {
        const running = server.app.sessions.get(f.taskId);
        if (running) await server.app.sessions.end(running, null, 'ended');
        return (await api(server, 'POST', `/api/tasks/${f.taskId}/session`, { as: user, body: {} })).status;
      }
      case 'session.admin': {
        const running = server.app.sessions.get(f.taskId);
        if (running) await server.app.sessions.end(running, null, 'ended');
        await api(server, 'POST', `/api/tasks/${f.taskId}/session`, { as: users.manager, body: {} });
        return (
          await api(server, 'PUT', `/api/tasks/${f.taskId}/session/participants/${users.annotator.id}`, { as: user })
        ).status;
      }
      default:
        throw new Error(`${cell} is a WebSocket cell`);
    }
  }

  const REST_CELLS: Cell[] = [
    'project.read',
    'project.write',
    'project.admin',
    'task.read',
    'task.write',
    'task.admin',
    'ownLayer.read',
    'otherLayer.read',
    'gold.read',
    'media.read',
    'media.admin',
    'session.write',
    'session.admin',
  ];

  for (const mode of MODES) {
    describe(`${mode} over REST`, () => {
      for (const cell of REST_CELLS) {
        it(cell, async () => {
          for (const who of WHO) {
            const status = await restCell(cell, who, mode);
            expectRest(status, ALLOWED[cell](who, mode), who, `${who} ${cell} (${mode}) → ${status}`);
          }
        });
      }
    });
  }

  function headersOf(who: Who): Record<string, string> {
    const user = as(who);
    return user ? user.headers : {};
  }

  const DOC_CELLS: Array<{ doc: 'ownLayer' | 'otherLayer' | 'gold' | 'taskDoc' }> = [
    { doc: 'ownLayer' },
    { doc: 'otherLayer' },
    { doc: 'gold' },
    { doc: 'taskDoc' },
  ];

  for (const mode of MODES) {
    describe(`${mode} over WebSocket`, () => {
      for (const { doc } of DOC_CELLS) {
        it(`${doc} read and write`, async () => {
          const f = fixtures[mode];
          const name = doc === 'taskDoc' ? taskDocName(f.taskId) : layerDocName(f[doc]);
          for (const who of WHO) {
            const label = `${who} ${doc} (${mode})`;
            const client = new DocClient(server.syncUrl, name, headersOf(who));
            try {
              const outcome = await client.outcome();
              const mayRead = ALLOWED[`${doc}.read` as Cell](who, mode);
              if (!mayRead) {
                expect(outcome, label).toBe(who === 'anonymous' ? 4401 : 4403);
                continue;
              }
              expect(outcome, label).toBe('synced');
              const marker = `${who}-${doc}-${mode}`;
              await client.write((d) => {
                if (doc === 'taskDoc') d.getMap('probe').set(marker, true);
                else
                  new LayerDoc(d).create(
                    { id: crypto.randomUUID(), tierId: 'words', kind: 'segment', start: 1, end: 2, label: 'speech' },
                    { tiers, taxonomy, mediaDuration: 10, now: () => 0, author: marker },
                  );
              });
              const handle = await server.app.rooms.openDirect(name, 'test', null);
              try {
                const stored =
                  doc === 'taskDoc'
                    ? handle.doc.getMap('probe').has(marker)
                    : new LayerDoc(handle.doc).list().some((a) => a.author === marker);
                const mayWrite = ALLOWED[`${doc}.write` as Cell](who, mode);
                expect(stored, `${label} write stored`).toBe(mayWrite);
                expect(client.denied > 0, `${label} told permission denied`).toBe(!mayWrite);
              } finally {
                handle.close();
              }
            } finally {
              await client.close();
            }
          }
        });
      }
    });
  }
});
