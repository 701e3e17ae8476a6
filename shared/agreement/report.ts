/**
 * Task agreement report (issue §2): per tier, across the annotator layers of a task and against
 * gold, every metric of the library that applies to the tier's kind, per label, per annotator
 * pair, with confusion matrices and diagnostics. Pure and browser-safe like the metrics.
 *
 *  - segment tiers: time-sliced α (nominal) and Fleiss' κ over all annotators, Cohen's κ per pair
 *    (interval sweep, SPEC §7), αU (SPEC §5a), segment F1 at the IoU threshold with boundary
 *    errors (SPEC §6a), WER of transcripts on matched segments (SPEC §9);
 *  - event tiers: tolerance matching (SPEC §6b; onsets only);
 *  - span tiers: span F1 (SPEC §8, exact or overlap), token κ per pair and token α over all
 *    annotators;
 *  - every kind: α per attribute and α of labels over label-blind matched units, per-label
 *    figures (one-vs-rest), confusion matrices (unmatched as ∅) and diagnostics.
 *
 * Conventions (documented in README.md):
 *  - annotators are identified by user id and listed sorted; the order, ids and storage order of
 *    annotations never matter (items are put in a canonical order first);
 *  - times are converted to integer ticks of `settings.resolution` for the tick-based
 *    coefficients (rounded to the nearest tick); segments shorter than a tick are left out of
 *    those; the continuum is `[0, max(media duration, last segment end))`;
 *  - spans are compared per text: a text media file (`mediaId`), or the transcript of a segment
 *    (`textAnnotationId`) identified by the segment's time range and text (a transcript imported
 *    into every layer gives the same key in each); token κ / α use the texts someone annotated;
 *  - gold: the first gold layer (by layer id) with annotations on the tier; it is the reference
 *    (`a`) of the `vsGold` pairs and never enters the multi-annotator coefficients.
 *
 * Incremental use (server/agreement/live.ts): {@link prepareTierLayer} turns one layer's
 * annotations of one tier into an immutable {@link PreparedLayer}; {@link tierReport} takes the
 * prepared layers and an optional {@link AgreementCache}, which memoises everything that depends
 * on one layer (slice runs, token labels) or one pair of layers (matchings, WER, attributes) by
 * object identity. Replacing only the edited layer's PreparedLayer recomputes only its pairs;
 * per tier the cache also keeps the previous report's layers (a replaced layer's αU unit lists
 * are reused where unchanged) and the time-slice sweep state (only the edited stretch of the
 * timeline is swept again).
 */
import type { Annotation } from '../model/annotation.ts';
import type { AttributeDef, AttributeValue, Taxonomy } from '../model/taxonomy.ts';
import { layerCoversTier, type Tier } from '../model/tier.ts';
import { cohenKappaFromConfusion, confusionFromWeightedPairs } from './cohen.ts';
import { matchEvents } from './events.ts';
import { fleissKappaCoded } from './fleiss.ts';
import { krippendorffAlphaCoded } from './krippendorff.ts';
import { isAgreementInputError } from './reasons.ts';
import type { InputErrorCode, ReasonCode } from './reasons.ts';
import { collapseRows, completeRows, oneVsRest } from './rows.ts';
import type { CodedRows } from './rows.ts';
import { maxCardinalityMatching } from './assignment.ts';
import type { WeightedEdge } from './assignment.ts';
import { eligiblePairs, iou, segmentMatchesFromEdges } from './segments.ts';
import { exactSpanKeys, exactSpanMatches, spanF1Lists } from './spans.ts';
import { SliceSweep, sliceRuns } from './sweep.ts';
import type { SliceStatsOptions } from './sweep.ts';
import { NO_LABEL, sliceCount } from './timeslice.ts';
import { spanWinners, tokenize, tokenLabels, tokenOffsets } from './tokens.ts';
import type { Token } from './tokens.ts';
import type { CodeValue, Segment } from './types.ts';
import { unitizingAlpha, UnitizingStore, UNLABELLED_UNIT } from './unitizing.ts';
import { prf } from './values.ts';
import { wer } from './wer.ts';
import { tierDiagnostics } from './diagnostics.ts';
import { NO_MATCH, resolveSettings } from './report-types.ts';
import type {
  AgreementSettings,
  AnnotatorSummary,
  AnnotatorTierFigures,
  AttributeReport,
  Figure,
  LabelConfusion,
  LabelReport,
  MatchFigures,
  PairLabelFigures,
  PairReport,
  ReportLayer,
  ReportReason,
  Resolution,
  TaskReport,
  TaskReportInput,
  TierReport,
  TierSummary,
} from './report-types.ts';

// ---------------------------------------------------------------------------------------------
// Prepared layers and the cache

/** One annotation as the report compares it (ids dropped on purpose). */
export interface ReportItem {
  /** Seconds (segments, events) or UTF-16 offsets (spans). */
  readonly start: number;
  readonly end: number;
  readonly label: string | null;
  /** Segment transcript; for spans on a segment transcript, that transcript; '' otherwise. */
  readonly text: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Spans: the text the offsets refer to ('' otherwise). */
  readonly textKey: string;
}

/** One layer's items on one tier, in canonical order; immutable (a cache key). */
export interface PreparedLayer {
  readonly layerId: string;
  readonly userId: string;
  readonly kind: 'annotator' | 'gold';
  readonly tierId: string;
  readonly items: readonly ReportItem[];
  /** Spans whose text could not be resolved (dropped). */
  readonly unresolved: number;
  /** Contents of the segment texts spans refer to, by text key. */
  readonly texts: ReadonlyMap<string, string>;
}

/**
 * Memo of per-layer and per-pair results, keyed by PreparedLayer identity (weakly: replaced
 * layers are collected). One cache per task (settings and tiers must not change under it).
 */
export class AgreementCache {
  readonly perLayer = new WeakMap<PreparedLayer, Map<string, unknown>>();
  readonly perPair = new WeakMap<PreparedLayer, WeakMap<PreparedLayer, PairCore>>();
  readonly perPairMemo = new WeakMap<PreparedLayer, WeakMap<PreparedLayer, Map<string, unknown>>>();
  readonly tokens = new Map<string, Token[]>();
  private readonly tokenBounds = new Map<string, { starts: Float64Array; ends: Float64Array }>();
  /** Interned token labels (token κ / α work on integer codes). */
  readonly tokenLabelCodes = new Map<string, number>();
  readonly tokenLabelNames: string[] = [];
  private readonly labelIds = new Map<string | null, number>();
  private readonly itemTicks = new Map<string, WeakMap<ReportItem, Segment | null>>();
  private nanLabels = 0;
  /** The layers of the previous report of each tier (their memos help with changed layers). */
  readonly lastLayers = new Map<string, readonly PreparedLayer[]>();
  /** αU results per unit list, per tier. */
  readonly unitizingStores = new Map<string, UnitizingStore>();
  /** Time-slice statistics per segment tier, updated per changed layer (see SliceSweep). */
  readonly sliceSweeps = new Map<string, SliceSweep>();
  /** Interned attribute values per `level:attributeId` (α works on integer codes). */
  readonly attributeTables = new Map<string, ValueTable>();
  /** Pair computations done (not served from the memo); for tests and benchmarks. */
  pairComputations = 0;

  /** Id of a label (or null) for equality tests. */
  labelId(label: string | null): number {
    // NaN (not a label, but inputs are not validated) equals nothing, itself included.
    if (label !== label) return -++this.nanLabels;
    let id = this.labelIds.get(label);
    if (id === undefined) this.labelIds.set(label, (id = this.labelIds.size));
    return id;
  }

  /** Segment items in ticks of a resolution, per item (null: shorter than a tick). */
  ticksOfItems(r: Resolution): WeakMap<ReportItem, Segment | null> {
    const key = r.unit === 'ms' ? `ms:${r.ms}` : `frame:${r.fps.num}/${r.fps.den}`;
    let m = this.itemTicks.get(key);
    if (!m) this.itemTicks.set(key, (m = new WeakMap()));
    return m;
  }

  /** A per-layer memo entry if it exists. */
  layerMemoPeek<T>(layer: PreparedLayer, key: string): T | undefined {
    return this.perLayer.get(layer)?.get(key) as T | undefined;
  }

  /** The αU per-list store of a tier for the continuum `[0, T)` (one per tier, the latest). */
  unitizingStore(tierId: string, T: number): UnitizingStore {
    let s = this.unitizingStores.get(tierId);
    if (!s || s.B !== 0 || s.L !== T) this.unitizingStores.set(tierId, (s = new UnitizingStore(0, T)));
    return s;
  }

  layerMemo<T>(layer: PreparedLayer, key: string, make: () => T): T {
    let m = this.perLayer.get(layer);
    if (!m) this.perLayer.set(layer, (m = new Map()));
    if (!m.has(key)) m.set(key, make());
    return m.get(key) as T;
  }

  /** Memo of anything else computed from two prepared layers, by key. */
  pairMemo<T>(a: PreparedLayer, b: PreparedLayer, key: string, make: () => T): T {
    let m = this.perPairMemo.get(a);
    if (!m) this.perPairMemo.set(a, (m = new WeakMap()));
    let k = m.get(b);
    if (!k) m.set(b, (k = new Map()));
    if (!k.has(key)) k.set(key, make());
    return k.get(key) as T;
  }

  pair(a: PreparedLayer, b: PreparedLayer, make: () => PairCore): PairCore {
    let m = this.perPair.get(a);
    if (!m) this.perPair.set(a, (m = new WeakMap()));
    let v = m.get(b);
    if (!v) {
      this.pairComputations++;
      m.set(b, (v = make()));
    }
    return v;
  }

  tokenLabelCode(label: string): number {
    let c = this.tokenLabelCodes.get(label);
    if (c === undefined) {
      c = this.tokenLabelNames.length;
      this.tokenLabelCodes.set(label, c);
      this.tokenLabelNames.push(label);
    }
    return c;
  }

  /** The value table of one attribute at one α level. */
  attributeTable(key: string): ValueTable {
    let t = this.attributeTables.get(key);
    if (!t) this.attributeTables.set(key, (t = new ValueTable()));
    return t;
  }

