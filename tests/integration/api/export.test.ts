import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TAXONOMY, DEMO_TIERS } from '../../../server/demo/seed.ts';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { writeAnnotations } from '../../helpers/layers.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

describe('JSON export with provenance', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let admin: TestUser;
  let projectId: string;

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'on' });
    admin = await makeUser(server, 'x-admin', true);
    projectId = (await api(server, 'GET', '/api/projects', { as: admin })).body.items[0].id;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  it("exports a task's layers and gold with authors, sources and times, plus taxonomy and tiers", async () => {
    const tasks = (await api(server, 'GET', `/api/projects/${projectId}/tasks`, { as: admin })).body.items;
    const tour = tasks.find((t: { name: string }) => t.name.startsWith('Tour'));
    const res = await api(server, 'GET', `/api/tasks/${tour.id}/export`, { as: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="task-/);
    const body = res.body;
    expect(body.format).toBe('concord-export');
    expect(body.tiers.map((t: { id: string }) => t.id)).toContain('turns');
    expect(body.layers.map((l: { username: string }) => l.username).sort()).toEqual(['ada', 'ben']);
    const ada = body.layers.find((l: { username: string }) => l.username === 'ada');
    const turns = ada.annotations.filter((a: { tierId: string }) => a.tierId === 'turns');
    expect(turns).toHaveLength(9);
    // The demo's boxes on the video, and transcript lines that refer to two of them.
    type Exported = {
      id: string;
      tierId: string;
      kind: string;
      label: string;
      relations: { type: string; targetId: string }[];
    };
    const boxes = (ada.annotations as Exported[]).filter((a) => a.tierId === 'regions');
    expect(boxes.map((b) => `${b.kind}:${b.label}`).sort()).toEqual(['box:caption', 'box:color_bars', 'box:timecode']);
    const refs = (ada.annotations as Exported[]).flatMap((a) => a.relations.filter((r) => r.type === 'refers_to'));
    expect(refs.map((r) => boxes.find((b) => b.id === r.targetId)?.label).sort()).toEqual(['color_bars', 'timecode']);
    for (const a of ada.annotations) {
      expect(a.author).toBe(ada.userId);
      expect(a.source).toBe('human');
      expect(a.createdAt).toBeGreaterThan(0);
    }
    expect(body.gold.kind).toBe('gold');
  });

  it('exports the whole project for managers; annotators may not', async () => {
    const res = await api(server, 'GET', `/api/projects/${projectId}/export`, { as: admin });
    expect(res.status).toBe(200);
    expect(res.body.tasks).toHaveLength(2);
    const outsider = await makeUser(server, 'x-outsider');
    expect((await api(server, 'GET', `/api/projects/${projectId}/export`, { as: outsider })).status).toBe(404);
  });
});

