/**
 * Time slicing by interval sweep (SPEC §7 without a per-slice array).
 *
 * `timeSliced` labels every slice, which is K = 3.6 million slices per annotator for one hour at
 * millisecond resolution. The slice labels are piecewise constant between segment boundaries,
 * so here each annotator's merged segments become runs of slice indices `[k0, k1)` (the slices
 * whose midpoint `t0 + (k + ½)·r` lies in the segment, found with the very float expression and
 * comparisons of `sliceLabels`), and a sweep over all run boundaries yields one weighted row per
 * elementary interval: "these `weight` slices carry these labels". The coefficients run on the
 * weighted rows (`cohenKappaFromConfusion`, `fleissKappaRows`, `krippendorffAlphaRows`), whose
 * sums are integer counts, so the results equal those of `timeSliced` on the same input (κ and
 * Fleiss bit for bit; nominal α too, since its numerator is summed exactly per m_u).
 */
import { AgreementInputError } from './reasons.ts';
import type { ReasonCode } from './reasons.ts';
import type { CodeValue, SegmentInput, WithReason } from './types.ts';
import { cohenKappaFromConfusion, confusionFromWeightedPairs } from './cohen.ts';
import type { CohenResult } from './cohen.ts';
import type { ConfusionMatrix } from './cohen.ts';
import { fleissKappaCoded } from './fleiss.ts';
import type { FleissResult } from './fleiss.ts';
import { krippendorffAlphaCoded } from './krippendorff.ts';
import type { AlphaResult } from './krippendorff.ts';
import { completeRows, fillMissing, meanPairwiseAgreement, rowCount } from './rows.ts';
import type { CodedRows } from './rows.ts';
import { NO_LABEL, sliceGrid, slicingSegments } from './timeslice.ts';
import type { SliceCoefficient, TimeSliceParams } from './timeslice.ts';
import { UNLABELLED_UNIT } from './unitizing.ts';

/** Slices `[k0, k1)` (k1 > k0) all labelled `label` by one annotator. */
export interface SliceRun {
  readonly k0: number;
  readonly k1: number;
  readonly label: string;
}

/** First slice index k in [0, K] whose midpoint `t0 + (k + ½)·r` is ≥ x. */
function firstSliceFrom(x: number, t0: number, r: number, K: number): number {
  let k = Math.ceil((x - t0) / r - 0.5);
  if (!(k >= 0)) k = 0;
  if (k > K) k = K;
  // The estimate can be off by one where the float quotient rounds across an integer; settle it
  // with the midpoint expression and comparison of `sliceLabels` (monotone in k).
  while (k > 0 && t0 + (k - 1 + 0.5) * r >= x) k--;
  while (k < K && t0 + (k + 0.5) * r < x) k++;
  return k;
}

/**
 * One annotator's slice runs, sorted and disjoint: slice k is labelled by the (merged) segment
 * with `start ≤ mid_k < end`, exactly as in `sliceLabels`. Throws `overlapping_segments` like it.
 */
export function sliceRuns(
  segments: SegmentInput['annotators'][string],
  t0: number,
  r: number,
  K: number,
  who = 'annotator',
): SliceRun[] {
  const out: SliceRun[] = [];
  const push = (start: number, end: number, label: string | null): void => {
    const k0 = firstSliceFrom(start, t0, r, K);
    const k1 = firstSliceFrom(end, t0, r, K);
    if (k1 > k0) out.push({ k0, k1, label: label ?? UNLABELLED_UNIT });
  };
  if (!sortedValid(segments)) {
    for (const s of slicingSegments(segments, who)) push(s.start, s.end, s.label);
    return out;
  }
  // Valid and already in slicing order: `slicingSegments` (drop empty, merge same-label
  // overlaps, reject different-label ones) without copying the segments.
  let open = false;
  let cs = 0;
  let ce = 0;
  let cl: string | null = null;
  const list = segments ?? [];
  for (let k = 0; k < list.length; k++) {
    const s = list[k];
    if (!(s.end > s.start)) continue;
    const label = s.label ?? null;
    if (open && s.start < ce) {
      if (cl !== label)
        throw new AgreementInputError('overlapping_segments', `${who} has overlapping segments with different labels`);
      ce = Math.max(ce, s.end);
    } else {
      if (open) push(cs, ce, cl);
      open = true;
      cs = s.start;
      ce = s.end;
      cl = label;
    }
  }
  if (open) push(cs, ce, cl);
  return out;
}

