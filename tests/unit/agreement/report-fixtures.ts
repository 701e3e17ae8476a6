/** Builders for report and live tests: tiers, taxonomy, annotations, layers. */
import type {
  Annotation,
  EventAnnotation,
  SegmentAnnotation,
  SpanAnnotation,
} from '../../../shared/model/annotation.ts';
import type { AttributeValue, Taxonomy } from '../../../shared/model/taxonomy.ts';
import type { AnnotationKind, Tier } from '../../../shared/model/tier.ts';
import type { ReportLayer, TaskReport, TaskReportInput } from '../../../shared/agreement/index.ts';

export function tier(id: string, kind: AnnotationKind, allowedClassIds: string[], attributeIds: string[] = []): Tier {
  return {
    id,
    name: id,
    modality: kind === 'span' ? 'text' : kind === 'box' ? 'video' : 'audio',
    kind,
    allowedClassIds,
    attributeIds,
    parentTierId: null,
    relation: null,
    guidelines: '',
    editRoles: ['annotator', 'manager', 'reviewer'],
    editSkills: [],
  };
}

export function taxonomy(classes: string[], extraUnused: string[] = []): Taxonomy {
  return {
    classes: [...classes, ...extraUnused].map((id, i) => ({
      id,
      name: id,
      parentId: null,
      color: `#${(0x100000 + i * 0x0a0b0c).toString(16).slice(-6)}`,
      hotkey: null,
      description: '',
      guideline: '',
      examples: [],
      attributeIds: [],
    })),
    attributes: [
      { id: 'speaker', name: 'speaker', type: 'enum', options: ['s1', 's2', 's3'], required: false },
      { id: 'loudness', name: 'loudness', type: 'number', min: 0, max: 10, required: false },
      { id: 'note', name: 'note', type: 'text', required: false },
    ],
  };
}

let ids = 0;
const common = (tierId: string, label: string | null, attributes: Record<string, AttributeValue> = {}) => ({
  id: `a${++ids}`,
  tierId,
  label,
  attributes,
  entityId: null,
  relations: [],
  source: 'human' as const,
  confidence: null,
  author: 'x',
  createdAt: 0,
  updatedAt: 0,
  provenance: null,
});

export function seg(
  tierId: string,
  start: number,
  end: number,
  label: string | null,
  attributes: Record<string, AttributeValue> = {},
  text = '',
): SegmentAnnotation {
  return { ...common(tierId, label, attributes), kind: 'segment', start, end, text };
}

export function ev(tierId: string, start: number, label: string | null): EventAnnotation {
  return { ...common(tierId, label), kind: 'event', start };
}

export function span(
  tierId: string,
  startOffset: number,
  endOffset: number,
  label: string | null,
  where: { mediaId: string } | { textAnnotationId: string },
): SpanAnnotation {
  return {
    ...common(tierId, label),
    kind: 'span',
    startOffset,
    endOffset,
    textAnnotationId: 'textAnnotationId' in where ? where.textAnnotationId : null,
    mediaId: 'mediaId' in where ? where.mediaId : null,
  };
}

export function layer(
  userId: string,
  annotations: Annotation[],
  kind: 'annotator' | 'gold' = 'annotator',
): ReportLayer {
  return { layerId: `layer-${userId}`, userId, kind, annotations };
}

export function input(partial: Partial<TaskReportInput> & Pick<TaskReportInput, 'tiers' | 'layers'>): TaskReportInput {
  return { taxonomy: taxonomy(['x', 'y', 'z']), computedAt: 1, ...partial };
}

/** A report without its timestamp, for deep comparisons. */
export function timeless(r: TaskReport): Omit<TaskReport, 'computedAt'> {
  const { computedAt: _t, ...rest } = r;
  return rest;
}
