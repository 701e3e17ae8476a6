import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { layerDocName, taskDocName } from '../../shared/domain/doc-names.ts';
import { LayerDoc, TaskDoc, type LayerContext, type Taxonomy, type Tier } from '../../shared/model/index.ts';
import { createUser, findUserByUsername } from '../accounts/accounts.ts';
import { generatePassword } from '../accounts/secrets.ts';
import type { MediaInfo } from '../media/probe.ts';
import { MediaService } from '../media/service.ts';
import { MediaStore } from '../media/store.ts';
import { createProject, setMember } from '../projects/projects.ts';
import type { Database } from '../storage/database.ts';
import { PgDocumentStore } from '../storage/document-store.ts';
import { layers } from '../storage/schema.ts';
import { applyTransition, createTask } from '../tasks/tasks.ts';

/** The demo media: a 40 s clip made here with ffmpeg test sources and espeak-ng voices. */
export const DEMO_MEDIA = fileURLToPath(new URL('../../tests/fixtures/media/demo/', import.meta.url));

interface Line {
  start: number;
  end: number;
  speaker: 'Ada' | 'Ben';
  text: string;
}

const cls = (
  id: string,
  name: string,
  color: string,
  hotkey: string | null,
  extra: Partial<Taxonomy['classes'][number]> = {},
) => ({
  id,
  name,
  parentId: null,
  color,
  hotkey,
  description: '',
  guideline: '',
  examples: [],
  attributeIds: [],
  ...extra,
});

export const DEMO_TAXONOMY: Taxonomy = {
  classes: [
    cls('vocal', 'Vocal sound', '#4e79a7', 'v', { description: 'Any sound made by a voice.' }),
    cls('speech', 'Speech', '#2f6fd6', 's', {
      parentId: 'vocal',
      attributeIds: ['sentiment', 'disfluency'],
      guideline: 'One segment per speaker turn. Start at the first audible phoneme, end at the last.',
      examples: [
        { text: 'A breath before the first word is not part of the turn.', verdict: 'exclude' },
        { text: 'A short pause (< 0.3 s) inside a sentence stays in the turn.', verdict: 'include' },
      ],
    }),
    cls('laughter', 'Laughter', '#f28e2b', 'l', { parentId: 'vocal' }),
    cls('visual', 'Visual event', '#59a14f', null),
    cls('scene_cut', 'Scene cut', '#76b041', 'c', { parentId: 'visual' }),
    cls('timecode', 'Timecode visible', '#8cd17d', 't', { parentId: 'visual' }),
    cls('on_screen', 'On-screen element', '#edc948', null, { description: 'Something drawn over the picture.' }),
    cls('color_bars', 'Colour bars', '#e15759', 'b', { parentId: 'on_screen' }),
    cls('caption', 'Caption', '#76b7b2', 'o', { parentId: 'on_screen' }),
    cls('entity', 'Named entity', '#b07aa1', null),
    cls('product', 'Product', '#d37295', 'p', { parentId: 'entity' }),
    cls('measure', 'Measure', '#ff9da7', 'm', { parentId: 'entity' }),
  ],
  attributes: [
    { id: 'speaker', name: 'Speaker', type: 'enum', options: ['Ada', 'Ben'], required: true },
    { id: 'sentiment', name: 'Sentiment', type: 'enum', options: ['negative', 'neutral', 'positive'], required: false },
    { id: 'disfluency', name: 'Disfluency', type: 'boolean', required: false },
    { id: 'noise', name: 'Noise level', type: 'number', min: 0, max: 10, required: false },
    { id: 'intent', name: 'Intent', type: 'text', required: false },
  ],
};

const tier = (t: Partial<Tier> & Pick<Tier, 'id' | 'name' | 'modality' | 'kind'>): Tier => ({
  allowedClassIds: [],
  attributeIds: [],
  parentTierId: null,
  relation: null,
  guidelines: '',
  editRoles: ['annotator', 'reviewer', 'manager'],
  editSkills: [],
  ...t,
});