  /** Token bounds of a text (`tokenOffsets`, memoised). */
  tokenBoundsOf(text: string): { starts: Float64Array; ends: Float64Array } {
    let b = this.tokenBounds.get(text);
    if (!b) {
      if (this.tokenBounds.size > 256) this.tokenBounds.clear();
      this.tokenBounds.set(text, (b = tokenOffsets(text)));
    }
    return b;
  }

  tokensOf(text: string): Token[] {
    let t = this.tokens.get(text);
    if (!t) {
      if (this.tokens.size > 256) this.tokens.clear();
      this.tokens.set(text, (t = tokenize(text)));
    }
    return t;
  }
}

/** Distinct values numbered in order of first appearance (the `values` of coded rows). */
export class ValueTable {
  readonly values: CodeValue[] = [];
  /** True while every value is a string or a number (then equal codes ⇔ equal α values). */
  plain = true;
  private readonly index = new Map<CodeValue, number>();

  code(v: CodeValue): number {
    let c = this.index.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.index.set(v, c);
      this.values.push(v);
      if (typeof v !== 'string' && typeof v !== 'number') this.plain = false;
    }
    return c;
  }
}

/**
 * Nominal α of `n` complete rows of two codes (`codes[2r]`, `codes[2r + 1]`) into a plain value
 * table: `krippendorffAlphaCoded` with the same integer sums and the same final divisions.
 */
function nominalAlphaOfPairs(codes: Int32Array, n: number, nValues: number): Figure {
  const marg = new Float64Array(nValues);
  let disagree = 0;
  for (let r = 0; r < n; r++) {
    const x = codes[2 * r];
    const y = codes[2 * r + 1];
    marg[x]++;
    marg[y]++;
    if (x !== y) disagree++;
  }
  const total = 2 * n;
  let distinct = 0;
  let squares = 0;
  for (let c = 0; c < nValues; c++) {
    if (marg[c] > 0) distinct++;
    squares += marg[c] * marg[c];
  }
  if (distinct <= 1) return figure(null, 'no_variation');
  // Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1) with m_u = 2: 2 per disagreeing row; Σ_{c≠k} n_c n_k.
  const D_o = (2 * disagree) / total;
  const D_e = (total * total - squares) / (total * (total - 1));
  return figure(1 - D_o / D_e, null);
}

const cmpStr = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : a > b ? 1 : 0);

function canonicalAttributes(attrs: Readonly<Record<string, AttributeValue>>): string {
  return JSON.stringify(
    Object.keys(attrs)
      .sort()
      .map((k) => [k, attrs[k]]),
  );
}

function compareItems(x: ReportItem, y: ReportItem): number {
  return (
    cmpStr(x.textKey, y.textKey) ||
    x.start - y.start ||
    x.end - y.end ||
    cmpStr(x.label ?? '', y.label ?? '') ||
    (x.label === null ? 0 : 1) - (y.label === null ? 0 : 1) ||
    cmpStr(x.text, y.text) ||
    cmpStr(canonicalAttributes(x.attributes), canonicalAttributes(y.attributes))
  );
}

/** Text key of a segment transcript: its time range and content (see module doc). */
function segmentTextKey(seg: { start: number; end: number; text: string }): string {
  return `segment:${seg.start}:${seg.end}:${seg.text}`;
}

/**
 * One annotation as a report item (its tier and kind are the caller's concern). Spans on a
 * segment transcript look the segment up with `lookup` and carry its text in `text`; null when
 * that segment cannot be found. Boxes have no item.
 */
export function toReportItem(
  a: Annotation,
  lookup: (id: string) => Annotation | null | undefined,
  mediaKeys?: Map<string, string>,
): ReportItem | null {
  if (a.kind === 'segment') return item(a.start, a.end, a.label, a.text, a.attributes, '');
  if (a.kind === 'event') return item(a.start, a.start, a.label, '', a.attributes, '');
  if (a.kind !== 'span') return null;
  if (a.mediaId !== null) {
    // One key string per media file when the caller keeps `mediaKeys` (cheaper compares).
    let key = mediaKeys?.get(a.mediaId);
    if (key === undefined) {
      key = `media:${a.mediaId}`;
      mediaKeys?.set(a.mediaId, key);
    }
    return item(a.startOffset, a.endOffset, a.label, '', a.attributes, key);
  }
  const seg = a.textAnnotationId === null ? null : lookup(a.textAnnotationId);
  if (!seg || seg.kind !== 'segment') return null;
  return item(a.startOffset, a.endOffset, a.label, seg.text, a.attributes, segmentTextKey(seg));
}

/**
 * A prepared layer from report items of one tier (any order; `unresolved` = spans whose text
 * was not found). Items are put in canonical order and duplicate spans dropped.
 */
export function prepareItems(
  tierId: string,
  layer: Omit<ReportLayer, 'annotations'>,
  source: Iterable<ReportItem>,
  unresolved = 0,
): PreparedLayer {
  const items: ReportItem[] = [];
  const texts = new Map<string, string>();
  let spans = false;
  let finite = true;
  // Indexed loops below: these run once per prepared layer, often before the optimising
  // compiler has seen them, where `for…of` allocates an iterator result per element.
  const list = Array.isArray(source) ? (source as readonly ReportItem[]) : [...source];
  for (let k = 0; k < list.length; k++) {
    const it = list[k];
    if (it.textKey !== '') {
      spans = true;
      if (!Number.isFinite(it.start) || !Number.isFinite(it.end)) finite = false;
      if (it.textKey.startsWith('segment:')) texts.set(it.textKey, it.text);
    }
    items.push(it);
  }
  const out = !spans ? items.sort(compareItems) : finite ? sortDedupe(items) : dedupeThenSort(items);
  return { layerId: layer.layerId, userId: layer.userId, kind: layer.kind, tierId, items: out, unresolved, texts };
}

/**
 * Sorts items canonically and drops duplicate spans (exact span F1 has set semantics): of
 * spans comparing equal, the first in source order is kept. `compareItems` is a total preorder
 * here (finite positions), so the sort is stable and equal items are adjacent afterwards.
 */
function sortDedupe(items: ReportItem[]): ReportItem[] {
  items.sort(compareItems);
  let n = 0;
  let prev: ReportItem | null = null;
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.textKey !== '' && prev !== null && compareItems(prev, it) === 0) continue;
    items[n++] = it;
    prev = it;
  }
  items.length = n;
  return items;
}

/** {@link sortDedupe} for spans with non-finite positions (where compareItems is no order). */
function dedupeThenSort(source: readonly ReportItem[]): ReportItem[] {
  const items: ReportItem[] = [];
  const seenSpans = new Map<string, ReportItem[]>();
  for (const it of source) {
    if (it.textKey === '') {
      items.push(it);
      continue;
    }
    const key = `${it.textKey}\u0000${it.start}\u0000${it.end}\u0000${it.label ?? '\u0001'}`;
    const same = seenSpans.get(key);
    if (same?.some((x) => compareItems(x, it) === 0)) continue;
    if (same) same.push(it);
    else seenSpans.set(key, [it]);
    items.push(it);
  }
  return items.sort(compareItems);
}

/**
 * A layer's annotations on `tier` as report items. `annotations` may hold any tiers (others are
 * ignored); `lookup` finds annotations of the same layer by id (span → its segment's text).
 */
export function prepareTierLayer(
  tier: Tier,
  layer: Omit<ReportLayer, 'annotations'>,
  annotations: Iterable<Annotation>,
  lookup: (id: string) => Annotation | null | undefined,
): PreparedLayer {
  const items: ReportItem[] = [];
  let unresolved = 0;
  for (const a of annotations) {
    if (a.tierId !== tier.id || a.kind !== tier.kind) continue;
    const it = toReportItem(a, lookup);
    if (it) items.push(it);
    else if (a.kind === 'span') unresolved++;
  }
  return prepareItems(tier.id, layer, items, unresolved);
}

function item(
  start: number,
  end: number,
  label: string | null,
  text: string,
  attributes: Readonly<Record<string, AttributeValue>>,
  textKey: string,
): ReportItem {
  return { start, end, label, text, attributes, textKey };
}

/** Seconds → integer ticks of the resolution (nearest tick boundary). */
export function secondsToTicks(seconds: number, r: Resolution): number {
  return r.unit === 'ms' ? Math.round((seconds * 1000) / r.ms) : Math.round((seconds * r.fps.num) / r.fps.den);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const figure = (value: number | null, reason: ReportReason | null): Figure => ({
  value,
  reason: value === null ? (reason ?? 'empty_input') : null,
});

/** Mean of the non-null values; null (with the first reason, or `fallback`) when there are none. */
export function meanFigure(figures: readonly Figure[], fallback: ReportReason = 'need_two_raters'): Figure {
  let sum = 0;
  let n = 0;
  for (const f of figures) {
    if (f.value !== null) {
      sum += f.value;
      n++;
    }
  }
  if (n > 0) return { value: sum / n, reason: null };
  return { value: null, reason: figures.find((f) => f.reason !== null)?.reason ?? fallback };
}

function meanOf(values: readonly (number | null | undefined)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v !== null && v !== undefined) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}

/** Runs `f`; an AgreementInputError becomes its code. */
function attempt<T>(f: () => T): { ok: T } | { error: InputErrorCode } {
  try {
    return { ok: f() };
  } catch (e) {
    if (isAgreementInputError(e)) return { error: e.code };
    throw e;
  }
}

const labelKey = (label: string | null): string => label ?? UNLABELLED_UNIT;

/** Attribute value as an α value: numbers stay numbers, booleans become strings. */
function attrValue(v: AttributeValue | undefined, level: 'nominal' | 'interval'): CodeValue | null {
  if (v === undefined) return null;
  if (level === 'interval') return typeof v === 'number' ? v : null;
  return typeof v === 'boolean' ? String(v) : v;
}

// ---------------------------------------------------------------------------------------------
// Pair computations (memoised per pair of prepared layers)

