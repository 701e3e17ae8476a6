/** Lanes of the workspace: box tiers get a lane of kind 'box' (their time ranges); spans none. */
import { describe, expect, it } from 'vitest';
import { DEMO_TIERS } from '../../../../server/demo/seed.ts';
import { buildLanes, layerViews, timelineTiers } from '../../../../web/lib/workspace/lanes.ts';

describe('lanes', () => {
  it('draws segment, event and box tiers, not span tiers', () => {
    expect(timelineTiers(DEMO_TIERS).map((t) => `${t.id}:${t.kind}`)).toEqual([
      'turns:segment',
      'transcript:segment',
      'visual:event',
      'regions:box',
    ]);
  });

  it('gives a box lane its kind and the layer’s edit rights', () => {
    const views = layerViews(
      [
        { id: 'L1', kind: 'annotator', userId: 'me', docName: 'layer:L1', access: 'write' },
        { id: 'L2', kind: 'annotator', userId: 'other', docName: 'layer:L2', access: 'read' },
      ] as never,
      [],
      DEMO_TIERS,
      { userId: 'me', role: 'annotator', skills: [] },
    );
    const lanes = buildLanes(views, DEMO_TIERS, new Set());
    const boxes = lanes.filter((l) => l.tierId === 'regions');
    expect(boxes.map((l) => [l.layerId, l.kind, l.editable])).toEqual([
      ['L1', 'box', true],
      ['L2', 'box', false],
    ]);
  });
});
