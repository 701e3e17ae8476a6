/**
 * The adjudication layout of the timeline: the lanes of one tier only, every annotator's lane
 * stacked above the gold lane, so the versions of each region sit right above the gold result.
 */
import type { LaneSpec } from '../timeline/model.ts';
import type { LayerView } from '../workspace/lanes.ts';

export function stackForAdjudication(
  lanes: readonly LaneSpec[],
  views: readonly LayerView[],
  tierId: string,
): LaneSpec[] {
  const kind = new Map(views.map((v) => [v.id, v.kind]));
  const ofTier = lanes.filter((l) => l.tierId === tierId);
  return [
    ...ofTier.filter((l) => kind.get(l.layerId) !== 'gold'),
    ...ofTier.filter((l) => kind.get(l.layerId) === 'gold'),
  ];
}
