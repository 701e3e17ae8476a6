/**
 * Krippendorff's unitizing α_U (1995/2004) as implemented by DKPro Statistics
 * `KrippendorffAlphaUnitizingAgreement` (SPEC §5a).
 *
 * Every label c is a separate binary unitization: per rater the continuum is cut into c-units
 * and gaps (everything else, including units of other labels). The observed and expected
 * sweeps below are a line-by-line port of DKPro's, so that section boundaries, zero-length
 * units and the end of the continuum behave identically; all sums are exact BigInt integers
 * (lengths³ overflow 2^53 at millisecond resolution) and each D is divided once at the end.
 *
 * Conventions (SPEC §5a, §11):
 *  - per label α_c = 1 − D_o,c/D_e,c; exactly 0 when D_o,c = D_e,c (decided on rationals);
 *  - overall α_U = 1 − mean_c D_o,c / mean_c D_e,c over the labels that occur;
 *  - D_e = 0 (zero-mass labels/studies) → null `no_variation` (DKPro: 0.0 or 1.0; SPEC §11
 *    says this spec uses null), no units at all → null `empty_input`, fewer than 2 raters →
 *    null `need_two_raters`;
 *  - same-label units of one rater must not overlap (DKPro's precondition): rejected with
 *    `overlapping_segments`, or merged with `{ overlap: 'merge' }`. Units of *different* labels
 *    may overlap (the Krippendorff 2004 example does), since labels are evaluated separately.
 */
import { AgreementInputError } from './reasons.ts';
import type { ReasonCode } from './reasons.ts';
import type { Segment, UnitizingInput, WithReason } from './types.ts';
import { bigRatio, fadd, frac } from './rational.ts';
import type { Fraction } from './rational.ts';

/** Label used for segments without a label (a label-free tier is one category). */
export const UNLABELLED_UNIT = '__unit__';

export interface UnitizingOptions {
  /** `'reject'` (default) or `'merge'` overlapping same-label units of one rater. */
  readonly overlap?: 'reject' | 'merge';
  /**
   * `'auto'` (default): double-precision sweeps with exact integer accumulation when the
   * continuum is short enough for that to be exact (R·L ≤ 2^50 ticks), BigInt otherwise;
   * `'bigint'`: always the BigInt reference path (tests compare both).
   */
  readonly arithmetic?: 'auto' | 'bigint';
  /**
   * Memo hooks for repeated computations over mostly unchanged raters (live recompute); used by
   * the double-precision path only. See {@link UnitizingMemo}.
   */
  readonly memo?: UnitizingMemo;
}

/**
 * Memo hooks. Everything α_U computes per label depends only on the raters' unit lists of that
 * label, so results are stored per list in a {@link UnitizingStore}, and a rater whose
 * annotations changed keeps the lists of the labels that did not change from its previous
 * version: only the changed labels are computed again.
 */
export interface UnitizingMemo {
  /** The validated units of rater i, served from a cache (the caller keys them by rater content and continuum). */
  rater<T>(i: number, make: () => T): T;
  /** The value `rater(i, …)` had for an earlier version of rater i (same continuum), if known. */
  previous?<T>(i: number): T | undefined;
  /** Per-list results for this continuum. */
  store?: UnitizingStore;
}

export interface UnitizingLabelResult extends WithReason {
  alpha: number | null;
  D_o: number;
  D_e: number;
}

export interface UnitizingResult extends WithReason {
  alpha: number | null;
  D_o: number | null;
  D_e: number | null;
  per_label: Record<string, UnitizingLabelResult>;
  /** Continuum length L in ticks and number of raters R. */
  L: number;
  R: number;
}

/** A c-unit in ticks: offset and length (numbers: exact, every tick is a safe integer). */
interface Unit {
  readonly b: number;
  readonly l: number;
}

/** The same, as BigInts, for the reference path. */
interface BigUnit {
  readonly b: bigint;
  readonly l: bigint;
}