/** Everything about two layers that does not depend on the other annotators. */
export interface PairCore {
  match: MatchFigures;
  boundaryMatch: MatchFigures;
  /** Label-blind matches: item index pairs `[a0, b0, a1, b1, …]` (a.items, b.items), by `a`. */
  blind: Int32Array;
  /** Label-aware matches, likewise. */
  aware: Int32Array;
  tokenKappa: Figure | null;
  wer: { ab: Figure; ba: Figure } | null;
  attributes: Record<string, Figure>;
}

interface TierCtx {
  /** The earlier version of a layer (same layer id) in the tier's previous report, if replaced. */
  previous: (layer: PreparedLayer) => PreparedLayer | undefined;
  tier: Tier;
  settings: AgreementSettings;
  texts: Readonly<Record<string, string>>;
  attributes: { id: string; level: 'nominal' | 'interval' }[];
  hasText: boolean;
  cache: AgreementCache;
}

function matchFigures(r: {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  reason: ReasonCode | null;
}): MatchFigures {
  return { tp: r.tp, fp: r.fp, fn: r.fn, precision: r.precision, recall: r.recall, f1: r.f1, reason: r.reason };
}

/** A layer's spans grouped by text key, with their indices (memoised per layer). */
function byText(ctx: TierCtx, layer: PreparedLayer): Map<string, { segs: Segment[]; idx: number[] }> {
  return ctx.cache.layerMemo(layer, 'byText', () => {
    const out = new Map<string, { segs: Segment[]; idx: number[] }>();
    layer.items.forEach((it, i) => {
      let g = out.get(it.textKey);
      if (!g) out.set(it.textKey, (g = { segs: [], idx: [] }));
      g.segs.push(it);
      g.idx.push(i);
    });
    return out;
  });
}

/**
 * A layer's item bounds as typed arrays (memoised per layer): starts, ends, running maximum of
 * the ends, and whether every item has finite bounds with end ≥ start (`valid`: what the
 * metrics' segment check accepts).
 */
interface Geometry {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly maxEnd: Float64Array;
  /** Starts non-decreasing (the test of `overlapCandidates`). */
  readonly sorted: boolean;
  readonly valid: boolean;
}

function geometry(cache: AgreementCache, layer: PreparedLayer): Geometry {
  return cache.layerMemo(layer, 'geometry', () => {
    const n = layer.items.length;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const maxEnd = new Float64Array(n);
    let sorted = true;
    let valid = true;
    let running = -Infinity;
    for (let k = 0; k < n; k++) {
      const it = layer.items[k];
      const s = it.start;
      const e = it.end;
      if (typeof s !== 'number' || typeof e !== 'number' || !Number.isFinite(s) || !Number.isFinite(e) || e < s)
        valid = false;
      starts[k] = s;
      ends[k] = e;
      if (k > 0 && s < starts[k - 1]) sorted = false;
      running = Math.max(running, e);
      maxEnd[k] = running;
    }
    return { starts, ends, maxEnd, sorted, valid };
  });
}

/**
 * Items' labels as ids interned in the cache (`label ?? null`: equal ids ⇔ equal labels),
 * memoised per layer.
 */
function labelIdsOf(cache: AgreementCache, layer: PreparedLayer): Int32Array {
  return cache.layerMemo(layer, 'labelIds', () => {
    const out = new Int32Array(layer.items.length);
    for (let k = 0; k < out.length; k++) out[k] = cache.labelId(layer.items[k].label ?? null);
    return out;
  });
}

/** Growable list of weighted edges `(a, b, w)` in typed arrays. */
class EdgeList {
  a: Int32Array;
  b: Int32Array;
  w: Float64Array;
  n = 0;

  constructor(capacity: number) {
    const c = Math.max(16, capacity);
    this.a = new Int32Array(c);
    this.b = new Int32Array(c);
    this.w = new Float64Array(c);
  }

  push(a: number, b: number, w: number): void {
    if (this.n === this.a.length) {
      const a = new Int32Array(2 * this.n);
      const b = new Int32Array(2 * this.n);
      const w = new Float64Array(2 * this.n);
      a.set(this.a);
      b.set(this.b);
      w.set(this.w);
      this.a = a;
      this.b = b;
      this.w = w;
    }
    this.a[this.n] = a;
    this.b[this.n] = b;
    this.w[this.n] = w;
    this.n++;
  }

  /** True when no two edges share an endpoint (edges are grouped by `a`). */
  isMatching(nB: number): boolean {
    const usedB = new Uint8Array(nB);
    for (let k = 0; k < this.n; k++) {
      if (k > 0 && this.a[k] === this.a[k - 1]) return false;
      if (usedB[this.b[k]]) return false;
      usedB[this.b[k]] = 1;
    }
    return true;
  }

  pairs(): Int32Array {
    const out = new Int32Array(2 * this.n);
    for (let k = 0; k < this.n; k++) {
      out[2 * k] = this.a[k];
      out[2 * k + 1] = this.b[k];
    }
    return out;
  }

  edges(): WeightedEdge[] {
    const out: WeightedEdge[] = [];
    for (let k = 0; k < this.n; k++) out.push({ a: this.a[k], b: this.b[k], w: this.w[k] });
    return out;
  }
}

/** Flat `[a0, b0, a1, b1, …]` from matched pairs. */
function flatPairs(matches: readonly (readonly [number, number])[]): Int32Array {
  const out = new Int32Array(2 * matches.length);
  matches.forEach(([a, b], k) => {
    out[2 * k] = a;
    out[2 * k + 1] = b;
  });
  return out;
}

/**
 * Label-blind eligible segment pairs (IoU > 0 and ≥ θ) of sorted layers, in the order of
 * `eligiblePairs` (by `a`, then `b`): the interval sweep of `overlapCandidates` on the
 * memoised bounds, with the same comparisons and the same IoU expression.
 */
function segmentEdges(ga: Geometry, gb: Geometry, threshold: number): EdgeList {
  const edges = new EdgeList(ga.starts.length + 16);
  const { starts, ends, maxEnd } = gb;
  const m = starts.length;
  // With sorted starts (and finite bounds), the first candidate only moves forward.
  const monotone = ga.sorted;
  let lo = 0;
  for (let a = 0; a < ga.starts.length; a++) {
    const as = ga.starts[a];
    const ae = ga.ends[a];
    const lo0 = as - 0;
    const hi0 = ae + 0;
    if (monotone) {
      while (lo < m && !(maxEnd[lo] > lo0)) lo++;
    } else {
      // first k with maxEnd[k] > lo0 (maxEnd is non-decreasing)
      lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (maxEnd[mid] > lo0) hi = mid;
        else lo = mid + 1;
      }
    }
    for (let k = lo; k < m && starts[k] < hi0; k++) {
      if (!(ends[k] > lo0)) continue;
      const bs = starts[k];
      const be = ends[k];
      // iou() of segments.ts, inlined
      const inter = Math.min(ae, be) - Math.max(as, bs);
      const w = inter <= 0 ? 0 : inter / (ae - as + (be - bs) - inter);
      if (w > 0 && w >= threshold) edges.push(a, k, w);
    }
  }
  return edges;
}

/** Segment matching figures and pairs from eligible edges (as `segmentMatchesFromEdges`). */
function segmentMatch(
  A: readonly ReportItem[],
  B: readonly ReportItem[],
  ga: Geometry,
  gb: Geometry,
  edges: EdgeList,
  method: 'optimal' | 'greedy',
): { figures: MatchFigures; matches: Int32Array } {
  let matches: Int32Array;
  let tp: number;
  let sIou = 0;
  let sOn = 0;
  let sOff = 0;
  if (edges.isMatching(B.length)) {
    // Every component is one edge: both methods match every edge (the usual case for θ ≥ 0.5
    // on non-overlapping segments), in `a` order.
    matches = edges.pairs();
    tp = edges.n;
    for (let k = 0; k < tp; k++) {
      const a = edges.a[k];
      const b = edges.b[k];
      sIou += edges.w[k];
      sOn += Math.abs(ga.starts[a] - gb.starts[b]);
      sOff += Math.abs(ga.ends[a] - gb.ends[b]);
    }
  } else {
    const r = segmentMatchesFromEdges(A, B, edges.edges(), method);
    matches = flatPairs(r.matches);
    tp = r.matches.length;
    for (const [a, b] of r.matches) {
      sIou += iou(A[a], B[b]);
      sOn += Math.abs(A[a].start - B[b].start);
      sOff += Math.abs(A[a].end - B[b].end);
    }
  }
  const p = prf(tp, A.length, B.length);
  return {
    figures: {
      tp: p.tp,
      fp: p.fp,
      fn: p.fn,
      precision: p.precision,
      recall: p.recall,
      f1: p.f1,
      reason: p.reason,
      meanIou: tp === 0 ? null : sIou / tp,
      onsetError: tp === 0 ? null : sOn / tp,
      offsetError: tp === 0 ? null : sOff / tp,
    },
    matches,
  };
}

/** Segment pair matchings, label-aware and label-blind (one candidate search for both). */
function segmentPair(
  ctx: TierCtx,
  a: PreparedLayer,
  b: PreparedLayer,
): { match: MatchFigures; boundaryMatch: MatchFigures; aware: Int32Array; blind: Int32Array } {
  const { settings } = ctx;
  const A = a.items;
  const B = b.items;
  const ga = geometry(ctx.cache, a);
  const gb = geometry(ctx.cache, b);
  if (!ga.valid || !gb.valid || !gb.sorted) {
    // Bad bounds or not in canonical order (hand-made input): the metric functions as they are.
    const blindEdges = eligiblePairs(A, B, settings.iouThreshold, 'ignore');
    const sameEdges = blindEdges.filter((e) => (A[e.a].label ?? null) === (B[e.b].label ?? null));
    const same = segmentMatchesFromEdges(A, B, sameEdges, settings.matching);
    const ign = segmentMatchesFromEdges(A, B, blindEdges, settings.matching);
    return {
      match: {
        ...matchFigures(same),
        meanIou: same.mean_iou,
        onsetError: same.onset_mae,
        offsetError: same.offset_mae,
      },
      boundaryMatch: {
        ...matchFigures(ign),
        meanIou: ign.mean_iou,
        onsetError: ign.onset_mae,
        offsetError: ign.offset_mae,
      },
      aware: flatPairs(same.matches),
      blind: flatPairs(ign.matches),
    };
  }
  // The label-aware eligible pairs are the label-blind ones with equal labels (same order).
  const blindEdges = segmentEdges(ga, gb, settings.iouThreshold);
  const sameEdges = new EdgeList(blindEdges.n);
  const la = labelIdsOf(ctx.cache, a);
  const lb = labelIdsOf(ctx.cache, b);
  for (let k = 0; k < blindEdges.n; k++) {
    const i = blindEdges.a[k];
    const j = blindEdges.b[k];
    if (la[i] === lb[j]) sameEdges.push(i, j, blindEdges.w[k]);
  }
  const same = segmentMatch(A, B, ga, gb, sameEdges, settings.matching);
  const ign = segmentMatch(A, B, ga, gb, blindEdges, settings.matching);
  return { match: same.figures, boundaryMatch: ign.figures, aware: same.matches, blind: ign.matches };
}