/**
 * True when every segment has finite numeric bounds with end ≥ start (what `checkSegments`
 * accepts) and the non-empty ones are sorted by start, then end (the order of
 * `slicingSegments`).
 */
function sortedValid(segments: SegmentInput['annotators'][string]): boolean {
  let ps = -Infinity;
  let pe = -Infinity;
  const list = segments ?? [];
  for (let k = 0; k < list.length; k++) {
    const s = list[k];
    const a = s.start;
    const b = s.end;
    if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || b < a)
      return false;
    if (!(b > a)) continue;
    if (a < ps || (a === ps && b < pe)) return false;
    ps = a;
    pe = b;
  }
  return true;
}

/**
 * Sweeps the runs of several annotators over `[0, K)`: one row per maximal interval on which
 * nobody's label changes, column i = annotator i's label there (missing = no label), weight =
 * number of slices. Rows come in slice order and cover every slice once.
 */
export function sliceRows(runs: readonly (readonly SliceRun[])[], K: number): CodedRows {
  const R = runs.length;
  const values: CodeValue[] = [];
  const seen = new Map<string, number>();
  // Flat per-rater arrays: run starts, ends and label codes.
  const k0s: Float64Array[] = [];
  const k1s: Float64Array[] = [];
  const labs: Int32Array[] = [];
  let nCuts = 2;
  for (const list of runs) {
    const a = new Float64Array(list.length);
    const b = new Float64Array(list.length);
    const l = new Int32Array(list.length);
    for (let p = 0; p < list.length; p++) {
      a[p] = list[p].k0;
      b[p] = list[p].k1;
      let c = seen.get(list[p].label);
      if (c === undefined) {
        c = values.length;
        seen.set(list[p].label, c);
        values.push(list[p].label);
      }
      l[p] = c;
    }
    k0s.push(a);
    k1s.push(b);
    labs.push(l);
    nCuts += 2 * list.length;
  }
  // Each rater's boundaries are already sorted (runs are disjoint and ordered), so the sweep
  // steps from one boundary to the nearest next one of any rater: no sort needed.
  const pos = new Int32Array(R);
  const codes = new Int32Array(nCuts * R);
  const weights = new Float64Array(nCuts);
  let nRows = 0;
  let a = 0;
  while (a < K) {
    let b = K;
    const base = nRows * R;
    for (let i = 0; i < R; i++) {
      const k0 = k0s[i];
      const k1 = k1s[i];
      let p = pos[i];
      while (p < k1.length && k1[p] <= a) p++;
      pos[i] = p;
      if (p < k1.length && k0[p] <= a) {
        codes[base + i] = labs[i][p];
        if (k1[p] < b) b = k1[p];
      } else {
        codes[base + i] = -1;
        if (p < k1.length && k0[p] < b) b = k0[p];
      }
    }
    weights[nRows++] = b - a;
    a = b;
  }
  return { values, width: R, codes: codes.slice(0, nRows * R), weights: weights.slice(0, nRows) };
}

/** Confusion matrix of columns i and j over rows where both have a value (weighted counts). */
export function columnConfusion(rows: CodedRows, i: number, j: number): ConfusionMatrix {
  const V = rows.values.length;
  const counts = new Float64Array(V * V);
  const n = rowCount(rows);
  for (let r = 0; r < n; r++) {
    const a = rows.codes[r * rows.width + i];
    const b = rows.codes[r * rows.width + j];
    if (a >= 0 && b >= 0) counts[a * V + b] += rows.weights[r];
  }
  return confusionFromCounts(rows.values, counts);
}

