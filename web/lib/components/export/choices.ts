/** What the export dialogs offer: the gold layer, each readable layer, or everything. */
import { exports } from '../../api/index.ts';
import type { Task } from '../../api/types.ts';

export interface ExportChoice {
  id: string;
  label: string;
  hint?: string;
  url: string;
}

/** A task's choices: gold first (the adjudicated record), then each layer the user may read, then all. */
export function taskExportChoices(task: Task, ownerName: (userId: string | null) => string): ExportChoice[] {
  const gold = task.layers.find((l) => l.kind === 'gold');
  const annotators = task.layers.filter((l) => l.kind === 'annotator');
  return [
    ...(gold
      ? [
          {
            id: 'gold',
            label: 'Gold layer',
            hint: 'The adjudicated annotations only',
            url: exports.taskUrl(task.id, { include: 'gold' }),
          },
        ]
      : []),
    ...annotators.map((l) => ({
      id: `layer-${l.id}`,
      label: `Layer of ${ownerName(l.userId)}`,
      url: exports.taskUrl(task.id, { layer: l.id }),
    })),
    ...(annotators.length > 1
      ? [{ id: 'layers', label: 'All annotator layers', url: exports.taskUrl(task.id, { include: 'layers' }) }]
      : []),
    {
      id: 'all',
      label: 'Everything',
      hint: 'Gold and every layer you may read',
      url: exports.taskUrl(task.id, { include: 'all' }),
    },
  ];
}

export function projectExportChoices(projectId: string): ExportChoice[] {
  return [
    {
      id: 'gold',
      label: 'Gold of every task',
      hint: 'The adjudicated annotations',
      url: exports.projectUrl(projectId, 'gold'),
    },
    {
      id: 'all',
      label: 'Everything',
      hint: 'Gold and every annotator layer of every task',
      url: exports.projectUrl(projectId, 'all'),
    },
  ];
}
