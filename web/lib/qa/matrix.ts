/**
 * Matrix layouts of a tier report for the heat maps: annotator × annotator pairwise agreement
 * (plus gold when the tier has gold), and label × label confusion counts (with "no match").
 */
import { pairMatrix } from '../../../shared/agreement/report.ts';
import type { LabelConfusion, PairReport, TierReport } from '../../../shared/agreement/report-types.ts';

export interface MatrixCell {
  row: number;
  col: number;
  rowId: string;
  colId: string;
  /** `self`: the diagonal; `pair`: two annotators; `gold`: an annotator against gold. */
  kind: 'self' | 'pair' | 'gold';
  value: number | null;
  /** Why `value` is null (a report reason, or `not_compared`); null on the diagonal. */
  reason: string | null;
}

export interface PairwiseLayout {
  /** Row and column ids: the tier's raters, then the gold user when the tier has gold figures. */
  ids: string[];
  gold: string | null;
  cells: MatrixCell[][];
}

const key = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * Cell (i, j) is the tier's pairwise headline of ids[i] and ids[j] (symmetric), from
 * `pairMatrix` of shared/agreement; a null cell carries the pair's reason.
 */
export function pairwiseLayout(tier: Pick<TierReport, 'raters' | 'pairs' | 'vsGold' | 'gold'>): PairwiseLayout {
  const { raters, values } = pairMatrix(tier, (p) => p.headline.value);
  const pairs = new Map<string, PairReport>();
  for (const p of tier.pairs) pairs.set(key(p.a, p.b), p);
  const vsGold = new Map<string, PairReport>();
  for (const p of tier.vsGold ?? []) vsGold.set(p.b, p);
  const gold = tier.gold !== null && vsGold.size > 0 ? tier.gold : null;
  const ids = gold ? [...raters, gold] : [...raters];

  const cells = ids.map((rowId, row) =>
    ids.map((colId, col): MatrixCell => {
      if (row === col) return { row, col, rowId, colId, kind: 'self', value: null, reason: null };
      if (gold !== null && (rowId === gold || colId === gold)) {
        const p = vsGold.get(rowId === gold ? colId : rowId);
        return {
          row,
          col,
          rowId,
          colId,
          kind: 'gold',
          value: p?.headline.value ?? null,
          reason: p ? (p.headline.value === null ? (p.headline.reason ?? 'not_compared') : null) : 'not_compared',
        };
      }
      const value = values[row]?.[col] ?? null;
      const p = pairs.get(key(rowId, colId));
      return {
        row,
        col,
        rowId,
        colId,
        kind: 'pair',
        value,
        reason: value === null ? (p?.headline.reason ?? 'not_compared') : null,
      };
    }),
  );
  return { ids, gold, cells };
}

export interface ConfusionCell {
  row: number;
  col: number;
  rowLabel: string;
  colLabel: string;
  count: number;
  /** count / row total (null for an empty row). */
  rowShare: number | null;
  diagonal: boolean;
}

export interface ConfusionLayout {
  labels: string[];
  cells: ConfusionCell[][];
  rowTotals: number[];
  colTotals: number[];
  total: number;
  max: number;
  /** Share of the items on the diagonal, "no match" × "no match" excluded (null when empty). */
  agreement: number | null;
}

export function confusionLayout(confusion: LabelConfusion): ConfusionLayout {
  const labels = [...confusion.labels];
  const n = labels.length;
  const count = (i: number, j: number) => confusion.counts[i]?.[j] ?? 0;
  const rowTotals = labels.map((_, i) => labels.reduce((s, _l, j) => s + count(i, j), 0));
  const colTotals = labels.map((_, j) => labels.reduce((s, _l, i) => s + count(i, j), 0));
  const total = rowTotals.reduce((s, v) => s + v, 0);
  let max = 0;
  let diagonal = 0;
  const noMatch = labels.indexOf('\u2205');
  const cells = labels.map((rowLabel, row) =>
    labels.map((colLabel, col): ConfusionCell => {
      const c = count(row, col);
      max = Math.max(max, c);
      if (row === col && row !== noMatch) diagonal += c;
      return {
        row,
        col,
        rowLabel,
        colLabel,
        count: c,
        rowShare: rowTotals[row]! > 0 ? c / rowTotals[row]! : null,
        diagonal: row === col,
      };
    }),
  );
  const counted = total - (noMatch >= 0 && noMatch < n ? count(noMatch, noMatch) : 0);
  return { labels, cells, rowTotals, colTotals, total, max, agreement: counted > 0 ? diagonal / counted : null };
}