/** Confusion matrix from weighted counts `counts[a·V + b]` of value codes. */
function confusionFromCounts(values: readonly CodeValue[], counts: Float64Array): ConfusionMatrix {
  const V = values.length;
  const triples: [CodeValue, CodeValue, number][] = [];
  for (let a = 0; a < V; a++)
    for (let b = 0; b < V; b++) if (counts[a * V + b] > 0) triples.push([values[a], values[b], counts[a * V + b]]);
  return confusionFromWeightedPairs(triples);
}

/** What {@link sliceStats} computes besides the sweep itself. */
export interface SliceStatsOptions {
  /** Value of missing slices (`fillMissing`), or null to leave them missing. */
  readonly fill: CodeValue | null;
  /** Column pairs whose confusion matrix is wanted (`columnConfusion`). */
  readonly pairs: readonly (readonly [number, number])[];
  /** Columns whose rows are collapsed to multisets (`collapseRows(selectColumns(…))`), or null. */
  readonly collapse: readonly number[] | null;
}

/** What the coefficients need from the slice rows (see {@link SliceSweep}). */
export interface SliceStats {
  /** Per requested pair: `columnConfusion` of the (filled) slice rows. */
  confusions: ConfusionMatrix[];
  /**
   * The requested columns collapsed to multisets with their slice counts: the rows of
   * `collapseRows(selectColumns(rows, columns))`, possibly in another order (which changes
   * nothing for α, Fleiss' κ or one-vs-rest α: their sums are exact integer counts).
   */
  collapsed: CodedRows | null;
}

/** One column of the sweep: a rater's runs as flat arrays of slice bounds and label codes. */
interface SweepColumn {
  readonly runs: readonly SliceRun[];
  readonly k0: Float64Array;
  readonly k1: Float64Array;
  readonly lab: Int32Array;
  /** Label changes: from slice `evPos[e]` on, the column's code is `evCode[e]` (−1: no label). */
  readonly evPos: Float64Array;
  readonly evCode: Int32Array;
}

/**
 * The statistics of `sliceRows(runs, K)` (after `fillMissing` when `fill` is given) without the
 * rows, kept up to date as columns change: each requested pair's weighted confusion counts and
 * the multisets of the requested columns with their slice counts. Both are sums over slices,
 * so when one column's runs change, only the slices between the unchanged head and tail of its
 * runs are swept again: their old contribution is subtracted and the new one added (integer
 * counts, exact). Columns are compared by the identity of their run arrays.
 */
export class SliceSweep {
  readonly K: number;
  readonly options: SliceStatsOptions;
  private values: CodeValue[] = [];
  private codeOf = new Map<string, number>();
  private missing = -1;
  private cap = 0;
  /** Confusion counts of pair q: `counts[q·cap² + a·cap + b]`. */
  private counts = new Float64Array(0);
  private readonly px: Int32Array;
  private readonly py: Int32Array;
  private readonly collapseCols: Int32Array | null;
  private numeric = true;
  private pow = new Float64Array(1);
  /**
   * Dense table of slice counts per combination of column codes (index Σ (code_i + 1)·base^i),
   * when it is small: the sweep then adds one count per interval, and the pair counts and
   * multisets are derived per distinct combination.
   */
  private joint: Float64Array | null = null;
  private jointMark = new Uint8Array(0);
  private mul = new Float64Array(0);
  private multisets = new Map<number | string, { codes: Int32Array; weight: number }>();
  private columns: SweepColumn[] | null = null;
  /** Confusion matrices of the last `stats()`, and the pairs whose counts changed since. */
  private confusions: ConfusionMatrix[] = [];
  private dirty = new Set<number>();

  constructor(K: number, options: SliceStatsOptions) {
    this.K = K;
    this.options = options;
    this.px = Int32Array.from(options.pairs, (p) => p[0]);
    this.py = Int32Array.from(options.pairs, (p) => p[1]);
    this.collapseCols = options.collapse ? Int32Array.from(options.collapse) : null;
  }

