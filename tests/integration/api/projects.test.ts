import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Taxonomy, Tier } from '../../../shared/model/index.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

const cls = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  parentId: null,
  color: '#123456',
  hotkey: null,
  description: '',
  guideline: '',
  examples: [],
  attributeIds: [],
  ...extra,
});
const tier = (id: string, extra: Record<string, unknown> = {}): Tier =>
  ({
    id,
    name: id,
    modality: 'audio',
    kind: 'segment',
    allowedClassIds: [],
    attributeIds: [],
    parentTierId: null,
    relation: null,
    guidelines: '',
    editRoles: ['annotator'],
    editSkills: [],
    ...extra,
  }) as Tier;

describe('projects, taxonomy, tiers and members over REST', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser;
  let other: TestUser;
  let projectId: string;

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    manager = await makeUser(server, 'pm');
    other = await makeUser(server, 'someone');
    const created = await api(server, 'POST', '/api/projects', { as: manager, body: { name: 'Interviews' } });
    expect(created.status).toBe(201);
    expect(created.body.myRole).toBe('manager');
    expect(created.body.settings.visibility).toBe('blind');
    projectId = created.body.id;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  async function schema() {
    return (await api(server, 'GET', `/api/projects/${projectId}/schema`, { as: manager })).body;
  }

  async function put(body: { taxonomy?: Taxonomy; tiers?: Tier[]; revision?: number }) {
    const revision = body.revision ?? (await schema()).revision;
    return api(server, 'PUT', `/api/projects/${projectId}/schema`, { as: manager, body: { ...body, revision } });
  }

  it('stores a hierarchical taxonomy with attributes and tiers, validated together', async () => {
    const taxonomy = {
      classes: [
        cls('vocal', { hotkey: 'v' }),
        cls('speech', { parentId: 'vocal', hotkey: 's', attributeIds: ['sentiment'] }),
        cls('laugh', { hotkey: 'l' }),
      ],
      attributes: [
        { id: 'sentiment', name: 'Sentiment', type: 'enum', options: ['neg', 'neu', 'pos'], required: false },
        { id: 'noise', name: 'Noise level', type: 'number', min: 0, max: 10, required: false },
      ],
    } as Taxonomy;
    const tiers = [
      tier('turns', { allowedClassIds: ['vocal'], attributeIds: ['noise'] }),
      tier('words', { parentTierId: 'turns', relation: 'time_subdivision', editSkills: ['linguist'] }),
    ];
    const res = await put({ taxonomy, tiers });
    expect(res.status).toBe(200);
    expect(res.body.tiers[1].editSkills).toEqual(['linguist']);
    expect((await schema()).taxonomy.classes).toHaveLength(3);
  });

  const bad: Array<[string, (t: Taxonomy, tiers: Tier[]) => void, number, string]> = [
    ['duplicate hotkeys', (t) => (t.classes[2]!.hotkey = 'v'), 422, 'invalid_taxonomy'],
    ['a class hierarchy cycle', (t) => (t.classes[0]!.parentId = 'speech'), 422, 'invalid_taxonomy'],
    ['an orphan parent class', (t) => (t.classes[2]!.parentId = 'nope'), 422, 'invalid_taxonomy'],
    ['an orphan attribute reference', (t) => t.classes[2]!.attributeIds.push('nope'), 422, 'invalid_taxonomy'],
    ['a tier allowing an unknown class', (_t, tiers) => tiers[0]!.allowedClassIds.push('nope'), 422, 'invalid_tiers'],
    [
      'a tier parent cycle',
      (_t, tiers) => {
        tiers[0]!.parentTierId = 'words';
        tiers[0]!.relation = 'included_in';
      },
      422,
      'invalid_tiers',
    ],
    ['removing a class a tier still allows', (t) => t.classes.splice(0, 2), 422, 'invalid_tiers'],
    [
      'an unknown tier kind',
      (_t, tiers) => ((tiers[0] as unknown as { kind: string }).kind = 'blob'),
      400,
      'validation_failed',
    ],
    [
      'an unknown property',
      (_t, tiers) => ((tiers[0] as unknown as { colour: string }).colour = 'red'),
      400,
      'validation_failed',
    ],
  ];
  for (const [what, mutate, status, code] of bad) {
    it(`refuses ${what} and changes nothing`, async () => {
      const before = await schema();
      const taxonomy = structuredClone(before.taxonomy);
      const tiers = structuredClone(before.tiers);
      mutate(taxonomy, tiers);
      const res = await put({ taxonomy, tiers, revision: before.revision });
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect(await schema()).toEqual(before);
    });
  }

  it('refuses a stale revision (someone else saved first)', async () => {
    const before = await schema();
    expect((await put({ tiers: before.tiers, revision: before.revision })).status).toBe(200);
    const stale = await put({ tiers: before.tiers, revision: before.revision });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'revision_conflict']);
  });

  it('manages members: add with role and skills, change, refuse bad input, keep one manager', async () => {
    const url = `/api/projects/${projectId}/members/${other.id}`;
    const bad = await api(server, 'PUT', url, { as: manager, body: { role: 'boss' } });
    expect(bad.status).toBe(400);
    const badSkill = await api(server, 'PUT', url, { as: manager, body: { role: 'annotator', skills: ['Not Valid'] } });
    expect(badSkill.body.error.code).toBe('validation_failed');
    const ghost = await api(server, 'PUT', `/api/projects/${projectId}/members/${crypto.randomUUID()}`, {
      as: manager,
      body: { role: 'annotator' },
    });
    expect(ghost.body.error.code).toBe('invalid_reference');
    const ok = await api(server, 'PUT', url, { as: manager, body: { role: 'annotator', skills: ['linguist'] } });
    expect([ok.status, ok.body.role, ok.body.skills]).toEqual([200, 'annotator', ['linguist']]);
    // The new member now sees the project; they may not manage it.
    expect((await api(server, 'GET', `/api/projects/${projectId}`, { as: other })).body.myRole).toBe('annotator');
    expect((await api(server, 'PUT', url, { as: other, body: { role: 'manager' } })).status).toBe(403);
    const last = await api(server, 'DELETE', `/api/projects/${projectId}/members/${manager.id}`, { as: manager });
    expect([last.status, last.body.error.code]).toEqual([409, 'in_use']);
    expect((await api(server, 'DELETE', url, { as: manager })).status).toBe(204);
    expect((await api(server, 'GET', `/api/projects/${projectId}`, { as: other })).status).toBe(404);
  });

  it('lists only your projects and records every change in the audit log', async () => {
    const mine = await api(server, 'GET', '/api/projects', { as: other });
    expect(mine.body.items).toEqual([]);
    const log = await api(server, 'GET', `/api/projects/${projectId}/audit?limit=100`, { as: manager });
    const actions = log.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['project.create', 'project.update', 'member.set', 'member.remove']),
    );
    expect(log.body.items.every((e: { actorId: string }) => e.actorId === manager.id)).toBe(true);
    // Refused changes leave no trace.
    expect(actions.filter((a: string) => a === 'project.update')).toHaveLength(2);
  });

  it('changes settings with validation', async () => {
    const p = (await api(server, 'GET', `/api/projects/${projectId}`, { as: manager })).body;
    const settings = { ...p.settings, visibility: 'open' };
    const ok = await api(server, 'PATCH', `/api/projects/${projectId}`, {
      as: manager,
      body: { revision: p.revision, settings },
    });
    expect([ok.status, ok.body.settings.visibility]).toEqual([200, 'open']);
    const bad = await api(server, 'PATCH', `/api/projects/${projectId}`, {
      as: manager,
      body: { revision: ok.body.revision, settings: { ...settings, visibility: 'secret' } },
    });
    expect(bad.body.error.code).toBe('validation_failed');
  });
});