/** Exact-match keys of a layer's spans over all its texts (memoised per layer). */
function spanKeysOf(ctx: TierCtx, layer: PreparedLayer, labelMode: 'same' | 'ignore'): Map<string, number> {
  return ctx.cache.layerMemo(layer, `spanKeys:${labelMode}`, () => {
    const keys = new Map<string, number>();
    for (const [textKey, g] of byText(ctx, layer)) {
      for (const [k, i] of exactSpanKeys(g.segs, labelMode, `${textKey}\u0000`)) keys.set(k, g.idx[i]);
    }
    return keys;
  });
}

/** Order of two span items on their exact-match key (text, start, end[, label]). */
function compareSpanKeys(x: ReportItem, y: ReportItem, labelMode: 'same' | 'ignore'): number {
  const c = cmpStr(x.textKey, y.textKey) || x.start - y.start || x.end - y.end;
  if (c !== 0 || labelMode === 'ignore') return c;
  return cmpStr(x.label ?? '', y.label ?? '') || (x.label === null ? 0 : 1) - (y.label === null ? 0 : 1);
}

/**
 * Exact span matching of layers in canonical order with finite bounds: the items are sorted by
 * their key, so a merge finds the key intersection. Same result as the string keys of
 * `exactSpanKeys` / `exactSpanMatches` (first index of each key; key counts), without them.
 */
function exactSpanMerge(
  A: readonly ReportItem[],
  B: readonly ReportItem[],
  labelMode: 'same' | 'ignore',
): { figures: MatchFigures; matches: Int32Array } {
  const found: number[] = [];
  let nA = 0;
  let nB = 0;
  let i = 0;
  let j = 0;
  const skip = (list: readonly ReportItem[], k: number): number => {
    let e = k + 1;
    while (e < list.length && compareSpanKeys(list[k], list[e], labelMode) === 0) e++;
    return e;
  };
  while (i < A.length || j < B.length) {
    const c = i >= A.length ? 1 : j >= B.length ? -1 : compareSpanKeys(A[i], B[j], labelMode);
    if (c === 0) found.push(i, j);
    if (c <= 0) {
      nA++;
      i = skip(A, i);
    }
    if (c >= 0) {
      nB++;
      j = skip(B, j);
    }
  }
  return { figures: matchFigures(prf(found.length / 2, nA, nB)), matches: Int32Array.from(found) };
}

/**
 * True when the items are in canonical order (prepareItems) with finite bounds and text keys
 * without U+0000 (the separator of the string keys `exactSpanKeys` would build).
 */
function spanReady(ctx: TierCtx, layer: PreparedLayer): boolean {
  return ctx.cache.layerMemo(layer, 'spanReady', () => {
    const items = layer.items;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      if (!Number.isFinite(it.start) || !Number.isFinite(it.end) || it.end < it.start) return false;
      const newKey = k === 0 || it.textKey !== items[k - 1].textKey;
      if (newKey && (typeof it.textKey !== 'string' || it.textKey.includes('\u0000'))) return false;
      if (k > 0 && compareItems(items[k - 1], it) > 0) return false;
    }
    return true;
  });
}

/**
 * Overlap span matching on one text (as `spanF1Lists` with mode `'overlap'` on validated
 * spans sorted by start): candidate sweep, then Hopcroft–Karp on the same adjacency lists, or
 * the edges themselves when no two share a span.
 */
function overlapSpanMatches(
  A: readonly Segment[],
  B: readonly Segment[],
  aIdx: readonly number[],
  bIdx: readonly number[],
  labelMode: 'same' | 'ignore',
  out: number[],
): void {
  const m = B.length;
  const maxEnd = new Float64Array(m);
  let running = -Infinity;
  for (let k = 0; k < m; k++) {
    running = Math.max(running, B[k].end);
    maxEnd[k] = running;
  }
  const edges = new EdgeList(A.length);
  const offsets = new Int32Array(A.length + 1);
  let matching = true;
  const usedB = new Uint8Array(m);
  // Spans are valid and sorted by start: the first candidate only moves forward.
  let lo = 0;
  for (let a = 0; a < A.length; a++) {
    const sa = A[a];
    while (lo < m && !(maxEnd[lo] > sa.start)) lo++;
    const first = edges.n;
    for (let k = lo; k < m && B[k].start < sa.end; k++) {
      const sb = B[k];
      if (!(sb.end > sa.start)) continue;
      if (labelMode === 'same' && (sa.label ?? null) !== (sb.label ?? null)) continue;
      if (Math.min(sa.end, sb.end) > Math.max(sa.start, sb.start)) {
        if (edges.n > first || usedB[k]) matching = false;
        usedB[k] = 1;
        edges.push(a, k, 0);
      }
    }
    offsets[a + 1] = edges.n;
  }
  if (matching) {
    for (let k = 0; k < edges.n; k++) out.push(aIdx[edges.a[k]], bIdx[edges.b[k]]);
    return;
  }
  const adj = Array.from(A, (_, a) => Array.from(edges.b.subarray(offsets[a], offsets[a + 1])));
  const matchA = maxCardinalityMatching(m, adj);
  matchA.forEach((b, a) => {
    if (b >= 0) out.push(aIdx[a], bIdx[b]);
  });
}

function spanMatches(
  ctx: TierCtx,
  a: PreparedLayer,
  b: PreparedLayer,
  mode: 'exact' | 'overlap',
  labelMode: 'same' | 'ignore',
): { figures: MatchFigures; matches: Int32Array } {
  const ready = spanReady(ctx, a) && spanReady(ctx, b);
  if (mode === 'exact') {
    if (ready) return exactSpanMerge(a.items, b.items, labelMode);
    // Set semantics over (text, start, end[, label]) keys, as spanF1Lists per text.
    const ka = spanKeysOf(ctx, a, labelMode);
    const kb = spanKeysOf(ctx, b, labelMode);
    const matches = exactSpanMatches(ka, kb);
    return { figures: matchFigures(prf(matches.length, ka.size, kb.size)), matches: flatPairs(matches) };
  }
  const ga = byText(ctx, a);
  const gb = byText(ctx, b);
  if (ready) {
    const found: number[] = [];
    for (const [key, ta] of ga) {
      const tb = gb.get(key);
      if (tb) overlapSpanMatches(ta.segs, tb.segs, ta.idx, tb.idx, labelMode, found);
    }
    // Texts are contiguous in canonical order, so the pairs come sorted by `a` already.
    return {
      figures: matchFigures(prf(found.length / 2, a.items.length, b.items.length)),
      matches: Int32Array.from(found),
    };
  }
  const matches: [number, number][] = [];
  for (const [key, ta] of ga) {
    const tb = gb.get(key);
    if (!tb) continue;
    const r = spanF1Lists(ta.segs, tb.segs, { mode, label_mode: labelMode });
    for (const [i, j] of r.matches) matches.push([ta.idx[i], tb.idx[j]]);
  }
  matches.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return { figures: matchFigures(prf(matches.length, a.items.length, b.items.length)), matches: flatPairs(matches) };
}

/**
 * Token label codes (cache.tokenLabelNames) of one layer's spans on one text, the code of "O"
 * and the tokens whose code is another one (ascending).
 */
interface TokenCodes {
  readonly codes: Int32Array;
  readonly outside: number;
  readonly marked: Int32Array;
}

function tokenLabelsOf(ctx: TierCtx, layer: PreparedLayer, textKey: string, text: string): TokenCodes {
  return ctx.cache.layerMemo(layer, `tokens:${ctx.settings.tokenScheme}:${textKey}`, () => {
    const spans = byText(ctx, layer).get(textKey)?.segs ?? [];
    const scheme = ctx.settings.tokenScheme;
    const outside = ctx.cache.tokenLabelCode('O');
    let codes: Int32Array;
    if (!spanReady(ctx, layer)) {
      const labels = tokenLabels(ctx.cache.tokensOf(text), spans, scheme);
      codes = new Int32Array(labels.length);
      for (let t = 0; t < labels.length; t++) codes[t] = ctx.cache.tokenLabelCode(labels[t]);
    } else {
      // tokenLabels without the strings: the winning span of each token, then one code per
      // span (and per B-/I- prefix).
      const bounds = ctx.cache.tokenBoundsOf(text);
      const ss = new Float64Array(spans.length);
      const se = new Float64Array(spans.length);
      const sl: (string | null)[] = [];
      for (let k = 0; k < spans.length; k++) {
        ss[k] = spans[k].start;
        se[k] = spans[k].end;
        sl.push(spans[k].label ?? null);
      }
      const winners = spanWinners(bounds.starts, bounds.ends, ss, se, sl);
      codes = new Int32Array(winners.length);
      const codeB = new Int32Array(spans.length).fill(-1);
      const codeI = new Int32Array(spans.length).fill(-1);
      const started = new Uint8Array(spans.length);
      for (let t = 0; t < winners.length; t++) {
        const best = winners[t];
        if (best < 0) {
          codes[t] = outside;
          continue;
        }
        const label = spans[best].label ?? '';
        if (scheme === 'IO') {
          if (codeB[best] < 0) codeB[best] = ctx.cache.tokenLabelCode(label);
          codes[t] = codeB[best];
        } else if (started[best]) {
          if (codeI[best] < 0) codeI[best] = ctx.cache.tokenLabelCode(`I-${label}`);
          codes[t] = codeI[best];
        } else {
          started[best] = 1;
          if (codeB[best] < 0) codeB[best] = ctx.cache.tokenLabelCode(`B-${label}`);
          codes[t] = codeB[best];
        }
      }
    }
    const marked: number[] = [];
    for (let t = 0; t < codes.length; t++) if (codes[t] !== outside) marked.push(t);
    return { codes, outside, marked: Int32Array.from(marked) };
  });
}