  /** Same sweep parameters (K, fill value, pairs, collapsed columns)? */
  accepts(K: number, options: SliceStatsOptions): boolean {
    const o = this.options;
    const same = (x: readonly number[] | null, y: readonly number[] | null): boolean =>
      x === y || (x !== null && y !== null && x.length === y.length && x.every((v, i) => v === y[i]));
    return (
      K === this.K &&
      Object.is(options.fill, o.fill) &&
      options.pairs.length === o.pairs.length &&
      options.pairs.every((p, q) => p[0] === o.pairs[q][0] && p[1] === o.pairs[q][1]) &&
      same(options.collapse, o.collapse)
    );
  }

  /** Brings the statistics to `runs` (one list per column), sweeping only what changed. */
  update(runs: readonly (readonly SliceRun[])[]): this {
    const cols = this.columns;
    if (cols === null || cols.length !== runs.length) return this.rebuild(runs);
    const changed: number[] = [];
    for (let c = 0; c < runs.length; c++) if (cols[c].runs !== runs[c]) changed.push(c);
    if (changed.length * 2 > runs.length) return this.rebuild(runs);
    for (const c of changed) {
      const next = this.column(runs[c]);
      if (this.values.length > this.cap) return this.rebuild(runs);
      const [lo, hi] = changedRange(cols[c], next, this.K);
      // Pairs without column c keep their counts (the swept rows agree on their columns).
      if (lo < hi) for (let q = 0; q < this.px.length; q++) if (this.px[q] === c || this.py[q] === c) this.dirty.add(q);
      if (lo < hi) {
        this.accumulate(cols, lo, hi, -1);
        cols[c] = next;
        this.accumulate(cols, lo, hi, 1);
      } else cols[c] = next;
    }
    return this;
  }

  stats(): SliceStats {
    const V = this.values.length;
    const cap = this.cap;
    const confusions = this.options.pairs.map((_, q) => {
      if (!this.dirty.has(q) && this.confusions[q]) return this.confusions[q];
      const at = q * cap * cap;
      const triples: [CodeValue, CodeValue, number][] = [];
      for (let a = 0; a < V; a++)
        for (let b = 0; b < V; b++) {
          const n = this.counts[at + a * cap + b];
          if (n > 0) triples.push([this.values[a], this.values[b], n]);
        }
      return confusionFromWeightedPairs(triples);
    });
    let collapsed: CodedRows | null = null;
    const cols = this.options.collapse;
    if (cols) {
      const W = cols.length;
      const codes: number[] = [];
      const weights: number[] = [];
      for (const m of this.multisets.values()) {
        if (m.weight === 0) continue;
        for (let i = 0; i < W; i++) codes.push(m.codes[i]);
        weights.push(m.weight);
      }
      collapsed = {
        values: this.values.slice(),
        width: W,
        codes: Int32Array.from(codes),
        weights: Float64Array.from(weights),
      };
    }
    this.confusions = confusions;
    this.dirty.clear();
    return { confusions, collapsed };
  }

  /** Code of a value (numbered in order of first appearance). */
  private code(v: CodeValue): number {
    const key = typeof v === 'number' ? `n:${v}` : `s:${v}`;
    let c = this.codeOf.get(key);
    if (c === undefined) {
      c = this.values.length;
      this.codeOf.set(key, c);
      this.values.push(v);
    }
    return c;
  }

  private column(runs: readonly SliceRun[]): SweepColumn {
    const k0 = new Float64Array(runs.length);
    const k1 = new Float64Array(runs.length);
    const lab = new Int32Array(runs.length);
    const evPos = new Float64Array(2 * runs.length);
    const evCode = new Int32Array(2 * runs.length);
    let n = 0;
    for (let p = 0; p < runs.length; p++) {
      k0[p] = runs[p].k0;
      k1[p] = runs[p].k1;
      lab[p] = this.code(runs[p].label);
      if (n > 0 && evPos[n - 1] === k0[p]) evCode[n - 1] = lab[p];
      else {
        evPos[n] = k0[p];
        evCode[n++] = lab[p];
      }
      evPos[n] = k1[p];
      evCode[n++] = -1;
    }
    return { runs, k0, k1, lab, evPos: evPos.subarray(0, n), evCode: evCode.subarray(0, n) };
  }

