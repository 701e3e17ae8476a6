import type { TaskReport } from '../../shared/agreement/index.ts';
import { redactReport } from '../../shared/agreement/redact.ts';
import type { Access, ProjectRow, TaskRow } from '../access/access.ts';
import { oversees, type Subject } from '../access/policy.ts';
import { GOLD_USER } from './service.ts';

/** What a viewer may see of a task's agreement: everything, some annotators, or nothing. */
export type AgreementView = { kind: 'all' } | { kind: 'some'; userIds: string[]; gold: boolean } | { kind: 'none' };

/**
 * Agreement figures are about layers, so a viewer sees the figures of exactly the layers they may
 * read (policy.ts): managers and reviewers all; annotators per the visibility mode. Someone who
 * can read at most one annotator layer sees nothing at all — in blind mode an annotator must not
 * learn anything about the others' work, not even an aggregate.
 */
export async function agreementView(
  access: Access,
  subject: Subject,
  task: TaskRow,
  project: ProjectRow,
): Promise<AgreementView> {
  if (oversees(subject)) return { kind: 'all' };
  const readable = await access.readableLayers(subject, task, project);
  const annotators = readable.filter((l) => l.kind === 'annotator' && l.userId !== null).map((l) => l.userId!);
  if (annotators.length < 2) return { kind: 'none' };
  return { kind: 'some', userIds: annotators, gold: readable.some((l) => l.kind === 'gold') };
}

export function viewReport(report: TaskReport, view: AgreementView): TaskReport | null {
  switch (view.kind) {
    case 'all':
      return report;
    case 'none':
      return null;
    case 'some': {
      const everyone = report.annotators.every((u) => view.userIds.includes(u));
      const visible = view.gold ? [...view.userIds, GOLD_USER] : view.userIds;
      return redactReport(report, visible, { keepAggregates: everyone, includeGold: view.gold });
    }
  }
}
