/** Tier validation (every issue code, parent cycles) and the edit-role helper. */
import { describe, expect, it } from 'vitest';
import { canEditTier, validateTiers } from '../../../shared/model/tier.ts';
import type { Tier } from '../../../shared/model/tier.ts';
import { taxonomy, tier, tiers } from './fixtures.ts';

const codes = (ts: Tier[]) => validateTiers(ts, taxonomy()).map((i) => `${i.code}@${i.path}`);

describe('validateTiers', () => {
  it('accepts the fixture tiers and a valid ELAN hierarchy', () => {
    const ts = tiers();
    ts.push(
      tier('words', 'segment', 'audio', { parentTierId: 'speech', relation: 'time_subdivision' }),
      tier('pos', 'segment', 'audio', { parentTierId: 'words', relation: 'symbolic_association' }),
      tier('inner', 'event', 'audio', { parentTierId: 'speech', relation: 'included_in' }),
    );
    expect(codes(ts)).toEqual([]);
  });

  it('detects parent cycles, including a tier that is its own parent', () => {
    const ts = [
      tier('a', 'segment', 'audio', { parentTierId: 'b', relation: 'included_in' }),
      tier('b', 'segment', 'audio', { parentTierId: 'a', relation: 'included_in' }),
      tier('c', 'segment', 'audio', { parentTierId: 'c', relation: 'included_in' }),
      tier('d', 'segment', 'audio', { parentTierId: 'a', relation: 'included_in' }),
    ];
    expect(codes(ts)).toEqual([
      'cycle@tiers[0].parentTierId',
      'cycle@tiers[1].parentTierId',
      'cycle@tiers[2].parentTierId',
    ]);
  });

  it.each([
    ['invalid_id', (ts: Tier[]) => (ts[0]!.id = ''), 'tiers[0].id'],
    ['duplicate_id', (ts: Tier[]) => ts.push(tier('speech', 'segment', 'audio', { name: 'other' })), 'tiers[5].id'],
    ['empty_name', (ts: Tier[]) => (ts[0]!.name = ' '), 'tiers[0].name'],
    ['duplicate_name', (ts: Tier[]) => (ts[1]!.name = 'SPEECH'), 'tiers[1].name'],
    ['invalid_modality', (ts: Tier[]) => (ts[0]!.modality = 'smell' as 'any'), 'tiers[0].modality'],
    ['invalid_kind', (ts: Tier[]) => (ts[0]!.kind = 'polygon' as 'box'), 'tiers[0].kind'],
    ['kind_modality', (ts: Tier[]) => (ts[2]!.modality = 'audio'), 'tiers[2].kind'],
    ['kind_modality', (ts: Tier[]) => (ts[3]!.modality = 'text'), 'tiers[3].kind'],
    ['unknown_class', (ts: Tier[]) => ts[0]!.allowedClassIds.push('ghost'), 'tiers[0].allowedClassIds[1]'],
    ['unknown_attribute', (ts: Tier[]) => ts[0]!.attributeIds.push('ghost'), 'tiers[0].attributeIds[2]'],
    ['invalid_role', (ts: Tier[]) => ts[0]!.editRoles.push('admin' as 'manager'), 'tiers[0].editRoles[2]'],
    ['invalid_skill', (ts: Tier[]) => ts[0]!.editSkills.push('Not A Skill'), 'tiers[0].editSkills[0]'],
    [
      'orphan_parent',
      (ts: Tier[]) => Object.assign(ts[0]!, { parentTierId: 'ghost', relation: 'included_in' }),
      'tiers[0].parentTierId',
    ],
    ['relation_without_parent', (ts: Tier[]) => (ts[0]!.relation = 'included_in'), 'tiers[0].relation'],
    ['parent_without_relation', (ts: Tier[]) => (ts[4]!.parentTierId = 'speech'), 'tiers[4].relation'],
    [
      'invalid_relation',
      (ts: Tier[]) => Object.assign(ts[4]!, { parentTierId: 'speech', relation: 'child_of' }),
      'tiers[4].relation',
    ],
    [
      'relation_kind',
      (ts: Tier[]) => Object.assign(ts[1]!, { parentTierId: 'speech', relation: 'time_subdivision' }),
      'tiers[1].relation',
    ],
    [
      'relation_kind',
      (ts: Tier[]) => Object.assign(ts[4]!, { parentTierId: 'events', relation: 'included_in' }),
      'tiers[4].relation',
    ],
    [
      'relation_kind',
      (ts: Tier[]) => Object.assign(ts[2]!, { parentTierId: 'speech', relation: 'included_in' }),
      'tiers[2].relation',
    ],
  ])('reports %s', (code, mutate, path) => {
    const ts = tiers();
    mutate(ts);
    expect(codes(ts)).toEqual([`${code}@${path}`]);
  });

  it('allows span only on text/any and box only on video/any', () => {
    for (const modality of ['video', 'audio', 'text', 'any'] as const) {
      const span = codes([tier('s', 'span', modality)]).length === 0;
      const box = codes([tier('b', 'box', modality)]).length === 0;
      expect([modality, span, box]).toEqual([
        modality,
        modality === 'text' || modality === 'any',
        modality === 'video' || modality === 'any',
      ]);
    }
  });
});

describe('canEditTier', () => {
  it('follows the tier edit roles', () => {
    const t = tier('x', 'segment', 'audio', { editRoles: ['reviewer'] });
    expect(canEditTier(t, 'reviewer')).toBe(true);
    expect(canEditTier(t, 'annotator')).toBe(false);
  });

  it('requires every edit skill of the tier', () => {
    const t = tier('x', 'segment', 'audio', { editRoles: ['annotator'], editSkills: ['linguist'] });
    expect(canEditTier(t, 'annotator')).toBe(false);
    expect(canEditTier(t, 'annotator', ['qa'])).toBe(false);
    expect(canEditTier(t, 'annotator', ['qa', 'linguist'])).toBe(true);
    expect(canEditTier(t, 'reviewer', ['linguist'])).toBe(false);
  });
});