function tick(x: number, what: string): number {
  if (!Number.isSafeInteger(x)) {
    throw new AgreementInputError('non_integer_ticks', `${what} = ${x}: unitizing α needs integer ticks (SPEC §0)`);
  }
  return x;
}

/** Sorted, validated c-units of one rater (DKPro's TreeSet order: offset, then length). */
function raterUnits(
  segs: readonly Segment[],
  B: number,
  E: number,
  rater: string,
  overlap: 'reject' | 'merge',
  unitOf?: WeakMap<object, Unit>,
): Map<string, readonly Unit[]> {
  const byLabel = new Map<string, Unit[]>();
  // Lists already in (offset, length) order need no sort (segments usually come sorted).
  const unsorted = new Set<Unit[]>();
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const b = Number.isSafeInteger(s.start) ? s.start : tick(s.start, `${rater}[${i}].start`);
    const e = Number.isSafeInteger(s.end) ? s.end : tick(s.end, `${rater}[${i}].end`);
    if (e < b) throw new AgreementInputError('invalid_segment', `${rater}[${i}] ends before it starts`);
    if (b < B || e > E) throw new AgreementInputError('invalid_segment', `${rater}[${i}] lies outside the continuum`);
    const label = s.label ?? UNLABELLED_UNIT;
    let list = byLabel.get(label);
    if (!list) byLabel.set(label, (list = []));
    const last = list.length > 0 ? list[list.length - 1] : null;
    if (last && (b < last.b || (b === last.b && e - b < last.l))) unsorted.add(list);
    // The unit of an unchanged segment object is reused (values checked, so always right).
    let u = unitOf?.get(s);
    if (u === undefined || u.b !== b || u.l !== e - b) {
      u = { b, l: e - b };
      unitOf?.set(s, u);
    }
    list.push(u);
  }
  for (const [label, list] of byLabel) {
    if (unsorted.has(list)) list.sort((x, y) => x.b - y.b || x.l - y.l);
    // merged in place: out = list[0 .. n)
    let n = 0;
    const len = list.length;
    for (let k = 0; k < len; k++) {
      const u = list[k];
      const prev = n > 0 ? list[n - 1] : undefined;
      if (prev && prev.b + prev.l > u.b) {
        if (overlap === 'reject') {
          throw new AgreementInputError('overlapping_segments', `rater ${rater} has overlapping "${label}" units`);
        }
        const end = Math.max(prev.b + prev.l, u.b + u.l);
        list[n - 1] = { b: prev.b, l: end - prev.b };
      } else list[n++] = u;
    }
    list.length = n;
  }
  return byLabel;
}

const TWO_52 = 2 ** 52;

/**
 * Exact sum of non-negative integers given as doubles: a double accumulator flushed into a
 * BigInt before it could lose integer precision. Terms must be integers ≤ 2^52 (`add`), or are
 * multiplied exactly (`addProduct`).
 */
class ExactSum {
  private big = 0n;
  private num = 0;

  add(x: number): void {
    this.num += x; // num < 2^52 and x ≤ 2^52 before the addition: the sum is exact
    if (this.num >= TWO_52) {
      this.big += BigInt(this.num);
      this.num = 0;
    }
  }

  /** Adds a·b for non-negative integers a, b. */
  addProduct(a: number, b: number): void {
    const p = a * b;
    if (p < 2 ** 51) this.add(p);
    else this.big += BigInt(a) * BigInt(b);
  }

  addBig(x: bigint): void {
    this.big += x;
  }

  value(): bigint {
    return this.big + BigInt(this.num);
  }
}