/** Text content of a span text key, if known (media from the input, segments from a layer). */
function textOf(ctx: TierCtx, key: string, layers: readonly PreparedLayer[]): string | null {
  if (key.startsWith('media:')) return ctx.texts[key.slice('media:'.length)] ?? null;
  for (const l of layers) {
    const t = l.texts.get(key);
    if (t !== undefined) return t;
  }
  return null;
}

/** Text keys anyone among `layers` annotated whose content is known, sorted, with the text. */
function annotatedTexts(ctx: TierCtx, layers: readonly PreparedLayer[]): { key: string; text: string }[] {
  const keys = new Set<string>();
  for (const l of layers) for (const k of byText(ctx, l).keys()) keys.add(k);
  const out: { key: string; text: string }[] = [];
  for (const key of [...keys].sort(cmpStr)) {
    const text = textOf(ctx, key, layers);
    if (text !== null) out.push({ key, text });
  }
  return out;
}

/** Token κ of two layers over the texts either annotated. */
function tokenKappaOf(ctx: TierCtx, a: PreparedLayer, b: PreparedLayer): Figure {
  // Tokens of a text nobody marked would only add O/O.
  const texts = annotatedTexts(ctx, [a, b]).map(({ key, text }) => [
    tokenLabelsOf(ctx, a, key, text),
    tokenLabelsOf(ctx, b, key, text),
  ]);
  const names = ctx.cache.tokenLabelNames;
  const V = names.length;
  const counts = new Float64Array(V * V);
  let n = 0;
  for (const [ta, tb] of texts) {
    // Tokens "O" on both sides are counted at once; the others are where either is marked.
    const la = ta.codes;
    const lb = tb.codes;
    const ma = ta.marked;
    const mb = tb.marked;
    let i = 0;
    let j = 0;
    let both = 0;
    while (i < ma.length || j < mb.length) {
      const t = j >= mb.length || (i < ma.length && ma[i] <= mb[j]) ? ma[i] : mb[j];
      if (i < ma.length && ma[i] === t) i++;
      if (j < mb.length && mb[j] === t) j++;
      counts[la[t] * V + lb[t]]++;
      both++;
    }
    counts[ta.outside * V + tb.outside] += la.length - both;
    n += la.length;
  }
  const triples: [string, string, number][] = [];
  for (let x = 0; x < V; x++)
    for (let y = 0; y < V; y++) if (counts[x * V + y] > 0) triples.push([names[x], names[y], counts[x * V + y]]);
  const c = cohenKappaFromConfusion(confusionFromWeightedPairs(triples), {}, n);
  return figure(c.kappa, c.reason);
}

/** One attribute's values over a layer's items as codes into the cache's table for it. */
function attributeCodes(
  ctx: { cache: AgreementCache },
  layer: PreparedLayer,
  id: string,
  level: 'nominal' | 'interval',
): { codes: Int32Array; values: CodeValue[] } {
  const table = ctx.cache.attributeTable(`${level}:${id}`);
  const codes = ctx.cache.layerMemo(layer, `attr:${level}:${id}`, () => {
    const out = new Int32Array(layer.items.length);
    for (let k = 0; k < out.length; k++) {
      const v = attrValue(layer.items[k].attributes[id], level);
      out[k] = v === null ? -1 : table.code(v);
    }
    return out;
  });
  return { codes, values: table.values };
}

function computePair(ctx: TierCtx, a: PreparedLayer, b: PreparedLayer): PairCore {
  const { settings, tier } = ctx;
  const A = a.items;
  const B = b.items;
  let match: MatchFigures;
  let boundaryMatch: MatchFigures;
  let aware: Int32Array;
  let blind: Int32Array;
  let tokenKappa: Figure | null = null;
  if (tier.kind === 'segment') {
    ({ match, boundaryMatch, aware, blind } = segmentPair(ctx, a, b));
  } else if (tier.kind === 'event') {
    const p = { onset_tolerance: settings.eventToleranceSeconds, offset_ratio: null };
    const same = matchEvents(A, B, { ...p, label_mode: 'same' });
    const ign = matchEvents(A, B, { ...p, label_mode: 'ignore' });
    match = matchFigures(same);
    boundaryMatch = matchFigures(ign);
    aware = flatPairs(same.matches);
    blind = flatPairs(ign.matches);
  } else {
    const same = spanMatches(ctx, a, b, settings.spanMode, 'same');
    const ign = spanMatches(ctx, a, b, 'overlap', 'ignore');
    match = same.figures;
    boundaryMatch = ign.figures;
    aware = same.matches;
    blind = ign.matches;
    tokenKappa = tokenKappaOf(ctx, a, b);
  }
  const nBlind = blind.length / 2;
  let werFig: { ab: Figure; ba: Figure } | null = null;
  if (tier.kind === 'segment' && ctx.hasText) {
    const ref: string[] = [];
    const hyp: string[] = [];
    for (let k = 0; k < nBlind; k++) {
      ref.push(A[blind[2 * k]].text);
      hyp.push(B[blind[2 * k + 1]].text);
    }
    const norm = { normalization: settings.werNormalization };
    const ab = wer({ reference: ref, hypothesis: hyp }, norm);
    const ba = wer({ reference: hyp, hypothesis: ref }, norm);
    werFig = { ab: figure(ab.wer, ab.reason ?? 'empty_input'), ba: figure(ba.wer, ba.reason ?? 'empty_input') };
    if (nBlind === 0) werFig = { ab: figure(null, 'no_pairable_data'), ba: figure(null, 'no_pairable_data') };
  }
  const attributes: Record<string, Figure> = {};
  for (const { id, level } of ctx.attributes) {
    const va = attributeCodes(ctx, a, id, level);
    const vb = attributeCodes(ctx, b, id, level).codes;
    const codes = new Int32Array(2 * nBlind);
    let n = 0;
    for (let k = 0; k < nBlind; k++) {
      const x = va.codes[blind[2 * k]];
      const y = vb[blind[2 * k + 1]];
      if (x < 0 || y < 0) continue;
      codes[2 * n] = x;
      codes[2 * n + 1] = y;
      n++;
    }
    if (n === 0) continue;
    if (level === 'nominal' && ctx.cache.attributeTable(`${level}:${id}`).plain) {
      attributes[id] = nominalAlphaOfPairs(codes, n, va.values.length);
      continue;
    }
    const rows: CodedRows = {
      values: va.values,
      width: 2,
      codes: codes.subarray(0, 2 * n),
      weights: new Float64Array(n).fill(1),
    };
    const al = krippendorffAlphaCoded(rows, { level });
    attributes[id] = figure(al.alpha, al.reason);
  }
  return { match, boundaryMatch, aware, blind, tokenKappa, wer: werFig, attributes };
}

// ---------------------------------------------------------------------------------------------
// Tier report

/** Ordered label keys: taxonomy order, then unknown labels sorted, then `__unit__`. */
function orderLabels(taxonomy: Taxonomy, used: Iterable<string>): string[] {
  const order = new Map(taxonomy.classes.map((c, i) => [c.id, i]));
  const rank = (l: string): number => (l === UNLABELLED_UNIT ? Infinity : (order.get(l) ?? taxonomy.classes.length));
  return [...new Set(used)].sort((x, y) => rank(x) - rank(y) || cmpStr(x, y));
}

/** Label counts of one layer: `counts[k]` items with label `labels[k]`. */
function labelCounts(codes: Int32Array, nLabels: number): number[] {
  const out = new Array<number>(nLabels).fill(0);
  for (let k = 0; k < codes.length; k++) out[codes[k]]++;
  return out;
}

function confusionOf(labels: readonly string[], la: Int32Array, lb: Int32Array, blind: Int32Array): LabelConfusion {
  const none = labels.length;
  const counts = [...labels, NO_MATCH].map(() => new Array<number>(none + 1).fill(0));
  const usedA = new Uint8Array(la.length);
  const usedB = new Uint8Array(lb.length);
  for (let k = 0; k < blind.length; k += 2) {
    const i = blind[k];
    const j = blind[k + 1];
    usedA[i] = 1;
    usedB[j] = 1;
    counts[la[i]][lb[j]]++;
  }
  for (let i = 0; i < la.length; i++) if (!usedA[i]) counts[la[i]][none]++;
  for (let j = 0; j < lb.length; j++) if (!usedB[j]) counts[none][lb[j]]++;
  return { labels: [...labels, NO_MATCH], counts };
}

function perLabelOf(
  labels: readonly string[],
  la: Int32Array,
  lb: Int32Array,
  aware: Int32Array,
): Record<string, PairLabelFigures> {
  const a = labelCounts(la, labels.length);
  const b = labelCounts(lb, labels.length);
  const tp = new Array<number>(labels.length).fill(0);
  for (let k = 0; k < aware.length; k += 2) tp[la[aware[k]]]++;
  const out: Record<string, PairLabelFigures> = {};
  labels.forEach((l, k) => {
    out[l] = { a: a[k], b: b[k], tp: tp[k], f1: a[k] + b[k] === 0 ? null : (2 * tp[k]) / (a[k] + b[k]) };
  });
  return out;
}

/** Items whose labels differ among matched pairs. */
function labelDisagreementsOf(la: Int32Array, lb: Int32Array, blind: Int32Array): number {
  let n = 0;
  for (let k = 0; k < blind.length; k += 2) if (la[blind[k]] !== lb[blind[k + 1]]) n++;
  return n;
}

