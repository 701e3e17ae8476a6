/** Builders for the QA console tests: a real task report (shared/agreement) and drift points. */
import type { DriftPoint } from '../../../../shared/agreement/project.ts';
import { taskReport } from '../../../../shared/agreement/report.ts';
import type { TaskReport } from '../../../../shared/agreement/report-types.ts';
import type { SegmentAnnotation } from '../../../../shared/model/annotation.ts';
import type { Taxonomy } from '../../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../../shared/model/tier.ts';

export const TIER: Tier = {
  id: 'turns',
  name: 'Turns',
  modality: 'audio',
  kind: 'segment',
  allowedClassIds: ['speech', 'noise'],
  attributeIds: [],
  parentTierId: null,
  relation: null,
  guidelines: '',
  editRoles: ['annotator'],
  editSkills: [],
};

export const TAXONOMY: Taxonomy = {
  classes: ['speech', 'noise'].map((id) => ({
    id,
    name: id === 'speech' ? 'Speech' : 'Noise',
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

let n = 0;
export function seg(start: number, end: number, label: string): SegmentAnnotation {
  return {
    id: `s${++n}`,
    kind: 'segment',
    tierId: 'turns',
    start,
    end,
    text: '',
    label,
    attributes: {},
    entityId: null,
    relations: [],
    source: 'human',
    confidence: null,
    author: 'x',
    createdAt: 0,
    updatedAt: 0,
    provenance: null,
  };
}

/**
 * A report of three annotators on one segment tier: `ann1` and `ann2` agree on two of three
 * turns, `ann3` annotated nothing (so its pairs are null with a reason).
 */
export function threeAnnotatorReport(computedAt = 1_000): TaskReport {
  const a = [seg(1, 3, 'speech'), seg(4, 6, 'speech'), seg(7, 9, 'noise')];
  const b = [seg(1, 3, 'speech'), seg(4, 6, 'noise'), seg(7, 9, 'noise')];
  return taskReport({
    taskId: 'task-1',
    projectId: 'p',
    tiers: [TIER],
    taxonomy: TAXONOMY,
    mediaDuration: 10,
    computedAt,
    layers: [
      { layerId: 'l1', userId: 'ann1', kind: 'annotator', annotations: a },
      { layerId: 'l2', userId: 'ann2', kind: 'annotator', annotations: b },
      { layerId: 'l3', userId: 'ann3', kind: 'annotator', annotations: [] },
    ],
  });
}

export function point(
  t: number,
  taskId: string | null,
  metric: DriftPoint['metric'],
  value: number,
  extra: Partial<DriftPoint> = {},
): DriftPoint {
  return { t, taskId, tierId: null, userId: null, metric, value, ...extra };
}
