import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
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