/**
 * What the tier report needs from every item of a layer, in one scan (memoised per layer):
 * distinct label keys (first appearance) with each item's index into them, and attribute keys.
 */
interface LayerScan {
  readonly labels: readonly string[];
  readonly local: Int32Array;
  readonly attributeKeys: ReadonlySet<string>;
}

const hasOwn = Object.prototype.hasOwnProperty;

function scanOf(cache: AgreementCache, layer: PreparedLayer): LayerScan {
  return cache.layerMemo(layer, 'scan', () => {
    const index = new Map<string, number>();
    const labels: string[] = [];
    const local = new Int32Array(layer.items.length);
    const attributeKeys = new Set<string>();
    let lastAttributes: unknown = null;
    layer.items.forEach((it, i) => {
      const key = labelKey(it.label);
      let c = index.get(key);
      if (c === undefined) {
        c = labels.length;
        index.set(key, c);
        labels.push(key);
      }
      local[i] = c;
      if (it.attributes !== lastAttributes) {
        // own enumerable string keys, as Object.keys
        for (const k in it.attributes) if (hasOwn.call(it.attributes, k)) attributeKeys.add(k);
        lastAttributes = it.attributes;
      }
    });
    return { labels, local, attributeKeys };
  });
}

/** A layer's label codes (indices into the tier's `labels`), memoised per layer and label list. */
function labelCodesOf(
  cache: AgreementCache,
  layer: PreparedLayer,
  labelIndex: ReadonlyMap<string, number>,
  labelsKey: string,
): Int32Array {
  return cache.layerMemo(layer, `codes:${labelsKey}`, () => {
    const scan = scanOf(cache, layer);
    const table = scan.labels.map((l) => labelIndex.get(l)!);
    const out = new Int32Array(scan.local.length);
    for (let k = 0; k < out.length; k++) out[k] = table[scan.local[k]];
    return out;
  });
}

/** Tier-level inputs besides the layers. */
export interface TierReportContext {
  tier: Tier;
  taxonomy: Taxonomy;
  settings: AgreementSettings;
  mediaDuration?: number | null;
  texts?: Readonly<Record<string, string>> | null;
}

/** Attributes compared on a tier: defined, non-text ones on the tier or used by its items. */
function tierAttributes(
  taxonomy: Taxonomy,
  tier: Tier,
  layers: readonly PreparedLayer[],
  cache: AgreementCache,
): { id: string; level: 'nominal' | 'interval' }[] {
  const defs = new Map<string, AttributeDef>(taxonomy.attributes.map((a) => [a.id, a]));
  const ids = new Set(tier.attributeIds);
  for (const l of layers) for (const k of scanOf(cache, l).attributeKeys) ids.add(k);
  const out: { id: string; level: 'nominal' | 'interval' }[] = [];
  for (const id of [...ids].sort(cmpStr)) {
    const d = defs.get(id);
    if (!d || d.type === 'text') continue;
    out.push({ id, level: d.type === 'number' ? 'interval' : 'nominal' });
  }
  return out;
}

/**
 * Label-blind aligned units over all annotators: connected components of pairwise matches with
 * items of at least two raters. Returns `count` units as rows of `layers.length` cells: the
 * rater's item index in the unit, −1 none, −2 ambiguous (two items of one rater in one unit).
 * Units come in order of their first item (layer by layer, item by item).
 */
function alignedUnits(
  layers: readonly PreparedLayer[],
  blind: (i: number, j: number) => Int32Array,
): { count: number; cells: Int32Array } {
  const R = layers.length;
  const offset: number[] = [];
  let total = 0;
  for (const l of layers) {
    offset.push(total);
    total += l.items.length;
  }
  const parent = new Int32Array(total);
  for (let i = 0; i < total; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  let linked = false;
  for (let i = 0; i < R; i++) {
    for (let j = i + 1; j < R; j++) {
      const m = blind(i, j);
      for (let k = 0; k < m.length; k += 2) {
        const rx = find(offset[i] + m[k]);
        const ry = find(offset[j] + m[k + 1]);
        if (rx !== ry) parent[rx] = ry;
        linked = true;
      }
    }
  }
  if (!linked) return { count: 0, cells: new Int32Array(0) };
  const unitOf = new Int32Array(total).fill(-1);
  const unitOfItem = new Int32Array(total);
  let nUnits = 0;
  for (let x = 0; x < total; x++) {
    const root = find(x);
    if (unitOf[root] < 0) unitOf[root] = nUnits++;
    unitOfItem[x] = unitOf[root];
  }
  const cells = new Int32Array(nUnits * R).fill(-1);
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < layers[r].items.length; k++) {
      const c = unitOfItem[offset[r] + k] * R + r;
      cells[c] = cells[c] === -1 ? k : -2;
    }
  }
  let count = 0;
  for (let u = 0; u < nUnits; u++) {
    let present = 0;
    for (let r = 0; r < R; r++) if (cells[u * R + r] >= 0) present++;
    if (present < 2) continue;
    if (count !== u) for (let r = 0; r < R; r++) cells[count * R + r] = cells[u * R + r];
    count++;
  }
  return { count, cells: cells.subarray(0, count * R) };
}

/** Coded rows of aligned units: column r = code of rater r's item (`codes[r]`), −1 when none. */
function unitRows(
  units: { count: number; cells: Int32Array },
  codes: readonly Int32Array[],
  values: readonly CodeValue[],
): CodedRows {
  const R = codes.length;
  const out = new Int32Array(units.count * R);
  for (let q = 0; q < out.length; q++) {
    const k = units.cells[q];
    out[q] = k >= 0 ? codes[q % R][k] : -1;
  }
  return { values, width: R, codes: out, weights: new Float64Array(units.count).fill(1) };
}

/**
 * The report of one tier from prepared layers (annotators and gold, any order). Reuses the
 * cache's per-layer and per-pair results when given.
 */