  private rebuild(runs: readonly (readonly SliceRun[])[]): this {
    const cols = runs.map((r) => this.column(r));
    if (this.options.fill !== null) this.missing = this.code(this.options.fill);
    const V = this.values.length;
    this.cap = V;
    // Codes + 1 in base V + 1 per column (0 = missing).
    const R = cols.length;
    const size = (V + 1) ** R;
    if (size <= 2 ** 18) {
      this.joint = new Float64Array(size);
      this.jointMark = new Uint8Array(size);
      this.mul = new Float64Array(R);
      for (let i = 0; i < R; i++) this.mul[i] = (V + 1) ** i;
    } else this.joint = null;
    this.counts = new Float64Array(this.options.pairs.length * this.cap * this.cap);
    const W = this.options.collapse ? this.options.collapse.length : 0;
    // Multiset keys: counts per code (and of missing) in base W + 1 when that fits a double.
    this.numeric = (this.cap + 1) * Math.log2(W + 1) < 52;
    this.pow = new Float64Array(this.cap + 1);
    this.pow[0] = 1;
    for (let c = 1; c <= this.cap; c++) this.pow[c] = this.pow[c - 1] * (W + 1);
    this.multisets = new Map();
    this.columns = cols;
    this.confusions = [];
    this.dirty.clear();
    this.accumulate(cols, 0, this.K, 1);
    return this;
  }

  /** Adds `sign` × the contribution of slices [lo, hi) of the sweep over `cols`. */
  private accumulate(cols: readonly SweepColumn[], lo: number, hi: number, sign: number): void {
    if (this.joint) this.accumulateJoint(this.joint, cols, lo, hi, sign);
    else this.accumulateDirect(cols, lo, hi, sign);
  }