/** DKPro `measureDistance` accumulated into `acc` (category false = gap). */
function addDistance(acc: ExactSum, o1: number, l1: number, u1: boolean, o2: number, l2: number, u2: boolean): void {
  const bd = o1 - o2;
  const ld = l1 - l2;
  if (u1 && u2 && -l1 < bd && bd < l2) {
    const a = Math.abs(bd);
    const e = Math.abs(bd + ld);
    acc.addProduct(a, a);
    acc.addProduct(e, e);
  } else if (u1 && !u2 && -ld >= bd && bd >= 0) acc.addProduct(l1, l1);
  else if (!u1 && u2 && -ld <= bd && bd <= 0) acc.addProduct(l2, l2);
}

/** {@link observedPairSumBig} in doubles with exact accumulation (same sweep). */
function observedPairSum(units1: readonly Unit[], units2: readonly Unit[], B: number, L: number): bigint {
  const acc = new ExactSum();
  let n1 = 0;
  let n2 = 0;
  let o1 = B;
  let l1 = 0;
  let o2 = B;
  let l2 = 0;
  let c1 = false;
  let c2 = false;
  let pos = B;
  const end = B + L;
  while (pos < end && (n1 < units1.length || n2 < units2.length)) {
    if (pos === o1 + l1) {
      if (n1 < units1.length && pos === units1[n1].b) {
        l1 = units1[n1++].l;
        c1 = true;
      } else {
        l1 = (n1 < units1.length ? units1[n1].b : end) - pos;
        c1 = false;
      }
      o1 = pos;
    }
    if (pos === o2 + l2) {
      if (n2 < units2.length && pos === units2[n2].b) {
        l2 = units2[n2++].l;
        c2 = true;
      } else {
        l2 = (n2 < units2.length ? units2[n2].b : end) - pos;
        c2 = false;
      }
      o2 = pos;
    }
    addDistance(acc, o1, l1, c1, o2, l2, c2);
    pos = Math.min(o1 + l1, o2 + l2);
  }
  return acc.value();
}

/** Gap lengths of one rater for one label (DKPro expected sweep), in doubles. */
function gapsOf(units: readonly Unit[], B: number, L: number, out: number[]): void {
  let next = 0;
  let offset = B;
  let length = 0;
  let pos = B;
  const end = B + L;
  while (pos < end) {
    if (pos === offset + length) {
      if (next < units.length && pos === units[next].b) {
        length = units[next++].l;
      } else {
        length = (next < units.length ? units[next].b : end) - pos;
        out.push(length);
      }
      offset = pos;
    }
    pos = offset + length;
  }
}

/**
 * One rater's share of the expected disagreement of one label (double path): its unit lengths
 * and gap lengths (DKPro expected sweep), each sorted ascending, suffix sums of the gaps, and
 * exact Σ l, Σ l², Σ l³ of the units. Needs R·L ≤ 2^50 (the caller checks).
 */
interface ExpectedPart {
  readonly n: number;
  readonly lens: Float64Array;
  readonly gaps: Float64Array;
  /** suffix[i] = Σ_{k ≥ i} gaps[k] */
  readonly suffix: Float64Array;
  readonly s1: bigint;
  readonly s2: bigint;
  readonly s3: bigint;
}

/**
 * Sorts non-negative integer lengths ascending in place (LSD radix sort by 11-bit digits when
 * they are below 2^33 and numerous, else the built-in sort; same result either way).
 */
function sortLengths(a: Float64Array): Float64Array {
  const n = a.length;
  let max = 0;
  for (let k = 0; k < n; k++) if (a[k] > max) max = a[k];
  if (n < 64 || !(max < 2 ** 33)) return a.sort();
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  const count = new Int32Array(2048);
  for (let shift = 1; max >= shift; shift *= 2048) {
    count.fill(0);
    for (let k = 0; k < n; k++) count[Math.floor(src[k] / shift) % 2048]++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) dst[count[Math.floor(src[k] / shift) % 2048]++] = src[k];
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== a) a.set(src);
  return a;
}