export function tierReport(
  context: TierReportContext,
  layers: readonly PreparedLayer[],
  cache: AgreementCache = new AgreementCache(),
): TierReport {
  const { tier, taxonomy, settings } = context;
  const annotators = layers
    .filter((l) => l.kind === 'annotator')
    .sort((x, y) => cmpStr(x.userId, y.userId) || cmpStr(x.layerId, y.layerId));
  const gold =
    layers.filter((l) => l.kind === 'gold' && l.items.length > 0).sort((x, y) => cmpStr(x.layerId, y.layerId))[0] ??
    null;
  const raters = annotators.map((l) => l.userId);
  const last = new Map((cache.lastLayers.get(tier.id) ?? []).map((l) => [l.layerId, l]));
  cache.lastLayers.set(tier.id, layers.slice());
  const ctx: TierCtx = {
    previous: (layer) => {
      const prev = last.get(layer.layerId);
      return prev !== layer ? prev : undefined;
    },
    tier,
    settings,
    texts: context.texts ?? {},
    attributes: tierAttributes(taxonomy, tier, [...annotators, ...(gold ? [gold] : [])], cache),
    hasText:
      tier.kind === 'segment' &&
      layers.some((l) => cache.layerMemo(l, 'hasText', () => l.items.some((it) => it.text.trim() !== ''))),
    cache,
  };
  const all = gold ? [...annotators, gold] : annotators;
  const used = new Set<string>();
  for (const l of all) for (const k of scanOf(cache, l).labels) used.add(k);
  const labels = orderLabels(taxonomy, used);
  const labelIndex = new Map(labels.map((l, k) => [l, k]));
  const labelsKey = JSON.stringify(labels);
  const codes = new Map<PreparedLayer, Int32Array>(all.map((l) => [l, labelCodesOf(cache, l, labelIndex, labelsKey)]));
  const countsOf = (l: PreparedLayer): Record<string, number> => {
    const out: Record<string, number> = {};
    labelCounts(codes.get(l)!, labels.length).forEach((n, k) => {
      if (n > 0) out[labels[k]] = n;
    });
    return out;
  };

  const base: TierReport = {
    tierId: tier.id,
    tierName: tier.name,
    kind: tier.kind,
    raters,
    gold: gold?.userId ?? null,
    headline: { metric: 'none', value: null, reason: 'unsupported_variant' },
    summary: { meanF1: null, meanBoundaryF1: null, labelAlpha: figure(null, 'unsupported_variant') },
    annotators: annotators.map((l) => ({
      userId: l.userId,
      units: l.items.length,
      labels: countsOf(l),
      meanVsOthers: figure(null, 'unsupported_variant'),
      vsGold: null,
    })),
    labels: [],
    attributes: [],
    pairs: [],
    vsGold: [],
    confusion: { labels: [NO_MATCH], counts: [[0]] },
    diagnostics: [],
  };
  if (tier.kind === 'box') {
    base.diagnostics = tierDiagnostics({
      report: base,
      settings,
      overlapping: [],
      unresolved: 0,
      unsupported: true,
      allowedLabels: tier.allowedClassIds.length,
    });
    return base;
  }

  // Pairs (memoised).
  const core = (a: PreparedLayer, b: PreparedLayer): PairCore => cache.pair(a, b, () => computePair(ctx, a, b));
  const pairCores: { i: number; j: number; c: PairCore }[] = [];
  for (let i = 0; i < annotators.length; i++)
    for (let j = i + 1; j < annotators.length; j++) pairCores.push({ i, j, c: core(annotators[i], annotators[j]) });
  const goldCores = gold ? annotators.map((l) => core(gold, l)) : [];

  const pairReport = (a: PreparedLayer, b: PreparedLayer, c: PairCore): PairReport => {
    // Label figures of the pair under this label list (shared by later reports, like `c`).
    const byLabel = cache.pairMemo(a, b, `labels:${labelsKey}`, () => ({
      disagreements: labelDisagreementsOf(codes.get(a)!, codes.get(b)!, c.blind),
      perLabel: perLabelOf(labels, codes.get(a)!, codes.get(b)!, c.aware),
      confusion: confusionOf(labels, codes.get(a)!, codes.get(b)!, c.blind),
    }));
    return {
      a: a.userId,
      b: b.userId,
      headline: figure(null, 'empty_input'),
      match: c.match,
      boundaryMatch: c.boundaryMatch,
      ...(c.tokenKappa ? { tokenKappa: c.tokenKappa } : {}),
      ...(c.wer ? { wer: c.wer } : {}),
      labelDisagreements: byLabel.disagreements,
      boundaryDisagreements: c.boundaryMatch.fp + c.boundaryMatch.fn,
      perLabel: byLabel.perLabel,
      attributes: c.attributes,
      confusion: byLabel.confusion,
    };
  };
  const pairs = pairCores.map(({ i, j, c }) => pairReport(annotators[i], annotators[j], c));
  const vsGold = gold ? annotators.map((l, k) => pairReport(gold, l, goldCores[k])) : [];

  const summary: TierSummary = {
    meanF1: meanOf(pairs.map((p) => p.match.f1)),
    meanBoundaryF1: meanOf(pairs.map((p) => p.boundaryMatch.f1)),
    labelAlpha: figure(null, 'need_two_raters'),
  };
  const perLayerCounts = all.map((l) => labelCounts(codes.get(l)!, labels.length));
  const labelReports: LabelReport[] = labels.map((label, k) => {
    const counts: Record<string, number> = {};
    let total = 0;
    all.forEach((l, i) => {
      counts[l.userId] = (counts[l.userId] ?? 0) + perLayerCounts[i][k];
      total += perLayerCounts[i][k];
    });
    let tp = 0;
    let ab = 0;
    for (const p of pairs) {
      tp += p.perLabel[label].tp;
      ab += p.perLabel[label].a + p.perLabel[label].b;
    }
    return { label, counts, total, f1: ab === 0 ? null : (2 * tp) / ab };
  });
  const overlapping: string[] = [];

  if (tier.kind === 'segment') {
    segmentFigures(ctx, context, annotators, gold, pairs, vsGold, summary, labelReports, overlapping);
    let sIou = 0;
    let nIou = 0;
    for (const p of pairs) {
      if (p.boundaryMatch.meanIou !== null && p.boundaryMatch.meanIou !== undefined) {
        sIou += p.boundaryMatch.meanIou * p.boundaryMatch.tp;
        nIou += p.boundaryMatch.tp;
      }
    }
    summary.meanIou = nIou === 0 ? null : sIou / nIou;
    if (ctx.hasText) summary.meanWer = meanOf(pairs.flatMap((p) => [p.wer?.ab.value, p.wer?.ba.value]));
    for (const p of [...pairs, ...vsGold]) p.headline = p.sliceKappa ?? figure(null, 'empty_input');
    base.headline = { metric: 'slice_alpha', ...(summary.sliceAlpha ?? figure(null, 'empty_input')) };
  } else if (tier.kind === 'event') {
    for (const p of [...pairs, ...vsGold]) p.headline = figure(p.match.f1, p.match.reason);
    base.headline = {
      metric: 'mean_f1',
      ...meanFigure(
        pairs.map((p) => p.headline),
        'need_two_raters',
      ),
    };
  } else {
    spanFigures(ctx, annotators, summary, labelReports);
    for (const p of [...pairs, ...vsGold]) p.headline = p.tokenKappa ?? figure(null, 'empty_input');
    summary.meanTokenKappa = meanOf(pairs.map((p) => p.tokenKappa?.value));
    base.headline = { metric: 'token_alpha', ...(summary.tokenAlpha ?? figure(null, 'empty_input')) };
  }

  // Aligned units over all annotators: label α and attribute α.
  const units = alignedUnits(annotators, (i, j) => pairCores.find((p) => p.i === i && p.j === j)!.c.blind);
  if (annotators.length >= 2) {
    const rows = unitRows(
      units,
      annotators.map((l) => codes.get(l)!),
      labels,
    );
    const la = krippendorffAlphaCoded(rows, { level: 'nominal' });
    summary.labelAlpha = figure(la.alpha, la.reason);
  }
  const attributes: AttributeReport[] = ctx.attributes.map(({ id, level }) => {
    const columns = annotators.map((l) => attributeCodes(ctx, l, id, level));
    const rows = unitRows(
      units,
      columns.map((c) => c.codes),
      cache.attributeTable(`${level}:${id}`).values,
    );
    const al = krippendorffAlphaCoded(rows, { level });
    return { attributeId: id, level, alpha: figure(al.alpha, al.reason), units: al.n_units_pairable };
  });

  // Per annotator.
  const annotatorFigures: AnnotatorTierFigures[] = annotators.map((l, k) => ({
    userId: l.userId,
    units: l.items.length,
    labels: countsOf(l),
    meanVsOthers: meanFigure(
      pairs.filter((p) => p.a === l.userId || p.b === l.userId).map((p) => p.headline),
      'need_two_raters',
    ),
    vsGold: gold ? vsGold[k].headline : null,
  }));

  // Pooled confusion over annotator pairs, both directions.
  const confusion: LabelConfusion = {
    labels: [...labels, NO_MATCH],
    counts: [...labels, NO_MATCH].map(() => new Array<number>(labels.length + 1).fill(0)),
  };
  for (const p of pairs) {
    p.confusion.counts.forEach((row, i) =>
      row.forEach((n, j) => {
        confusion.counts[i][j] += n;
        confusion.counts[j][i] += n;
      }),
    );
  }

  const report: TierReport = {
    ...base,
    summary,
    annotators: annotatorFigures,
    labels: labelReports,
    attributes,
    pairs,
    vsGold,
    confusion,
  };
  const unresolved = all.reduce((s, l) => s + l.unresolved, 0);
  report.diagnostics = tierDiagnostics({
    report,
    settings,
    overlapping,
    unresolved,
    unsupported: false,
    allowedLabels: tier.allowedClassIds.length,
  });
  return report;
}

/** Segment items in ticks (clamped at 0; shorter than a tick dropped). */
function tickSegments(ctx: TierCtx, layer: PreparedLayer): Segment[] {
  return ctx.cache.layerMemo(layer, 'ticks', () => {
    const r = ctx.settings.resolution;
    // Items are immutable and survive edits of other annotations: for a new version of a layer
    // (live edits), ticks are kept per item; a first computation skips the bookkeeping.
    const known = ctx.previous(layer) ? ctx.cache.ticksOfItems(r) : null;
    const out: Segment[] = [];
    const items = layer.items;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      let seg = known?.get(it);
      if (seg === undefined) {
        const s = Math.max(0, secondsToTicks(it.start, r));
        const e = Math.max(0, secondsToTicks(it.end, r));
        seg = e > s ? { start: s, end: e, label: labelKey(it.label) } : null;
        known?.set(it, seg);
      }
      if (seg) out.push(seg);
    }
    return out;
  });
}

function segmentFigures(
  ctx: TierCtx,
  context: TierReportContext,
  annotators: readonly PreparedLayer[],
  gold: PreparedLayer | null,
  pairs: PairReport[],
  vsGold: PairReport[],
  summary: TierSummary,
  labelReports: LabelReport[],
  overlapping: string[],
): void {
  const { settings } = ctx;
  const columns = gold ? [...annotators, gold] : [...annotators];
  const ticks = columns.map((l) => tickSegments(ctx, l));
  let T = context.mediaDuration ? Math.max(0, secondsToTicks(context.mediaDuration, settings.resolution)) : 0;
  for (let c = 0; c < columns.length; c++) {
    const end = ctx.cache.layerMemo(columns[c], 'ticksEnd', () => {
      let m = 0;
      for (let k = 0; k < ticks[c].length; k++) if (ticks[c][k].end > m) m = ticks[c][k].end;
      return m;
    });
    if (end > T) T = end;
  }
  const K = sliceCount(T, settings.sliceTicks);
  summary.slices = K;

  // Slice runs per layer (memoised by K); a layer with overlapping different-label segments
  // cannot be sliced (SPEC §0, §7).
  const runs = columns.map((l, c) =>
    ctx.cache.layerMemo(l, `runs:${settings.sliceTicks}:${K}`, () =>
      attempt(() => sliceRuns(ticks[c], 0, settings.sliceTicks, K, l.userId)),
    ),
  );
  columns.forEach((l, c) => {
    const r = runs[c];
    if ('error' in r && l.kind === 'annotator') overlapping.push(l.userId);
  });
  const valid = runs.map((r) => 'ok' in r);
  const validRuns = runs.flatMap((r) => ('ok' in r ? [r.ok] : []));
  const colOf = new Int32Array(columns.length).fill(-1);
  let q = 0;
  valid.forEach((v, c) => {
    if (v) colOf[c] = q++;
  });
  const annotatorCols = annotators.map((_, c) => colOf[c]);
  const allValid = annotatorCols.every((c) => c >= 0);
  const multiReason: ReportReason | null =
    annotators.length < 2 ? 'need_two_raters' : !allValid ? 'overlapping_segments' : K === 0 ? 'empty_input' : null;

  // One sweep over the slice rows for every pair's confusion and the collapsed rows.
  const pairCols: [number, number][] = [];
  const pairOf: PairReport[] = [];
  const want = (x: number, y: number, p: PairReport): void => {
    if (x < 0 || y < 0) {
      p.sliceKappa = figure(null, 'overlapping_segments');
      p.sliceAgreement = null;
      return;
    }
    pairCols.push([x, y]);
    pairOf.push(p);
  };
  let k = 0;
  for (let i = 0; i < annotators.length; i++)
    for (let j = i + 1; j < annotators.length; j++) want(colOf[i], colOf[j], pairs[k++]);
  if (gold) annotators.forEach((_, i) => want(colOf[columns.length - 1], colOf[i], vsGold[i]));
  const sweepOptions: SliceStatsOptions = {
    fill: settings.noLabel === 'category' ? NO_LABEL : null,
    pairs: pairCols,
    collapse: multiReason === null ? annotatorCols : null,
  };
  // The tier's sweep state from the previous report: only changed layers are swept again.
  let sweep = ctx.cache.sliceSweeps.get(ctx.tier.id);
  if (!sweep || !sweep.accepts(K, sweepOptions))
    ctx.cache.sliceSweeps.set(ctx.tier.id, (sweep = new SliceSweep(K, sweepOptions)));
  const stats = sweep!.update(validRuns).stats();
  pairOf.forEach((p, q) => {
    const cm = stats.confusions[q];
    const c = cohenKappaFromConfusion(cm, {}, K);
    p.sliceKappa = figure(c.kappa, c.reason);
    // observed agreement = the confusion's diagonal share (both raters labelled)
    let agree = 0;
    for (let i = 0; i < cm.categories.length; i++) agree += cm.matrix[i][i];
    p.sliceAgreement = cm.n === 0 ? null : agree / cm.n;
  });

  if (multiReason !== null) {
    summary.sliceAlpha = figure(null, multiReason);
    summary.sliceFleiss = figure(null, multiReason);
    summary.sliceAgreement = null;
  } else {
    // α, Fleiss and one-vs-rest α ignore rater identity: the slice rows collapsed to multisets.
    const sel = stats.collapsed!;
    const a = krippendorffAlphaCoded(sel, { level: 'nominal' });
    const f = fleissKappaCoded(completeRows(sel));
    summary.sliceAlpha = figure(a.alpha, a.reason);
    summary.sliceFleiss = figure(f.kappa, f.reason);
    summary.sliceAgreement = meanOf(pairs.map((p) => p.sliceAgreement));
    for (const lr of labelReports) {
      const b = krippendorffAlphaCoded(oneVsRest(sel, lr.label), { level: 'nominal' });
      lr.sliceAlpha = figure(b.alpha, b.reason);
    }
  }
  if (multiReason !== null) for (const lr of labelReports) lr.sliceAlpha = figure(null, multiReason);

  // αU over the annotators (different-label overlaps are fine there; same-label ones merged).
  if (annotators.length < 2 || T === 0) {
    const reason: ReportReason = annotators.length < 2 ? 'need_two_raters' : 'empty_input';
    summary.unitizingAlpha = figure(null, reason);
    for (const lr of labelReports) lr.unitizingAlpha = figure(null, reason);
  } else {
    const annotatorsTicks: Record<string, Segment[]> = {};
    const ids = annotators.map((l, i) => `${i}`);
    annotators.forEach((_, i) => (annotatorsTicks[ids[i]] = ticks[i]));
    const key = `unitizing:${T}`;
    const u = unitizingAlpha(
      { raters: ids, annotators: annotatorsTicks, continuum: { start: 0, end: T } },
      {
        overlap: 'merge',
        memo: {
          rater: (i, make) => ctx.cache.layerMemo(annotators[i], key, make),
          previous: <T>(i: number): T | undefined => {
            const prev = ctx.previous(annotators[i]);
            return prev ? ctx.cache.layerMemoPeek<T>(prev, key) : undefined;
          },
          store: ctx.cache.unitizingStore(ctx.tier.id, T),
        },
      },
    );
    summary.unitizingAlpha = figure(u.alpha, u.reason);
    void 0;
    for (const lr of labelReports) {
      const pl = u.per_label[lr.label];
      lr.unitizingAlpha = pl ? figure(pl.alpha, pl.reason) : figure(null, 'empty_input');
    }
  }
}