export const DEMO_TIERS: Tier[] = [
  tier({
    id: 'turns',
    name: 'Speaker turns',
    modality: 'audio',
    kind: 'segment',
    allowedClassIds: ['vocal'],
    attributeIds: ['speaker', 'noise'],
    guidelines: 'Mark every speaker turn; set the speaker.',
  }),
  tier({
    id: 'transcript',
    name: 'Transcript',
    modality: 'audio',
    kind: 'segment',
    parentTierId: 'turns',
    relation: 'included_in',
    guidelines: 'Verbatim, with punctuation. Only linguists edit this tier.',
    editSkills: ['linguist'],
  }),
  tier({
    id: 'visual',
    name: 'Visual events',
    modality: 'video',
    kind: 'event',
    allowedClassIds: ['visual'],
    guidelines: 'A point on the first frame where the event is visible.',
  }),
  tier({
    id: 'regions',
    name: 'On-screen regions',
    modality: 'video',
    kind: 'box',
    allowedClassIds: ['on_screen', 'timecode'],
    guidelines: 'Draw a box around each element for as long as it is visible; tight to its edges.',
  }),
  tier({
    id: 'entities',
    name: 'Entities',
    modality: 'text',
    kind: 'span',
    allowedClassIds: ['entity'],
    attributeIds: ['intent'],
  }),
];

/** What each demo annotator did: Ben differs from Ada in boundaries, one label, one miss. */
function annotatorVersion(lines: Line[], who: 'ada' | 'ben'): Array<Line & { sentiment: string; skip?: boolean }> {
  return lines.map((l, i) => {
    if (who === 'ada') return { ...l, sentiment: i === 6 ? 'positive' : 'neutral' };
    const shift = [0.12, -0.2, 0.05, 0.3, -0.08, 0.0, 0.45, -0.1, 0.2][i] ?? 0;
    return {
      ...l,
      start: Math.max(0, l.start + shift),
      end: l.end + shift / 2,
      // Ben hears the last-but-one line as Ada (a speaker disagreement) and misses line 5.
      speaker: i === 7 ? 'Ada' : l.speaker,
      text: i === 5 ? 'Thirty thousand over one thousand and one per second' : l.text,
      sentiment: i === 6 ? 'neutral' : 'neutral',
      skip: i === 4,
    };
  });
}

export interface DemoResult {
  projectId: string;
  projectName: string;
  /** Lines to print: who can sign in with what. */
  credentials: string[];
}

/**
 * Creates the demo project: users ada and ben (annotators, ada is a linguist), the media (video,
 * a separate speech track, a WebVTT transcript), a taxonomy for every modality, five tiers (one of boxes on the video), and
 * two tasks; the first has both annotators' layers filled so agreement and disagreement show at
 * once. `ownerId` becomes the manager (else a `demo-manager` account is made).
 */
