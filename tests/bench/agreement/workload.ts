/**
 * Deterministic agreement workload (seeded PRNG): one hour of media, N annotators who each mark
 * about `segments` segments on a segment tier (a perturbed copy of a hidden "truth": jittered
 * boundaries, some relabelled, dropped or split) and entity spans on a `words`-word transcript
 * (a text media file), plus a gold layer copied from the truth.
 */
import type { Annotation, SegmentAnnotation, SpanAnnotation } from '../../../shared/model/annotation.ts';
import type { Taxonomy } from '../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../shared/model/tier.ts';
import { Prng } from '../../helpers/prng.ts';

export const SEGMENT_LABELS = ['speech', 'music', 'noise', 'laughter', 'applause'];
export const SPAN_LABELS = ['per', 'org', 'loc', 'misc'];

export interface Workload {
  durationSeconds: number;
  tiers: Tier[];
  taxonomy: Taxonomy;
  transcriptMediaId: string;
  transcript: string;
  /** userId → annotations (segments and spans). */
  annotators: Map<string, Annotation[]>;
  gold: Annotation[];
}

const tier = (id: string, kind: 'segment' | 'span', labels: string[], attributeIds: string[] = []): Tier => ({
  id,
  name: id,
  modality: kind === 'span' ? 'text' : 'audio',
  kind,
  allowedClassIds: labels,
  attributeIds,
  parentTierId: null,
  relation: null,
  guidelines: '',
  editRoles: ['annotator'],
  editSkills: [],
});

export function taxonomy(): Taxonomy {
  return {
    classes: [...SEGMENT_LABELS, ...SPAN_LABELS].map((id, i) => ({
      id,
      name: id,
      parentId: null,
      color: `#${(0x202020 + i * 0x111111).toString(16).slice(-6)}`,
      hotkey: null,
      description: '',
      guideline: '',
      examples: [],
      attributeIds: [],
    })),
    attributes: [{ id: 'speaker', name: 'speaker', type: 'enum', options: ['s1', 's2', 's3', 's4'], required: false }],
  };
}

const WORDS = 'the of and to in a is that for it as was with be by on not he this are or his from at which but'.split(
  ' ',
);

export function generate(
  options: { seed?: number; annotators?: number; segments?: number; words?: number; durationSeconds?: number } = {},
): Workload {
  const rng = new Prng(options.seed ?? 2024);
  const nAnnotators = options.annotators ?? 5;
  const nSegments = options.segments ?? 2000;
  const nWords = options.words ?? 10_000;
  const duration = options.durationSeconds ?? 3600;
  const tiers = [tier('sound', 'segment', SEGMENT_LABELS, ['speaker']), tier('entities', 'span', SPAN_LABELS)];

  // Truth segments: a tiling of the hour with gaps.
  const slot = duration / nSegments;
  const truthSegs: { start: number; end: number; label: string; speaker: string }[] = [];
  for (let i = 0; i < nSegments; i++) {
    const start = i * slot + rng.next() * slot * 0.15;
    const end = (i + 1) * slot - rng.next() * slot * 0.15;
    truthSegs.push({ start, end, label: rng.pick(SEGMENT_LABELS), speaker: rng.pick(['s1', 's2', 's3', 's4']) });
  }
  // Transcript and truth entity spans (one to three words, about one per 8 words).
  const words: { start: number; end: number }[] = [];
  let text = '';
  for (let w = 0; w < nWords; w++) {
    if (w > 0) text += rng.chance(0.1) ? '\n' : ' ';
    const word = rng.pick(WORDS) + (rng.chance(0.05) ? '.' : '');
    words.push({ start: text.length, end: text.length + word.length });
    text += word;
  }
  const truthSpans: { w0: number; w1: number; label: string }[] = [];
  for (let w = 0; w < nWords - 3; w += 4 + rng.int(8)) {
    truthSpans.push({ w0: w, w1: w + rng.int(3), label: rng.pick(SPAN_LABELS) });
  }

  let ids = 0;
  const common = (userId: string) => ({
    relations: [],
    entityId: null,
    source: 'human' as const,
    confidence: null,
    author: userId,
    createdAt: 0,
    updatedAt: 0,
    provenance: null,
  });
  const mediaId = 'transcript';
  const annotators = new Map<string, Annotation[]>();
  for (let a = 0; a < nAnnotators; a++) {
    const userId = `annotator-${a + 1}`;
    const out: Annotation[] = [];
    let prevEnd = 0;
    for (const s of truthSegs) {
      if (rng.chance(0.03)) continue; // missed
      const jitter = (): number => (rng.next() - 0.5) * 0.3;
      // An annotator's segments on one tier do not overlap (SPEC §0).
      const start = Math.max(prevEnd, s.start + jitter());
      const end = Math.min(duration, Math.max(start + 0.05, s.end + jitter()));
      prevEnd = end;
      const label = rng.chance(0.1) ? rng.pick(SEGMENT_LABELS) : s.label;
      const speaker = rng.chance(0.1) ? rng.pick(['s1', 's2', 's3', 's4']) : s.speaker;
      const seg = (x: number, y: number): SegmentAnnotation => ({
        ...common(userId),
        id: `a${a}-${ids++}`,
        tierId: 'sound',
        kind: 'segment',
        start: x,
        end: y,
        text: '',
        label,
        attributes: { speaker },
      });
      if (rng.chance(0.03)) {
        const mid = (start + end) / 2;
        out.push(seg(start, mid), seg(mid, end)); // split
      } else out.push(seg(start, end));
    }
    for (const s of truthSpans) {
      if (rng.chance(0.05)) continue;
      let w0 = s.w0;
      let w1 = s.w1;
      if (rng.chance(0.05)) w1 = Math.min(nWords - 1, w1 + 1);
      if (rng.chance(0.05) && w0 < w1) w0++;
      const span: SpanAnnotation = {
        ...common(userId),
        id: `a${a}-${ids++}`,
        tierId: 'entities',
        kind: 'span',
        startOffset: words[w0].start,
        endOffset: words[w1].end,
        textAnnotationId: null,
        mediaId,
        label: rng.chance(0.05) ? rng.pick(SPAN_LABELS) : s.label,
        attributes: {},
      };
      out.push(span);
    }
    annotators.set(userId, out);
  }
  const gold: Annotation[] = [
    ...truthSegs.map((s): SegmentAnnotation => ({
      ...common('gold'),
      id: `g-${ids++}`,
      tierId: 'sound',
      kind: 'segment',
      start: s.start,
      end: s.end,
      text: '',
      label: s.label,
      attributes: { speaker: s.speaker },
    })),
    ...truthSpans.map((s): SpanAnnotation => ({
      ...common('gold'),
      id: `g-${ids++}`,
      tierId: 'entities',
      kind: 'span',
      startOffset: words[s.w0].start,
      endOffset: words[s.w1].end,
      textAnnotationId: null,
      mediaId,
      label: s.label,
      attributes: {},
    })),
  ];
  return {
    durationSeconds: duration,
    tiers,
    taxonomy: taxonomy(),
    transcriptMediaId: mediaId,
    transcript: text,
    annotators,
    gold,
  };
}