function spanFigures(
  ctx: TierCtx,
  annotators: readonly PreparedLayer[],
  summary: TierSummary,
  labelReports: LabelReport[],
): void {
  const texts = annotatedTexts(ctx, annotators).map(({ key, text }) => ({
    key,
    text,
    n: ctx.cache.tokenBoundsOf(text).starts.length,
  }));
  const nTokens = texts.reduce((s, t) => s + t.n, 0);
  summary.tokens = nTokens;
  if (annotators.length < 2) {
    summary.tokenAlpha = figure(null, 'need_two_raters');
    for (const lr of labelReports) lr.tokenAlpha = figure(null, 'need_two_raters');
    return;
  }
  // Token rows: one column per annotator, codes into cache.tokenLabelNames.
  const W = annotators.length;
  const codes = new Int32Array(nTokens * W);
  annotators.forEach((l, r) => {
    let t0 = 0;
    for (const { key, text, n } of texts) {
      const labels = tokenLabelsOf(ctx, l, key, text).codes;
      for (let t = 0; t < n; t++) codes[(t0 + t) * W + r] = labels[t];
      t0 += n;
    }
  });
  const tokenRows = collapseRows({
    values: ctx.cache.tokenLabelNames.slice(),
    width: W,
    codes,
    weights: new Float64Array(nTokens).fill(1),
  });
  const a = krippendorffAlphaCoded(tokenRows, { level: 'nominal' });
  summary.tokenAlpha = figure(a.alpha, a.reason);
  // One-vs-rest per label: a token is "the label" when its (I/B-)label names it.
  const bare = (v: CodeValue): string => {
    const s = String(v);
    return ctx.settings.tokenScheme === 'BIO' && (s.startsWith('B-') || s.startsWith('I-')) ? s.slice(2) : s;
  };
  for (const lr of labelReports) {
    const target = lr.label === UNLABELLED_UNIT ? '' : lr.label;
    const hit = tokenRows.values.map((v) => (bare(v) === target ? 1 : 0));
    const bin: CodedRows = {
      values: [0, 1],
      width: tokenRows.width,
      weights: tokenRows.weights,
      codes: tokenRows.codes.map((c) => (c < 0 ? -1 : hit[c])),
    };
    const b = krippendorffAlphaCoded(bin, { level: 'nominal' });
    lr.tokenAlpha = figure(b.alpha, b.reason);
  }
}

// ---------------------------------------------------------------------------------------------
// Task report

/**
 * The agreement report of one task (issue §2). Throws `AgreementInputError('invalid_params')`
 * for invalid settings; everything else that cannot be computed is a null figure with a reason.
 */
export function taskReport(input: TaskReportInput, cache: AgreementCache = new AgreementCache()): TaskReport {
  const settings = resolveSettings(input.settings, input.resolution);
  // One pass per layer: every annotation read once, converted to an item of its tier.
  const tierById = new Map(input.tiers.map((t) => [t.id, t]));
  const mediaKeys = new Map<string, string>();
  const perLayer = input.layers.map((layer) => {
    const byTier = new Map<string, { items: ReportItem[]; unresolved: number }>();
    let byId: Map<string, Annotation> | null = null;
    const lookup = (id: string): Annotation | undefined => {
      byId ??= new Map(layer.annotations.map((a) => [a.id, a]));
      return byId.get(id);
    };
    for (const a of layer.annotations) {
      const tier = tierById.get(a.tierId);
      if (!tier || tier.kind !== a.kind) continue;
      let bucket = byTier.get(tier.id);
      if (!bucket) byTier.set(tier.id, (bucket = { items: [], unresolved: 0 }));
      const it = toReportItem(a, lookup, mediaKeys);
      if (it) bucket.items.push(it);
      else if (a.kind === 'span') bucket.unresolved++;
    }
    return byTier;
  });
  const tiers = input.tiers.map((tier) => {
    const prepared = input.layers.flatMap((layer, i) => {
      if (!layerCoversTier(layer, tier.id)) return [];
      const bucket = perLayer[i].get(tier.id);
      return [prepareItems(tier.id, layer, bucket?.items ?? [], bucket?.unresolved ?? 0)];
    });
    return tierReport(
      { tier, taxonomy: input.taxonomy, settings, mediaDuration: input.mediaDuration, texts: input.texts },
      prepared,
      cache,
    );
  });
  return assembleTaskReport(
    {
      taskId: input.taskId ?? null,
      projectId: input.projectId ?? null,
      computedAt: input.computedAt ?? Date.now(),
      settings,
      layers: input.layers,
    },
    tiers,
  );
}

/** Builds the task report from tier reports (also used by the live recompute). */
export function assembleTaskReport(
  meta: {
    taskId: string | null;
    projectId: string | null;
    computedAt: number;
    settings: AgreementSettings;
    layers: readonly Pick<ReportLayer, 'userId' | 'kind' | 'layerId'>[];
  },
  tiers: TierReport[],
): TaskReport {
  const annotators = [...new Set(meta.layers.filter((l) => l.kind === 'annotator').map((l) => l.userId))].sort(cmpStr);
  const goldLayer = meta.layers.filter((l) => l.kind === 'gold').sort((x, y) => cmpStr(x.layerId, y.layerId))[0];
  const annotatorSummary: AnnotatorSummary[] = annotators.map((userId) => {
    const per = tiers.flatMap((t) => t.annotators.filter((a) => a.userId === userId));
    const gold = per.flatMap((a) => (a.vsGold ? [a.vsGold] : []));
    return {
      userId,
      units: per.reduce((s, a) => s + a.units, 0),
      meanVsOthers: meanFigure(
        per.map((a) => a.meanVsOthers),
        'need_two_raters',
      ),
      vsGold: gold.length === 0 ? null : meanFigure(gold, 'no_pairable_data'),
    };
  });
  return {
    version: 1,
    taskId: meta.taskId,
    projectId: meta.projectId,
    computedAt: meta.computedAt,
    settings: meta.settings,
    annotators,
    gold: goldLayer?.userId ?? null,
    headline: meanFigure(
      tiers.map((t) => t.headline),
      'empty_input',
    ),
    tiers,
    annotatorSummary,
  };
}

/**
 * A pairwise figure as a rater × rater matrix (diagonal null): `values[i][j]` is `pick` of the
 * pair (raters[i], raters[j]) when i < j, and `pickReverse` (default `pick`) of that pair when
 * i > j — pass it for directional figures (precision ↔ recall, WER ab ↔ ba).
 */
export function pairMatrix(
  tier: Pick<TierReport, 'raters' | 'pairs'>,
  pick: (pair: PairReport) => number | null,
  pickReverse: (pair: PairReport) => number | null = pick,
): { raters: string[]; values: (number | null)[][] } {
  const index = new Map(tier.raters.map((r, i) => [r, i]));
  const values = tier.raters.map(() => tier.raters.map((): number | null => null));
  for (const p of tier.pairs) {
    const i = index.get(p.a);
    const j = index.get(p.b);
    if (i === undefined || j === undefined) continue;
    values[i][j] = pick(p);
    values[j][i] = pickReverse(p);
  }
  return { raters: [...tier.raters], values };
}
