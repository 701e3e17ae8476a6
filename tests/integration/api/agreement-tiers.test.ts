import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerDocName } from '../../../shared/domain/doc-names.ts';
import { LayerDoc, type LayerContext, type Taxonomy, type Tier } from '../../../shared/model/index.ts';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { layers } from '../../../server/storage/schema.ts';
import { createTask } from '../../../server/tasks/tasks.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
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

/**
 * A layer is compared only on the tiers its owner may annotate: an annotator without the
 * `linguist` skill is not a rater of the linguist-only transcript tier (nor "missing" there).
 */
describe('agreement per tier counts the annotators who may annotate it', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser, linguist: TestUser, plain: TestUser;
  let projectId: string;
  let taskId: string;
  const layerOf: Record<string, string> = {};

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', AGREEMENT_DEBOUNCE_MS: '20' });
    const db = server.app.database.db;
    [manager, linguist, plain] = await Promise.all(
      ['t-manager', 't-linguist', 't-plain'].map((n) => makeUser(server, n)),
    );
    const project = await createProject(db, { name: 'tiers', taxonomy, tiers }, manager.id);
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
    // Both mark turns; only the linguist can transcribe.
    for (const [who, withText] of [
      [linguist, true],
      [plain, false],
    ] as const) {
      const handle = await server.app.rooms.openDirect(layerDocName(layerOf[who.id]!), 'test', who.id);
      const ctx: LayerContext = { tiers, taxonomy, mediaDuration: null, now: () => 1, author: who.id };
      handle.transact((doc) => {
        const l = new LayerDoc(doc);
        l.create({ kind: 'segment', tierId: 'turns', start: 1, end: 3 }, ctx);
        if (withText) l.create({ kind: 'segment', tierId: 'transcript', start: 1, end: 3, text: 'hello' }, ctx);
      });
      handle.close();
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  const raters = async () => {
    const r = await api(server, 'GET', `/api/tasks/${taskId}/agreement`, { as: manager });
    expect(r.status).toBe(200);
    const report = r.body as { tiers: Array<{ tierId: string; annotators: Array<{ userId: string }> }> };
    return Object.fromEntries(report.tiers.map((t) => [t.tierId, t.annotators.map((a) => a.userId).sort()]));
  };

  it('lists per layer the tiers it is compared on, and leaves the others out of the report', async () => {
    const task = await api(server, 'GET', `/api/tasks/${taskId}`, { as: manager });
    const byOwner = Object.fromEntries(
      (task.body as { layers: Array<{ userId: string | null; tierIds: string[] | null }> }).layers.map((l) => [
        l.userId ?? 'gold',
        l.tierIds,
      ]),
    );
    expect(byOwner).toEqual({ [linguist.id]: ['turns', 'transcript'], [plain.id]: ['turns'], gold: null });
    expect(await raters()).toEqual({
      turns: [linguist.id, plain.id].sort(),
      transcript: [linguist.id],
    });
  });

  it('follows a change of skills', async () => {
    const put = await api(server, 'PUT', `/api/projects/${projectId}/members/${plain.id}`, {
      as: manager,
      body: { role: 'annotator', skills: ['linguist'] },
    });
    expect(put.status).toBe(200);
    expect((await raters()).transcript).toEqual([linguist.id, plain.id].sort());
  });
});