  /** First run of each column ending after `lo`. */
  private static starts(cols: readonly SweepColumn[], lo: number): Int32Array {
    const pos = new Int32Array(cols.length);
    for (let i = 0; i < cols.length; i++) {
      const k1 = cols[i].k1;
      let a = 0;
      let b = k1.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (k1[mid] <= lo) a = mid + 1;
        else b = mid;
      }
      pos[i] = a;
    }
    return pos;
  }

  /** {@link accumulate} through the joint table: one count per interval, then per combination. */
  private accumulateJoint(
    joint: Float64Array,
    cols: readonly SweepColumn[],
    lo: number,
    hi: number,
    sign: number,
  ): void {
    const R = cols.length;
    const mark = this.jointMark;
    const mul = this.mul;
    const missing = this.missing;
    const POS = cols.map((c) => c.evPos);
    const CODE = cols.map((c) => c.evCode);
    // Per column: the next label change after lo, and the code in force at lo.
    const next = new Int32Array(R);
    const cur = new Int32Array(R);
    let idx = 0;
    for (let i = 0; i < R; i++) {
      const ev = POS[i];
      let x = 0;
      let y = ev.length;
      while (x < y) {
        const mid = (x + y) >> 1;
        if (ev[mid] <= lo) x = mid + 1;
        else y = mid;
      }
      next[i] = x;
      const c = x > 0 ? CODE[i][x - 1] : -1;
      cur[i] = c < 0 ? missing : c;
      idx += (cur[i] + 1) * mul[i];
    }
    const touched: number[] = [];
    let a = lo;
    while (a < hi) {
      let b = hi;
      for (let i = 0; i < R; i++) {
        const e = next[i];
        if (e < POS[i].length && POS[i][e] < b) b = POS[i][e];
      }
      if (mark[idx] === 0) {
        mark[idx] = 1;
        touched.push(idx);
      }
      joint[idx] += sign * (b - a);
      for (let i = 0; i < R; i++) {
        const e = next[i];
        if (e < POS[i].length && POS[i][e] === b) {
          const c = CODE[i][e] < 0 ? missing : CODE[i][e];
          idx += (c - cur[i]) * mul[i];
          cur[i] = c;
          next[i] = e + 1;
        }
      }
      a = b;
    }
    // Per distinct combination: its codes, then the pair counts and its multiset.
    const base = this.cap + 1;
    for (const idx of touched) {
      const w = joint[idx];
      joint[idx] = 0;
      mark[idx] = 0;
      if (w === 0) continue;
      let rest = idx;
      for (let i = 0; i < R; i++) {
        cur[i] = (rest % base) - 1;
        rest = (rest - (rest % base)) / base;
      }
      this.add(cur, w);
    }
  }

  /** Adds `w` slices labelled `cur` (one code per column) to the pair counts and multisets. */
  private add(cur: Int32Array, w: number): void {
    const cap = this.cap;
    const block = cap * cap;
    const { px, py } = this;
    for (let q = 0; q < px.length; q++) {
      const x = cur[px[q]];
      const y = cur[py[q]];
      if (x >= 0 && y >= 0) this.counts[q * block + x * cap + y] += w;
    }
    const collapse = this.collapseCols;
    if (!collapse) return;
    const W = collapse.length;
    const row = new Int32Array(W);
    for (let i = 0; i < W; i++) {
      const v = cur[collapse[i]];
      let j = i;
      while (j > 0 && row[j - 1] > v) {
        row[j] = row[j - 1];
        j--;
      }
      row[j] = v;
    }
    let key: number | string;
    if (this.numeric) {
      key = 0;
      for (let i = 0; i < W; i++) key += this.pow[row[i] + 1];
    } else key = row.join(',');
    let m = this.multisets.get(key);
    if (m === undefined) this.multisets.set(key, (m = { codes: row, weight: 0 }));
    m.weight += w;
  }

  /** {@link accumulate} interval by interval (when the joint table would be large). */
  private accumulateDirect(cols: readonly SweepColumn[], lo: number, hi: number, sign: number): void {
    const R = cols.length;
    const cap = this.cap;
    const block = cap * cap;
    const counts = this.counts;
    const { px, py } = this;
    const nPairs = px.length;
    const collapse = this.collapseCols;
    const W = collapse ? collapse.length : 0;
    const numeric = this.numeric;
    const pow = this.pow;
    const missing = this.missing;
    const K0 = cols.map((c) => c.k0);
    const K1 = cols.map((c) => c.k1);
    const LAB = cols.map((c) => c.lab);
    const row = new Int32Array(W);
    const cur = new Int32Array(R);
    const pos = new Int32Array(R);
    for (let i = 0; i < R; i++) {
      // first run ending after lo
      const k1 = K1[i];
      let a = 0;
      let b = k1.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (k1[mid] <= lo) a = mid + 1;
        else b = mid;
      }
      pos[i] = a;
    }
    let lastKey: number | string | null = null;
    let last: { codes: Int32Array; weight: number } | undefined;
    let a = lo;
    while (a < hi) {
      let b = hi;
      for (let i = 0; i < R; i++) {
        const k0 = K0[i];
        const k1 = K1[i];
        let p = pos[i];
        while (p < k1.length && k1[p] <= a) p++;
        pos[i] = p;
        if (p < k1.length && k0[p] <= a) {
          cur[i] = LAB[i][p];
          if (k1[p] < b) b = k1[p];
        } else {
          cur[i] = missing;
          if (p < k1.length && k0[p] < b) b = k0[p];
        }
      }
      const w = sign * (b - a);
      for (let q = 0; q < nPairs; q++) {
        const x = cur[px[q]];
        const y = cur[py[q]];
        if (x >= 0 && y >= 0) counts[q * block + x * cap + y] += w;
      }
      if (collapse) {
        // insertion sort: rows are a handful of raters wide
        for (let i = 0; i < W; i++) {
          const v = cur[collapse[i]];
          let j = i;
          while (j > 0 && row[j - 1] > v) {
            row[j] = row[j - 1];
            j--;
          }
          row[j] = v;
        }
        let key: number | string;
        if (numeric) {
          key = 0;
          for (let i = 0; i < W; i++) key += pow[row[i] + 1];
        } else key = row.join(',');
        // Consecutive intervals often carry the same multiset: skip the lookup then.
        let m = key === lastKey ? last : this.multisets.get(key);
        if (m === undefined) this.multisets.set(key, (m = { codes: row.slice(), weight: 0 }));
        m.weight += w;
        lastKey = key;
        last = m;
      }
      a = b;
    }
  }
}

