/**
 * Adjudication against the real server: annotators write their layers over /sync, a reviewer
 * pre-merges and decides into gold over /sync (provenance on the annotations, a rejection in the
 * gold layer's `decisions`), an annotator's attempt to write gold is refused, and everything —
 * provenance, rejection, the export and the agreement with gold — survives a server restart.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptVersion, openDisagreements, preMerge, rejectRegion } from '../../../shared/adjudication/index.ts';
import { layerDocName } from '../../../shared/domain/doc-names.ts';
import { readRejections, recordRejection } from '../../../shared/model/decisions.ts';
import { LayerDoc, type Annotation, type LayerContext, type Taxonomy, type Tier } from '../../../shared/model/index.ts';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { layers } from '../../../server/storage/schema.ts';
import { createTask } from '../../../server/tasks/tasks.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { DocClient } from '../../helpers/doc-client.ts';
import { backends, startServer, type TestServer } from '../../helpers/server.ts';

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
    id: 'words',
    name: 'Words',
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
const ctx = (author: string): LayerContext => ({ tiers, taxonomy, mediaDuration: null, now: () => Date.now(), author });

for (const backend of backends()) {
  describe(`adjudication into gold (${backend.name})`, () => {
    let env: Record<string, string>;
    let cleanup: () => Promise<void>;
    let server: TestServer;
    let manager: TestUser, reviewer: TestUser, ann1: TestUser, ann2: TestUser;
    let taskId: string;
    const layerOf: Record<string, string> = {};

    beforeAll(async () => {
      ({ env, cleanup } = await backend.create());
      server = await startServer({ ...env, AGREEMENT_DEBOUNCE_MS: '20' });
      const db = server.app.database.db;
      [manager, reviewer, ann1, ann2] = await Promise.all(
        ['j-manager', 'j-reviewer', 'j-ann1', 'j-ann2'].map((n) => makeUser(server, n)),
      );
      const project = await createProject(
        db,
        { name: 'adjudication', taxonomy, tiers, settings: { visibility: 'open' } },
        manager.id,
      );
      await setMember(db, project.id, reviewer.id, 'reviewer', [], manager.id);
      await setMember(db, project.id, ann1.id, 'annotator', [], manager.id);
      await setMember(db, project.id, ann2.id, 'annotator', [], manager.id);
      const task = await createTask(
        db,
        project.id,
        { name: 't', media: [], annotators: [ann1.id, ann2.id], reviewers: [reviewer.id] },
        manager.id,
      );
      taskId = task.id;
      for (const l of await db.select().from(layers).where(eq(layers.taskId, taskId)))
        layerOf[l.userId ?? 'gold'] = l.id;
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await cleanup?.();
    });

    async function writeAs(user: TestUser, layerId: string, edit: (layer: LayerDoc) => void): Promise<DocClient> {
      const client = new DocClient(server.syncUrl, layerDocName(layerId), user.headers);
      expect(await client.outcome()).toBe('synced');
      await client.write((d) => edit(new LayerDoc(d)));
      return client;
    }

    async function annotations(user: TestUser, layerId: string): Promise<Annotation[]> {
      const res = await api(server, 'GET', `/api/layers/${layerId}/annotations`, { as: user });
      expect(res.status).toBe(200);
      return res.body.annotations;
    }

    it('writes gold with provenance and a rejection; annotators may not write gold', async () => {
      // [0,2] agreed, [3,5] label disagreement, [7,8] only ann1.
      const segs: Record<string, Array<[number, number, string]>> = {
        [ann1.id]: [
          [0, 2, 'speech'],
          [3, 5, 'speech'],
          [7, 8, 'noise'],
        ],
        [ann2.id]: [
          [0.1, 2, 'speech'],
          [3, 5, 'noise'],
        ],
      };
      for (const user of [ann1, ann2]) {
        const client = await writeAs(user, layerOf[user.id], (layer) => {
          for (const [start, end, label] of segs[user.id])
            layer.create({ kind: 'segment', tierId: 'words', start, end, label }, ctx(user.id));
        });
        expect(client.denied).toBe(0);
        await client.close();
      }

      // The reviewer reads the annotator layers over REST and adjudicates into gold over /sync.
      const inputs = await Promise.all(
        [ann1, ann2].map(async (u) => ({
          layerId: layerOf[u.id],
          userId: u.id,
          annotations: await annotations(reviewer, layerOf[u.id]),
        })),
      );
      const gold = new DocClient(server.syncUrl, layerDocName(layerOf.gold), reviewer.headers);
      expect(await gold.outcome()).toBe('synced');
      const goldLayer = new LayerDoc(gold.doc);
      const who = { adjudicator: reviewer.id, now: Date.now() };
      const merged = preMerge(tiers[0], inputs, { annotations: [], rejections: new Map() }, who);
      expect(merged.inputs).toHaveLength(1);
      expect(merged.open.map((d) => [d.kind, d.start])).toEqual([
        ['label', 3],
        ['missing', 7],
      ]);
      const [label, missing] = merged.open;
      await gold.write(() => {
        for (const i of merged.inputs) goldLayer.create(i, ctx(reviewer.id));
        goldLayer.create(acceptVersion(label, layerOf[ann2.id], who), ctx(reviewer.id));
        recordRejection(gold.doc, rejectRegion(missing, who));
      });
      expect(gold.denied).toBe(0);
      await gold.close();

      // An annotator (who may read gold in open mode) cannot write it: not annotations, not decisions.
      const intruder = new DocClient(server.syncUrl, layerDocName(layerOf.gold), ann1.headers);
      expect(await intruder.outcome()).toBe('synced');
      await intruder.write((d) => {
        new LayerDoc(d).create(
          {
            kind: 'segment',
            tierId: 'words',
            start: 10,
            end: 11,
            label: 'speech',
            provenance: label.members[0] && {
              decision: 'accepted',
              sources: [{ layerId: layerOf[ann1.id], annotationId: label.members[0].annotation.id, userId: ann1.id }],
              adjudicator: ann1.id,
              decidedAt: Date.now(),
              disagreement: label.key,
            },
          },
          ctx(ann1.id),
        );
        recordRejection(d, rejectRegion(label, { adjudicator: ann1.id, now: Date.now() }));
      });
      expect(intruder.denied).toBeGreaterThan(0);
      await intruder.close();
      const stored = await annotations(reviewer, layerOf.gold);
      expect(stored.map((a) => [a.label, a.provenance?.decision, a.author])).toEqual([
        ['speech', 'agreed', reviewer.id],
        ['noise', 'accepted', reviewer.id],
      ]);
    });

    it('keeps provenance, rejections, the export and agreement with gold across a restart', async () => {
      await server.close();
      server = await startServer({ ...env, AGREEMENT_DEBOUNCE_MS: '20' });
      const gold = await annotations(reviewer, layerOf.gold);
      expect(gold).toHaveLength(2);
      expect(gold[0].provenance).toMatchObject({
        decision: 'agreed',
        adjudicator: reviewer.id,
        disagreement: null,
        sources: [
          { layerId: layerOf[ann1.id], userId: ann1.id },
          { layerId: layerOf[ann2.id], userId: ann2.id },
        ].sort((a, b) => (a.layerId < b.layerId ? -1 : 1)),
      });
      expect(gold[1].provenance).toMatchObject({
        decision: 'accepted',
        sources: [{ layerId: layerOf[ann2.id], userId: ann2.id }],
      });

      // The rejection persisted too: nothing is open any more.
      const client = new DocClient(server.syncUrl, layerDocName(layerOf.gold), reviewer.headers);
      expect(await client.outcome()).toBe('synced');
      const rejections = readRejections(client.doc);
      expect([...rejections.values()].map((r) => [r.tierId, r.start, r.end, r.adjudicator])).toEqual([
        ['words', 7, 8, reviewer.id],
      ]);
      const inputs = await Promise.all(
        [ann1, ann2].map(async (u) => ({
          layerId: layerOf[u.id],
          userId: u.id,
          annotations: await annotations(reviewer, layerOf[u.id]),
        })),
      );
      expect(openDisagreements(tiers, inputs, { annotations: new LayerDoc(client.doc).list(), rejections })).toEqual(
        [],
      );
      await client.close();

      // The export carries the provenance and the rejections.
      const exported = await api(server, 'GET', `/api/tasks/${taskId}/export`, { as: reviewer });
      expect(exported.status).toBe(200);
      expect(exported.body.gold.annotations.map((a: Annotation) => a.provenance?.decision)).toEqual([
        'agreed',
        'accepted',
      ]);
      expect(exported.body.gold.decisions).toHaveLength(1);
      expect(exported.body.gold.decisions[0]).toMatchObject({ decision: 'rejected', tierId: 'words' });

      // Agreement now includes gold, so the QA console shows each annotator against it.
      const report = await api(server, 'GET', `/api/tasks/${taskId}/agreement`, { as: reviewer });
      expect(report.status).toBe(200);
      const words = report.body.tiers.find((t: { tierId: string }) => t.tierId === 'words');
      expect(words.gold).toBe('gold');
      expect(words.vsGold.map((p: { b: string }) => p.b).sort()).toEqual([ann1.id, ann2.id].sort());
      for (const a of words.annotators) expect(a.vsGold).not.toBeNull();
    });
  });
}
