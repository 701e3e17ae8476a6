/** Matrix layouts of a tier report: pairwise heat map and confusion. */
import { describe, expect, it } from 'vitest';
import type { TierReport } from '../../../../shared/agreement/report-types.ts';
import { confusionLayout, pairwiseLayout } from '../../../../web/lib/qa/matrix.ts';
import { threeAnnotatorReport } from './fixtures.ts';

function tierWithNullPair(): TierReport {
  const tier = structuredClone(threeAnnotatorReport().tiers[0]!);
  const p = tier.pairs.find((q) => q.a === 'ann2' && q.b === 'ann3')!;
  p.headline = { value: null, reason: 'no_variation' };
  return tier;
}

describe('pairwiseLayout', () => {
  it('is a symmetric annotator × annotator matrix of the pairwise headline', () => {
    const tier = threeAnnotatorReport().tiers[0]!;
    const { ids, gold, cells } = pairwiseLayout(tier);
    expect(ids).toEqual(['ann1', 'ann2', 'ann3']);
    expect(gold).toBeNull();
    expect(cells).toHaveLength(3);
    const ab = tier.pairs.find((p) => p.a === 'ann1' && p.b === 'ann2')!.headline.value;
    expect(cells[0]![1]!.value).toBe(ab);
    expect(cells[1]![0]!.value).toBe(ab);
    expect(cells[0]![1]).toMatchObject({ rowId: 'ann1', colId: 'ann2', kind: 'pair', reason: null });
    for (let i = 0; i < 3; i++) expect(cells[i]![i]).toMatchObject({ kind: 'self', value: null, reason: null });
  });

  it('marks null cells with the reason of the pair', () => {
    const { cells } = pairwiseLayout(tierWithNullPair());
    expect(cells[1]![2]).toMatchObject({ value: null, reason: 'no_variation' });
    expect(cells[2]![1]).toMatchObject({ value: null, reason: 'no_variation' });
  });

  it('marks a pair missing from the report as not compared', () => {
    const tier = threeAnnotatorReport().tiers[0]!;
    const { cells } = pairwiseLayout({ ...tier, pairs: tier.pairs.slice(0, 1) });
    expect(cells[1]![2]).toMatchObject({ value: null, reason: 'not_compared' });
  });

  it('adds gold as a last row and column when the tier has gold figures', () => {
    const tier = structuredClone(threeAnnotatorReport().tiers[0]!);
    const vs = structuredClone(tier.pairs[0]!);
    tier.gold = 'gold';
    tier.vsGold = [
      { ...vs, a: 'gold', b: 'ann1', headline: { value: 0.9, reason: null } },
      { ...vs, a: 'gold', b: 'ann2', headline: { value: null, reason: 'empty_input' } },
    ];
    const { ids, gold, cells } = pairwiseLayout(tier);
    expect(ids).toEqual(['ann1', 'ann2', 'ann3', 'gold']);
    expect(gold).toBe('gold');
    expect(cells[3]![0]).toMatchObject({ kind: 'gold', value: 0.9 });
    expect(cells[0]![3]).toMatchObject({ kind: 'gold', value: 0.9 });
    expect(cells[1]![3]).toMatchObject({ value: null, reason: 'empty_input' });
    expect(cells[2]![3]).toMatchObject({ value: null, reason: 'not_compared' });
  });
});

describe('confusionLayout', () => {
  it('lays out labels × labels with "no match", totals and the diagonal share', () => {
    const c = confusionLayout({
      labels: ['speech', 'noise', '\u2205'],
      counts: [
        [2, 1, 3],
        [1, 2, 3],
        [3, 3, 0],
      ],
    });
    expect(c.labels).toEqual(['speech', 'noise', '\u2205']);
    expect(c.rowTotals).toEqual([6, 6, 6]);
    expect(c.colTotals).toEqual([6, 6, 6]);
    expect(c.total).toBe(18);
    expect(c.max).toBe(3);
    expect(c.agreement).toBeCloseTo(4 / 18);
    expect(c.cells[0]![0]).toMatchObject({ count: 2, diagonal: true, rowShare: 2 / 6 });
    expect(c.cells[0]![2]).toMatchObject({ rowLabel: 'speech', colLabel: '\u2205', count: 3 });
  });

  it('handles an empty matrix', () => {
    const c = confusionLayout({ labels: ['\u2205'], counts: [[0]] });
    expect(c.total).toBe(0);
    expect(c.agreement).toBeNull();
    expect(c.cells[0]![0]!.rowShare).toBeNull();
  });

  it('reads a real report', () => {
    const tier = threeAnnotatorReport().tiers[0]!;
    const c = confusionLayout(tier.confusion);
    expect(c.labels.at(-1)).toBe('\u2205');
    expect(c.total).toBeGreaterThan(0);
  });
});