/**
 * Slices `[lo, hi)` outside which two run lists of one column label every slice alike: between
 * their common head and common tail.
 */
function changedRange(x: SweepColumn, y: SweepColumn, K: number): [number, number] {
  const same = (i: number, j: number): boolean => x.k0[i] === y.k0[j] && x.k1[i] === y.k1[j] && x.lab[i] === y.lab[j];
  const n = x.k0.length;
  const m = y.k0.length;
  let head = 0;
  while (head < n && head < m && same(head, head)) head++;
  if (head === n && head === m) return [0, 0];
  let tail = 0;
  while (tail < n - head && tail < m - head && same(n - 1 - tail, m - 1 - tail)) tail++;
  const lo = head > 0 ? x.k1[head - 1] : 0;
  const hi = tail > 0 ? x.k0[n - tail] : K;
  return [lo, hi];
}

/**
 * The statistics the coefficients need from `sliceRows(runs, K)` (after `fillMissing` when
 * `fill` is given), in one sweep without the rows (see {@link SliceSweep}).
 */
export function sliceStats(runs: readonly (readonly SliceRun[])[], K: number, options: SliceStatsOptions): SliceStats {
  return new SliceSweep(K, options).update(runs).stats();
}

/** `timeSliced` without the per-slice label arrays. */
export interface TimeSliceSummary extends WithReason {
  value: number | null;
  n_slices: number;
  observed_agreement: number | null;
  coefficient: SliceCoefficient;
  detail: CohenResult | AlphaResult | FleissResult;
}

/** Coefficient of time slicing on coded rows (no label already mapped per mode). */
export function sliceCoefficient(
  rows: CodedRows,
  coefficient: SliceCoefficient,
): { value: number | null; detail: CohenResult | AlphaResult | FleissResult; observed: number | null } {
  if (coefficient === 'fleiss_kappa') {
    const used = completeRows(rows);
    const f = fleissKappaCoded(used);
    return { value: f.kappa, detail: f, observed: meanPairwiseAgreement(used) };
  }
  const observed = meanPairwiseAgreement(rows);
  if (coefficient === 'krippendorff_alpha_nominal') {
    const a = krippendorffAlphaCoded(rows, { level: 'nominal' });
    return { value: a.alpha, detail: a, observed };
  }
  let total = 0;
  for (const w of rows.weights) total += w;
  const c: CohenResult =
    rows.width === 2
      ? cohenKappaFromConfusion(columnConfusion(rows, 0, 1), {}, total)
      : {
          kappa: null,
          reason: 'need_two_raters',
          n_units_total: total,
          n_units_used: 0,
          p_o: null,
          p_e: null,
          weights: 'none',
          confusion: confusionFromWeightedPairs([]),
          warnings: [],
        };
  return { value: c.kappa, detail: c, observed };
}

/**
 * Time-sliced κ/α/Fleiss (SPEC §7) by interval sweep: same parameters, value, reason, slice
 * count, observed agreement and coefficient detail as `timeSliced`, in O(S log S) for S segments
 * instead of O(K) slices.
 */
export function timeSlicedSweep(input: SegmentInput, params: TimeSliceParams): TimeSliceSummary {
  const { t0, r, K, mode, coefficient } = sliceGrid(input, params);
  const runs = input.raters.map((rid) => sliceRuns(input.annotators[rid], t0, r, K, rid));
  const raw = sliceRows(runs, K);
  const rows = mode === 'category' ? fillMissing(raw, NO_LABEL) : raw;
  const { value, detail, observed } = sliceCoefficient(rows, coefficient);
  const reason: ReasonCode | null = K === 0 ? 'empty_input' : value === null ? detail.reason : null;
  return { value, reason, n_slices: K, observed_agreement: observed, coefficient, detail };
}