function expectedPart(units: readonly Unit[], B: number, L: number): ExpectedPart {
  const gapList: number[] = [];
  gapsOf(units, B, L, gapList);
  const gaps = new Float64Array(gapList.length);
  for (let k = 0; k < gapList.length; k++) gaps[k] = gapList[k];
  sortLengths(gaps);
  const suffix = new Float64Array(gaps.length + 1);
  for (let i = gaps.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + gaps[i];
  const lens = new Float64Array(units.length);
  for (let k = 0; k < units.length; k++) lens[k] = units[k].l;
  sortLengths(lens);
  const s1 = new ExactSum(); // Σ l
  const s2 = new ExactSum(); // Σ l²
  const s3 = new ExactSum(); // Σ l³
  for (let k = 0; k < lens.length; k++) {
    const l = lens[k];
    s1.add(l);
    s2.addProduct(l, l);
    if (l < 2 ** 26) s3.addProduct(l * l, l);
    else s3.addBig(BigInt(l) ** 3n);
  }
  return { n: units.length, lens, gaps, suffix, s1: s1.value(), s2: s2.value(), s3: s3.value() };
}

/**
 * Σ over units u of rater i and gaps h of rater j with l_h ≥ l_u of l_u²·(l_h − l_u + 1): one
 * ordered rater pair's part of the quadratic term of D_e (exact; the sum over all pairs,
 * i = j included, is the term over all units and gaps of {@link expectedBig}).
 */
function crossTerm(units: ExpectedPart, gapsOf: ExpectedPart): bigint {
  const { lens } = units;
  const { gaps, suffix } = gapsOf;
  const acc = new ExactSum();
  // Unit lengths ascending, so the first gap ≥ l only moves forward.
  let lo = 0;
  for (let k = 0; k < lens.length; k++) {
    const l = lens[k];
    while (lo < gaps.length && gaps[lo] < l) lo++;
    const gapTerm = suffix[lo] - (gaps.length - lo) * (l - 1);
    if (gapTerm > 0 && l > 0) {
      if (l < 2 ** 25) acc.addProduct(l * l, gapTerm);
      else acc.addBig(BigInt(l) * BigInt(l) * BigInt(gapTerm));
    }
  }
  return acc.value();
}

/**
 * {@link expectedBig} in doubles with exact accumulation, from the raters' parts and the cross
 * terms of every ordered rater pair (`cross(i, j)`, i = j included).
 */
function expected(parts: readonly ExpectedPart[], cross: (i: number, j: number) => bigint, L: number): Fraction {
  const R = parts.length;
  let Nc = 0;
  let S1 = 0n;
  let S2 = 0n;
  let S3 = 0n;
  let quad = 0n;
  for (let i = 0; i < R; i++) {
    Nc += parts[i].n;
    S1 += parts[i].s1;
    S2 += parts[i].s2;
    S3 += parts[i].s3;
    for (let j = 0; j < R; j++) quad += cross(i, j);
  }
  // Σ l(l−1)(2l−1)/3 = (2Σl³ − 3Σl² + Σl)/3, exact: every term is divisible by 6.
  const cubic = (2n * S3 - 3n * S2 + S1) / 3n;
  const Rb = BigInt(R);
  const Lb = BigInt(L);
  const num = BigInt(Math.max(Nc - 1, 0)) * cubic + quad;
  return frac(2n * num, Lb * (Rb * Lb * (Rb * Lb - 1n) - (S2 - S1)));
}

const NO_UNITS: readonly Unit[] = Object.freeze([]);

/**
 * Per-label results of the double path keyed by unit lists (their identity: lists are never
 * changed once built), for one continuum `[B, B + L)`: the expected-disagreement part and own
 * cross term of a list, and for two lists the observed sum and both cross terms.
 */
export class UnitizingStore {
  readonly B: number;
  readonly L: number;
  /** Units of segment objects seen before (see raterUnits). */
  readonly units = new WeakMap<object, Unit>();
  private readonly parts = new WeakMap<readonly Unit[], { part: ExpectedPart; self: bigint }>();
  private readonly pairs = new WeakMap<
    readonly Unit[],
    WeakMap<readonly Unit[], { observed?: bigint; cross?: [bigint, bigint] }>
  >();

  constructor(B: number, L: number) {
    this.B = B;
    this.L = L;
  }

  part(list: readonly Unit[]): { part: ExpectedPart; self: bigint } {
    let p = this.parts.get(list);
    if (!p) {
      const part = expectedPart(list, this.B, this.L);
      this.parts.set(list, (p = { part, self: crossTerm(part, part) }));
    }
    return p;
  }

  private entry(a: readonly Unit[], b: readonly Unit[]): { observed?: bigint; cross?: [bigint, bigint] } {
    let m = this.pairs.get(a);
    if (!m) this.pairs.set(a, (m = new WeakMap()));
    let e = m.get(b);
    if (!e) m.set(b, (e = {}));
    return e;
  }

  /** Observed Σ δ² of two raters' lists (in rater order). */
  observed(a: readonly Unit[], b: readonly Unit[]): bigint {
    const e = this.entry(a, b);
    return (e.observed ??= observedPairSum(a, b, this.B, this.L));
  }

  /** `[cross(a → b), cross(b → a)]`: units of one, gaps of the other. */
  cross(a: readonly Unit[], b: readonly Unit[]): [bigint, bigint] {
    const e = this.entry(a, b);
    if (!e.cross) {
      const pa = this.part(a).part;
      const pb = this.part(b).part;
      e.cross = [crossTerm(pa, pb), crossTerm(pb, pa)];
    }
    return e.cross;
  }
}

/** One rater's validated units per label (double path: lists shared with a previous version). */
class RaterUnits {
  readonly units: Map<string, readonly Unit[]>;

  constructor(units: Map<string, readonly Unit[]>, previous?: RaterUnits) {
    this.units = units;
    if (!previous) return;
    for (const [label, list] of units) {
      const old = previous.units.get(label);
      if (old && sameUnits(old, list)) units.set(label, old);
    }
  }

  list(label: string): readonly Unit[] {
    return this.units.get(label) ?? NO_UNITS;
  }
}

function sameUnits(x: readonly Unit[], y: readonly Unit[]): boolean {
  if (x.length !== y.length) return false;
  for (let k = 0; k < x.length; k++) if (x[k].b !== y[k].b || x[k].l !== y[k].l) return false;
  return true;
}

/** DKPro `measureDistance`: δ² of two sections (category null = gap). */
function distance(o1: bigint, l1: bigint, u1: boolean, o2: bigint, l2: bigint, u2: boolean): bigint {
  const bd = o1 - o2;
  const ld = l1 - l2;
  if (u1 && u2 && -l1 < bd && bd < l2) return bd * bd + (bd + ld) * (bd + ld);
  if (u1 && !u2 && -ld >= bd && bd >= 0n) return l1 * l1;
  if (!u1 && u2 && -ld <= bd && bd <= 0n) return l2 * l2;
  return 0n;
}

/** Σ δ² over the overlapping sections of two raters for one label (DKPro observed sweep; BigInt reference). */
function observedPairSumBig(units1: readonly BigUnit[], units2: readonly BigUnit[], B: bigint, L: bigint): bigint {
  let sum = 0n;
  let n1 = 0;
  let n2 = 0;
  let o1 = B;
  let l1 = 0n;
  let o2 = B;
  let l2 = 0n;
  let c1 = false;
  let c2 = false;
  let pos = B;
  const end = B + L;
  while (pos < end && (n1 < units1.length || n2 < units2.length)) {
    if (pos === o1 + l1) {
      if (n1 < units1.length && pos === units1[n1].b) {
        l1 = units1[n1++].l;
        c1 = true;
      } else {
        l1 = (n1 < units1.length ? units1[n1].b : end) - pos;
        c1 = false;
      }
      o1 = pos;
    }
    if (pos === o2 + l2) {
      if (n2 < units2.length && pos === units2[n2].b) {
        l2 = units2[n2++].l;
        c2 = true;
      } else {
        l2 = (n2 < units2.length ? units2[n2].b : end) - pos;
        c2 = false;
      }
      o2 = pos;
    }
    sum += distance(o1, l1, c1, o2, l2, c2);
    pos = o1 + l1 < o2 + l2 ? o1 + l1 : o2 + l2;
  }
  return sum;
}

/** Gap lengths of one rater for one label (DKPro expected sweep; BigInt reference). */
function gapsOfBig(units: readonly BigUnit[], B: bigint, L: bigint, out: bigint[]): void {
  let next = 0;
  let offset = B;
  let length = 0n;
  let pos = B;
  const end = B + L;
  while (pos < end) {
    if (pos === offset + length) {
      if (next < units.length && pos === units[next].b) {
        length = units[next++].l;
      } else {
        length = (next < units.length ? units[next].b : end) - pos;
        out.push(length);
      }
      offset = pos;
    }
    pos = offset + length;
  }
}

/**
 * Expected disagreement of one label as an exact fraction:
 * D_e,c = (2/L) Σ_g [(N_c−1)(2l³−3l²+l)/3 + l² Σ_{gaps h: l_h ≥ l}(l_h − l + 1)] / [RL(RL−1) − Σ_g l(l−1)].
 * (2l³−3l²+l = l(l−1)(2l−1) is divisible by 6, so the /3 is exact.)
 */
function expectedBig(units: readonly BigUnit[][], B: bigint, L: bigint): Fraction {
  const all = units.flat();
  const R = BigInt(units.length);
  const Nc = BigInt(all.length);
  const gaps: bigint[] = [];
  for (const u of units) gapsOfBig(u, B, L, gaps);
  gaps.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  // suffix sums over ascending gaps: Σ_{k≥i} gap_k
  const suffix: bigint[] = new Array<bigint>(gaps.length + 1).fill(0n);
  for (let i = gaps.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + gaps[i];
  let num = 0n;
  let sumLL = 0n;
  for (const { l } of all) {
    sumLL += l * (l - 1n);
    // first index with gap ≥ l
    let lo = 0;
    let hi = gaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (gaps[mid] >= l) hi = mid;
      else lo = mid + 1;
    }
    const cnt = BigInt(gaps.length - lo);
    const gapTerm = suffix[lo] - cnt * (l - 1n);
    num += ((Nc - 1n) * (2n * l * l * l - 3n * l * l + l)) / 3n + l * l * gapTerm;
  }
  return frac(2n * num, L * (R * L * (R * L - 1n) - sumLL));
}

/**
 * Krippendorff's α_U (DKPro variant). Input times must be integer ticks; the result depends on
 * the tick resolution (SPEC §5a), so record the resolution with the result.
 */
export function unitizingAlpha(input: UnitizingInput, options: UnitizingOptions = {}): UnitizingResult {
  const overlap = options.overlap ?? 'reject';
  const B = tick(input.continuum.start, 'continuum.start');
  const E = tick(input.continuum.end, 'continuum.end');
  if (E <= B) throw new AgreementInputError('invalid_params', 'continuum must have positive length');
  const L = E - B;
  const raters = input.raters;
  const R = raters.length;
  const memo = options.memo;
  // Doubles are exact for positions and for the gap sums (≤ R·L) below 2^50; products go
  // through ExactSum. Longer continua (or arithmetic: 'bigint') use the BigInt reference sweep.
  const fast = options.arithmetic !== 'bigint' && R * L <= 2 ** 50 && Math.abs(B) + L <= 2 ** 50;
  const store = fast ? (memo?.store ?? new UnitizingStore(B, L)) : null;
  if (store && (store.B !== B || store.L !== L))
    throw new AgreementInputError('invalid_params', 'unitizing memo store of another continuum');
  const perRater = raters.map((r, i) => {
    const make = (): RaterUnits => {
      const previous = memo?.previous?.<RaterUnits>(i);
      // Units per segment object only pay off for new versions of a rater (live edits).
      const unitOf = previous ? memo?.store?.units : undefined;
      return new RaterUnits(raterUnits(input.annotators[r] ?? [], B, E, r, overlap, unitOf), previous);
    };
    return fast && memo ? memo.rater(i, make) : make();
  });
  // Labels in order of first appearance (DKPro keeps a LinkedHashSet of categories).
  const labels: string[] = [];
  for (const m of perRater) for (const k of m.units.keys()) if (!labels.includes(k)) labels.push(k);
  const base = { L, R, per_label: {} as Record<string, UnitizingLabelResult> };
  if (R < 2) return { ...base, alpha: null, D_o: null, D_e: null, reason: 'need_two_raters' };
  if (labels.length === 0) return { ...base, alpha: null, D_o: null, D_e: null, reason: 'empty_input' };

  const Rb = BigInt(R);
  const Lb = BigInt(L);
  const Q = Rb * (Rb - 1n) * Lb * Lb; // D_o,c = 2·S_c / Q
  const Bb = BigInt(B);
  const toBig = (list: readonly Unit[]): BigUnit[] => list.map((u) => ({ b: BigInt(u.b), l: BigInt(u.l) }));
  let sumS = 0n;
  let sumDe: Fraction = { n: 0n, d: 1n };
  for (const label of labels) {
    let S = 0n;
    let De: Fraction;
    if (store) {
      const lists = perRater.map((m) => m.list(label));
      for (let i = 0; i < R; i++) for (let j = i + 1; j < R; j++) S += store.observed(lists[i], lists[j]);
      const parts = lists.map((list) => store.part(list).part);
      const cross = (i: number, j: number): bigint => {
        if (i === j) return store.part(lists[i]).self;
        return i < j ? store.cross(lists[i], lists[j])[0] : store.cross(lists[j], lists[i])[1];
      };
      De = expected(parts, cross, L);
    } else {
      const big = perRater.map((m) => toBig(m.list(label)));
      for (let i = 0; i < R; i++) for (let j = i + 1; j < R; j++) S += observedPairSumBig(big[i], big[j], Bb, Lb);
      De = expectedBig(big, Bb, Lb);
    }
    sumS += S;
    sumDe = fadd(sumDe, De);
    base.per_label[label] = labelResult(frac(2n * S, Q), De);
  }
  const C = BigInt(labels.length);
  const D_o = bigRatio(2n * sumS, Q * C);
  const D_e = bigRatio(sumDe.n, sumDe.d * C);
  if (sumDe.n === 0n) return { ...base, alpha: null, D_o, D_e, reason: 'no_variation' };
  // α = 1 − (2ΣS/Q) / (ΣD_e) = (Q·n_e − 2ΣS·d_e) / (Q·n_e)
  const alphaNum = Q * sumDe.n - 2n * sumS * sumDe.d;
  return { ...base, alpha: bigRatio(alphaNum, Q * sumDe.n), D_o, D_e, reason: null };
}

function labelResult(Do: Fraction, De: Fraction): UnitizingLabelResult {
  const D_o = bigRatio(Do.n, Do.d);
  const D_e = bigRatio(De.n, De.d);
  let reason: ReasonCode | null = null;
  let alpha: number | null;
  if (De.n === 0n) {
    alpha = null;
    reason = 'no_variation';
  } else if (Do.n * De.d === De.n * Do.d) alpha = 0;
  else alpha = bigRatio(De.n * Do.d - Do.n * De.d, De.n * Do.d);
  return { alpha, D_o, D_e, reason };
}