export async function seedDemo(
  db: Database,
  options: { dataDir: string; ownerId: string | null },
): Promise<DemoResult> {
  const credentials: string[] = [];
  async function account(username: string, displayName: string) {
    const existing = await findUserByUsername(db, username);
    if (existing) return existing.id;
    const password = generatePassword();
    const user = await createUser(db, { username, displayName, password }, null);
    credentials.push(`  ${username} / ${password}`);
    return user.id;
  }
  const managerId = options.ownerId ?? (await account('demo-manager', 'Demo Manager'));
  const ada = await account('ada', 'Ada (annotator, linguist)');
  const ben = await account('ben', 'Ben (annotator)');

  const project = await createProject(
    db,
    {
      name: 'Demo: a 40-second tour',
      description:
        'Two annotators marked the same clip. Open the task to see their layers side by side, ' +
        'where they agree, and where they do not.',
      taxonomy: DEMO_TAXONOMY,
      tiers: DEMO_TIERS,
      settings: { visibility: 'open' },
    },
    managerId,
  );
  await setMember(db, project.id, ada, 'annotator', ['linguist'], managerId);
  await setMember(db, project.id, ben, 'annotator', [], managerId);

  const media = new MediaService(db, new MediaStore(options.dataDir));
  // The video's probe, recorded (tests/unit/media/demo-probe.test.ts keeps it true): the demo
  // starts on a machine without ffmpeg too.
  const recorded = JSON.parse(await readFile(`${DEMO_MEDIA}demo.mp4.probe.json`, 'utf8')) as {
    sha256: string;
    info: MediaInfo;
  };
  const upload = (filename: string) =>
    media.upload({
      projectId: project.id,
      actorId: managerId,
      filename,
      source: createReadStream(`${DEMO_MEDIA}${filename}`),
      maxBytes: 64 * 1024 * 1024,
      ...(filename === 'demo.mp4' ? { recorded } : {}),
    });
  const video = await upload('demo.mp4');
  const speech = await upload('speech.wav');
  const vtt = await upload('demo.vtt');

  const tour = await createTask(
    db,
    project.id,
    {
      name: 'Tour clip (both annotators done)',
      media: [{ mediaId: video.id }, { mediaId: vtt.id }],
      annotators: [ada, ben],
      reviewers: [managerId],
    },
    managerId,
  );
  await createTask(
    db,
    project.id,
    {
      // A newcomer's task: the video, the separate speech track and the WebVTT transcript on one
      // timeline, nothing marked yet.
      name: 'Your turn: video, speech and transcript (to do)',
      media: [{ mediaId: video.id }, { mediaId: speech.id }, { mediaId: vtt.id }],
      annotators: [ada, ben],
      reviewers: [managerId],
    },
    managerId,
  );

  const lines = (JSON.parse(await readFile(`${DEMO_MEDIA}demo.json`, 'utf8')) as { segments: Line[] }).segments;
  const store = new PgDocumentStore(db);
  const taskDoc = new Y.Doc();
  const entities = new TaskDoc(taskDoc);
  const speakers = {
    Ada: entities.createEntity({ name: 'Ada', kind: 'speaker', color: '#2f6fd6' }).id,
    Ben: entities.createEntity({ name: 'Ben', kind: 'speaker', color: '#e15759' }).id,
  };
  const bars = entities.createEntity({ name: 'Colour bars', kind: 'object', color: '#e15759' }).id;
  const rows = await db.select().from(layers).where(eq(layers.taskId, tour.id));
  for (const [userId, who] of [
    [ada, 'ada'],
    [ben, 'ben'],
  ] as const) {
    const doc = new Y.Doc();
    const layer = new LayerDoc(doc);
    const ctx: LayerContext = {
      tiers: DEMO_TIERS,
      taxonomy: DEMO_TAXONOMY,
      mediaDuration: video.info.durationSec,
      now: () => Date.now(),
      author: userId,
    };
    const transcriptIds: string[] = [];
    for (const l of annotatorVersion(lines, who)) {
      if (l.skip) continue;
      layer.create(
        {
          kind: 'segment',
          tierId: 'turns',
          start: l.start,
          end: l.end,
          label: 'speech',
          attributes: { speaker: l.speaker, sentiment: l.sentiment },
          entityId: speakers[l.speaker],
        },
        ctx,
      );
      if (who === 'ada') {
        const t = layer.create(
          { kind: 'segment', tierId: 'transcript', start: l.start, end: l.end, text: l.text },
          ctx,
        );
        transcriptIds.push(t.id);
      }
    }
    // Boxes on the video, the whole clip long; Ben's are a little off and he misses the caption.
    const clip = video.info.durationSec ?? 40;
    const box = (label: string, b: { x: number; y: number; w: number; h: number }, entityId: string | null = null) =>
      layer.create({ kind: 'box', tierId: 'regions', start: 0, end: clip, box: b, label, entityId }, ctx).id;
    const barsBox = box('color_bars', { x: 0, y: 0, w: 1, h: who === 'ada' ? 0.667 : 0.65 }, bars);
    const timecodeBox = box('timecode', { x: 0.02, y: 0.03, w: who === 'ada' ? 0.36 : 0.38, h: 0.14 });
    if (who === 'ada') {
      box('caption', { x: 0.02, y: 0.85, w: 0.3, h: 0.12 });
      // "The colour bars start right at the beginning." / "And the timecode in the corner…":
      // transcript phrases that refer to regions of the picture.
      const refersTo = (line: number, targetId: string) => {
        const id = transcriptIds[line];
        if (id !== undefined) layer.addRelation(id, { type: 'refers_to', targetId }, ctx);
      };
      refersTo(3, barsBox);
      refersTo(4, timecodeBox);
    }
    layer.create({ kind: 'event', tierId: 'visual', start: who === 'ada' ? 0 : 0.033, label: 'timecode' }, ctx);
    const row = rows.find((r) => r.userId === userId)!;
    await store.append([
      { docName: layerDocName(row.id), update: Y.encodeStateAsUpdate(doc), userId, connectionId: null },
    ]);
  }
  await store.append([
    { docName: taskDocName(tour.id), update: Y.encodeStateAsUpdate(taskDoc), userId: managerId, connectionId: null },
  ]);
  // Both annotators are done with the tour: it waits for review.
  const subject = (userId: string) => ({ userId, isAdmin: false, member: { role: 'annotator' as const, skills: [] } });
  await applyTransition(db, tour.id, 'start', undefined, subject(ada));
  await applyTransition(db, tour.id, 'submit', undefined, subject(ada));
  await applyTransition(db, tour.id, 'submit', undefined, subject(ben));
  return { projectId: project.id, projectName: project.name, credentials };
}