// Without the demo (its video needs ffprobe): a project made here, annotations written to the layers.
describe('JSON export selections', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser, ann1: TestUser, ann2: TestUser;
  let projectId: string;
  let task: { id: string; layers: Array<{ id: string; kind: string; userId: string | null }> };
  let other: { id: string; layers: Array<{ id: string }> };

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    const db = server.app.database.db;
    [manager, ann1, ann2] = await Promise.all(['s-manager', 's-ann1', 's-ann2'].map((n) => makeUser(server, n)));
    const project = await createProject(
      db,
      { name: 'Selections', taxonomy: DEMO_TAXONOMY, tiers: DEMO_TIERS, settings: { visibility: 'blind' } },
      manager.id,
    );
    projectId = project.id;
    for (const u of [ann1, ann2]) await setMember(db, projectId, u.id, 'annotator', [], manager.id);
    const make = async (name: string) =>
      (
        await api(server, 'POST', `/api/projects/${projectId}/tasks`, {
          as: manager,
          body: { name, media: [], annotators: [ann1.id, ann2.id], reviewers: [] },
        })
      ).body;
    task = await make('Selected');
    other = await make('Other');
    const schema = { taxonomy: DEMO_TAXONOMY, tiers: DEMO_TIERS };
    const layerOf = (userId: string | null) => task.layers.find((l) => l.userId === userId)!.id;
    await writeAnnotations(server, layerOf(ann1.id), ann1.id, schema, [
      { kind: 'event', tierId: 'visual', start: 1, label: 'timecode' },
      { kind: 'event', tierId: 'visual', start: 2, label: 'scene_cut' },
    ]);
    await writeAnnotations(server, layerOf(ann2.id), ann2.id, schema, [
      { kind: 'event', tierId: 'visual', start: 1.5, label: 'timecode' },
    ]);
    await writeAnnotations(server, layerOf(null), manager.id, schema, [
      { kind: 'event', tierId: 'visual', start: 1.25, label: 'timecode' },
    ]);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  const exportOf = (path: string, who: TestUser = manager) => api(server, 'GET', path, { as: who });

  it('exports the gold layer only, the annotator layers only, or one layer, and says so in the file', async () => {
    const gold = await exportOf(`/api/tasks/${task.id}/export?include=gold`);
    expect(gold.status).toBe(200);
    expect(gold.headers.get('content-disposition')).toBe(`attachment; filename="task-${task.id}-gold.json"`);
    expect(gold.body).toMatchObject({ selection: { include: 'gold', layerId: null }, exportedBy: manager.id });
    expect(gold.body.gold.annotations.map((a: { start: number; author: string }) => [a.start, a.author])).toEqual([
      [1.25, manager.id],
    ]);
    expect(gold.body.layers).toEqual([]);

    const layers = await exportOf(`/api/tasks/${task.id}/export?include=layers`);
    expect(layers.body.gold).toBeNull();
    const byUser = new Map(layers.body.layers.map((l: { username: string }) => [l.username, l]));
    expect([...byUser.keys()].sort()).toEqual(['s-ann1', 's-ann2']);
    const first = byUser.get('s-ann1') as { layerId: string; annotations: Array<{ label: string }> };
    expect(first.annotations.map((a) => a.label).sort()).toEqual(['scene_cut', 'timecode']);

    const one = await exportOf(`/api/tasks/${task.id}/export?layer=${first.layerId}`);
    expect(one.status).toBe(200);
    expect(one.headers.get('content-disposition')).toContain(`task-${task.id}-layer-${first.layerId}.json`);
    expect(one.body.selection).toEqual({ include: 'layer', layerId: first.layerId });
    expect([one.body.gold, one.body.layers]).toEqual([null, [first]]);

    const all = await exportOf(`/api/tasks/${task.id}/export`);
    expect(all.body.selection).toEqual({ include: 'all', layerId: null });
    expect([all.body.gold.annotations.length, all.body.layers.length]).toEqual([1, 2]);
    // The size is announced, so a client can show download progress.
    expect(Number(all.headers.get('content-length'))).toBeGreaterThan(0);
  });

  it('refuses a layer of another task and a bad selection; exports the project gold only', async () => {
    const foreign = await exportOf(`/api/tasks/${task.id}/export?layer=${other.layers[0]!.id}`);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
    const bad = await exportOf(`/api/tasks/${task.id}/export?include=everything`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    expect((await exportOf(`/api/tasks/${task.id}/export?layer=nope`)).status).toBe(400);

    const project = await exportOf(`/api/projects/${projectId}/export?include=gold`);
    expect(project.status).toBe(200);
    expect(project.headers.get('content-disposition')).toContain(`project-${projectId}-gold.json`);
    expect(project.body.tasks).toHaveLength(2);
    for (const t of project.body.tasks) expect([t.gold.kind, t.layers]).toEqual(['gold', []]);
    expect((await exportOf(`/api/projects/${projectId}/export?layer=${task.layers[0]!.id}`)).status).toBe(400);
  });

  it('never hands an annotator a layer they may not read, not even asked by id (blind project)', async () => {
    const mine = await exportOf(`/api/tasks/${task.id}/export`, ann1);
    expect(mine.status).toBe(200);
    expect(mine.body.layers.map((l: { username: string }) => l.username)).toEqual(['s-ann1']);
    const theirs = task.layers.find((l) => l.userId === ann2.id)!.id;
    const res = await exportOf(`/api/tasks/${task.id}/export?layer=${theirs}`, ann1);
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
  });
});
