/** Shared project fixtures for the model tests: a small taxonomy, one tier per kind, a context. */
import * as Y from 'yjs';
import type { Annotation, SegmentAnnotation } from '../../../shared/model/annotation.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';
import type { Taxonomy } from '../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../shared/model/tier.ts';

export function taxonomy(): Taxonomy {
  return {
    attributes: [
      { id: 'speaker', name: 'Speaker', type: 'text', required: false },
      { id: 'sentiment', name: 'Sentiment', type: 'enum', options: ['pos', 'neg', 'neu'], required: false },
      { id: 'noise', name: 'Noise level', type: 'number', min: 0, max: 10, required: false },
      { id: 'disfluent', name: 'Disfluency', type: 'boolean', required: false },
      { id: 'quality', name: 'Quality', type: 'enum', options: ['good', 'bad'], required: true },
    ],
    classes: [
      cls('vocal', null, null, ['noise']),
      cls('speech', 'vocal', 's', ['sentiment']),
      cls('laugh', 'vocal', 'l', []),
      cls('object', null, 'o', []),
      cls('car', 'object', 'c', []),
    ],
  };
}

export function cls(id: string, parentId: string | null, hotkey: string | null, attributeIds: string[]) {
  return {
    id,
    name: id[0]!.toUpperCase() + id.slice(1),
    parentId,
    color: '#336699',
    hotkey,
    description: '',
    guideline: '',
    examples: [{ text: 'edge case', verdict: 'include' as const }],
    attributeIds,
  };
}

export function tier(id: string, kind: Tier['kind'], modality: Tier['modality'], extra: Partial<Tier> = {}): Tier {
  return {
    id,
    name: id,
    modality,
    kind,
    allowedClassIds: [],
    attributeIds: [],
    parentTierId: null,
    relation: null,
    guidelines: '',
    editRoles: ['annotator', 'manager'],
    editSkills: [],
    ...extra,
  };
}

export function tiers(): Tier[] {
  return [
    tier('speech', 'segment', 'audio', { allowedClassIds: ['vocal'], attributeIds: ['speaker', 'disfluent'] }),
    tier('events', 'event', 'any', { allowedClassIds: ['laugh'] }),
    tier('spans', 'span', 'text', { allowedClassIds: ['vocal'] }),
    tier('boxes', 'box', 'video', { allowedClassIds: ['object'] }),
    tier('qa', 'segment', 'audio', { attributeIds: ['quality'] }),
  ];
}

/** A context with a deterministic clock (1000, 1001, ...) and media of 100 s. */
export function context(extra: Partial<LayerContext> = {}): LayerContext {
  let t = 1000;
  return { tiers: tiers(), taxonomy: taxonomy(), mediaDuration: 100, now: () => t++, author: 'ann1', ...extra };
}

/** Applies every update of `a` to `b` and back (a full sync round). */
export function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
}

/** Narrows a snapshot to a segment (fails the test when it is anything else). */
export function asSegment(a: Annotation | null): SegmentAnnotation {
  if (a?.kind !== 'segment') throw new Error(`expected a segment, got ${JSON.stringify(a)}`);
  return a;
}
