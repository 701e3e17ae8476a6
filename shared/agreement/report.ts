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
 * object identity. Replacing only the edited layer's PreparedLayer recomputes only its pairs.
 */
import type { Annotation } from '../model/annotation.ts';
import type { AttributeDef, AttributeValue, Taxonomy } from '../model/taxonomy.ts';
import type { Tier } from '../model/tier.ts';
import { cohenKappaFromConfusion, confusionFromWeightedPairs } from './cohen.ts';
import { matchEvents } from './events.ts';
import { fleissKappaCoded } from './fleiss.ts';
import { krippendorffAlphaCoded } from './krippendorff.ts';
import { isAgreementInputError } from './reasons.ts';
import type { InputErrorCode, ReasonCode } from './reasons.ts';
import { collapseRows, completeRows, fillMissing, oneVsRest, selectColumns } from './rows.ts';
import type { CodedRows } from './rows.ts';
import { eligiblePairs, segmentMatchesFromEdges } from './segments.ts';
import { exactSpanKeys, exactSpanMatches, spanF1Lists } from './spans.ts';
import { columnConfusion, sliceRows, sliceRuns } from './sweep.ts';
import type { SliceRun } from './sweep.ts';
import { NO_LABEL, sliceCount } from './timeslice.ts';
import { tokenize, tokenLabels } from './tokens.ts';
import type { Token } from './tokens.ts';
import type { CodeValue, Segment } from './types.ts';
import { unitizingAlpha, UNLABELLED_UNIT } from './unitizing.ts';
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
  /** Interned token labels (token κ / α work on integer codes). */
  readonly tokenLabelCodes = new Map<string, number>();
  readonly tokenLabelNames: string[] = [];
  /** Pair computations done (not served from the memo); for tests and benchmarks. */
  pairComputations = 0;

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

  tokensOf(text: string): Token[] {
    let t = this.tokens.get(text);
    if (!t) {
      if (this.tokens.size > 256) this.tokens.clear();
      this.tokens.set(text, (t = tokenize(text)));
    }
    return t;
  }
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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
export function toReportItem(a: Annotation, lookup: (id: string) => Annotation | null | undefined): ReportItem | null {
  if (a.kind === 'segment') return item(a.start, a.end, a.label, a.text, a.attributes, '');
  if (a.kind === 'event') return item(a.start, a.start, a.label, '', a.attributes, '');
  if (a.kind !== 'span') return null;
  if (a.mediaId !== null) return item(a.startOffset, a.endOffset, a.label, '', a.attributes, `media:${a.mediaId}`);
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
  const seenSpans = new Map<string, ReportItem[]>();
  for (const it of source) {
    if (it.textKey === '') {
      items.push(it);
      continue;
    }
    if (it.textKey.startsWith('segment:')) texts.set(it.textKey, it.text);
    // Duplicates of a span carry no information (exact span F1 has set semantics).
    const key = `${it.textKey}\u0000${it.start}\u0000${it.end}\u0000${it.label ?? '\u0001'}`;
    const same = seenSpans.get(key);
    if (same?.some((x) => compareItems(x, it) === 0)) continue;
    if (same) same.push(it);
    else seenSpans.set(key, [it]);
    items.push(it);
  }
  items.sort(compareItems);
  return { layerId: layer.layerId, userId: layer.userId, kind: layer.kind, tierId, items, unresolved, texts };
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

/** Coded rows from per-column values (null = missing). */
function codedFromColumns(nRows: number, columns: readonly ((r: number) => CodeValue | null)[]): CodedRows {
  const width = columns.length;
  const values: CodeValue[] = [];
  const seen = new Map<CodeValue, number>();
  const codes = new Int32Array(nRows * width).fill(-1);
  for (let r = 0; r < nRows; r++) {
    for (let i = 0; i < width; i++) {
      const v = columns[i](r);
      if (v === null) continue;
      let c = seen.get(v);
      if (c === undefined) {
        c = values.length;
        seen.set(v, c);
        values.push(v);
      }
      codes[r * width + i] = c;
    }
  }
  return { values, width, codes, weights: new Float64Array(nRows).fill(1) };
}

/** One attribute's α values over a layer's items (memoised per layer). */
function attributeColumn(
  ctx: { cache: AgreementCache },
  layer: PreparedLayer,
  id: string,
  level: 'nominal' | 'interval',
): (CodeValue | null)[] {
  return ctx.cache.layerMemo(layer, `attr:${level}:${id}`, () =>
    layer.items.map((it) => attrValue(it.attributes[id], level)),
  );
}

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
  /** Label-blind matches (indices into a.items, b.items). */
  blind: [number, number][];
  /** Label-aware matches. */
  aware: [number, number][];
  tokenKappa: Figure | null;
  wer: { ab: Figure; ba: Figure } | null;
  attributes: Record<string, Figure>;
}

interface TierCtx {
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

function spanMatches(
  ctx: TierCtx,
  a: PreparedLayer,
  b: PreparedLayer,
  mode: 'exact' | 'overlap',
  labelMode: 'same' | 'ignore',
): { figures: MatchFigures; matches: [number, number][] } {
  if (mode === 'exact') {
    // Set semantics over (text, start, end[, label]) keys, as spanF1Lists per text.
    const ka = spanKeysOf(ctx, a, labelMode);
    const kb = spanKeysOf(ctx, b, labelMode);
    const matches = exactSpanMatches(ka, kb);
    return { figures: matchFigures(prf(matches.length, ka.size, kb.size)), matches };
  }
  const ga = byText(ctx, a);
  const gb = byText(ctx, b);
  const matches: [number, number][] = [];
  for (const [key, ta] of ga) {
    const tb = gb.get(key);
    if (!tb) continue;
    const r = spanF1Lists(ta.segs, tb.segs, { mode, label_mode: labelMode });
    for (const [i, j] of r.matches) matches.push([ta.idx[i], tb.idx[j]]);
  }
  matches.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return { figures: matchFigures(prf(matches.length, a.items.length, b.items.length)), matches };
}

/** Token label codes (cache.tokenLabelNames) of one layer's spans on one text. */
function tokenLabelsOf(ctx: TierCtx, layer: PreparedLayer, textKey: string, tokens: Token[]): Int32Array {
  return ctx.cache.layerMemo(layer, `tokens:${ctx.settings.tokenScheme}:${textKey}`, () =>
    Int32Array.from(tokenLabels(tokens, byText(ctx, layer).get(textKey)?.segs ?? [], ctx.settings.tokenScheme), (l) =>
      ctx.cache.tokenLabelCode(l),
    ),
  );
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

/** Text keys anyone among `layers` annotated whose content is known, sorted. */
function annotatedTexts(ctx: TierCtx, layers: readonly PreparedLayer[]): { key: string; tokens: Token[] }[] {
  const keys = new Set<string>();
  for (const l of layers) for (const k of byText(ctx, l).keys()) keys.add(k);
  const out: { key: string; tokens: Token[] }[] = [];
  for (const key of [...keys].sort(cmpStr)) {
    const text = textOf(ctx, key, layers);
    if (text !== null) out.push({ key, tokens: ctx.cache.tokensOf(text) });
  }
  return out;
}

function computePair(ctx: TierCtx, a: PreparedLayer, b: PreparedLayer): PairCore {
  const { settings, tier } = ctx;
  const A = a.items;
  const B = b.items;
  let match: MatchFigures;
  let boundaryMatch: MatchFigures;
  let aware: [number, number][];
  let blind: [number, number][];
  let tokenKappa: Figure | null = null;
  if (tier.kind === 'segment') {
    // One candidate search for both label modes: the label-aware eligible pairs are the
    // label-blind ones with equal labels (same order, so the same matchings as matchSegments).
    const blindEdges = eligiblePairs(A, B, settings.iouThreshold, 'ignore');
    const sameEdges = blindEdges.filter((e) => (A[e.a].label ?? null) === (B[e.b].label ?? null));
    const same = segmentMatchesFromEdges(A, B, sameEdges, settings.matching);
    const ign = segmentMatchesFromEdges(A, B, blindEdges, settings.matching);
    match = { ...matchFigures(same), meanIou: same.mean_iou, onsetError: same.onset_mae, offsetError: same.offset_mae };
    boundaryMatch = {
      ...matchFigures(ign),
      meanIou: ign.mean_iou,
      onsetError: ign.onset_mae,
      offsetError: ign.offset_mae,
    };
    aware = same.matches;
    blind = ign.matches;
  } else if (tier.kind === 'event') {
    const p = { onset_tolerance: settings.eventToleranceSeconds, offset_ratio: null };
    const same = matchEvents(A, B, { ...p, label_mode: 'same' });
    const ign = matchEvents(A, B, { ...p, label_mode: 'ignore' });
    match = matchFigures(same);
    boundaryMatch = matchFigures(ign);
    aware = same.matches;
    blind = ign.matches;
  } else {
    const same = spanMatches(ctx, a, b, settings.spanMode, 'same');
    const ign = spanMatches(ctx, a, b, 'overlap', 'ignore');
    match = same.figures;
    boundaryMatch = ign.figures;
    aware = same.matches;
    blind = ign.matches;
    // Token κ over the texts either annotated (tokens of a text nobody marked would only add O/O).
    const texts = annotatedTexts(ctx, [a, b]).map(({ key, tokens }) => [
      tokenLabelsOf(ctx, a, key, tokens),
      tokenLabelsOf(ctx, b, key, tokens),
    ]);
    const names = ctx.cache.tokenLabelNames;
    const V = names.length;
    const counts = new Float64Array(V * V);
    let n = 0;
    for (const [la, lb] of texts) {
      for (let t = 0; t < la.length; t++) counts[la[t] * V + lb[t]]++;
      n += la.length;
    }
    const triples: [string, string, number][] = [];
    for (let k = 0; k < counts.length; k++)
      if (counts[k] > 0) triples.push([names[Math.floor(k / V)], names[k % V], counts[k]]);
    const c = cohenKappaFromConfusion(confusionFromWeightedPairs(triples), {}, n);
    tokenKappa = figure(c.kappa, c.reason);
  }
  let werFig: { ab: Figure; ba: Figure } | null = null;
  if (tier.kind === 'segment' && ctx.hasText) {
    const ref = blind.map(([i]) => A[i].text);
    const hyp = blind.map(([, j]) => B[j].text);
    const norm = { normalization: settings.werNormalization };
    const ab = wer({ reference: ref, hypothesis: hyp }, norm);
    const ba = wer({ reference: hyp, hypothesis: ref }, norm);
    werFig = { ab: figure(ab.wer, ab.reason ?? 'empty_input'), ba: figure(ba.wer, ba.reason ?? 'empty_input') };
    if (blind.length === 0) werFig = { ab: figure(null, 'no_pairable_data'), ba: figure(null, 'no_pairable_data') };
  }
  const attributes: Record<string, Figure> = {};
  for (const { id, level } of ctx.attributes) {
    const va = attributeColumn(ctx, a, id, level);
    const vb = attributeColumn(ctx, b, id, level);
    const pairs = blind.filter(([i, j]) => va[i] !== null && vb[j] !== null);
    if (pairs.length === 0) continue;
    const rows = codedFromColumns(pairs.length, [(r) => va[pairs[r][0]], (r) => vb[pairs[r][1]]]);
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
  for (const c of codes) out[c]++;
  return out;
}

function confusionOf(
  labels: readonly string[],
  la: Int32Array,
  lb: Int32Array,
  blind: readonly [number, number][],
): LabelConfusion {
  const none = labels.length;
  const counts = [...labels, NO_MATCH].map(() => new Array<number>(none + 1).fill(0));
  const usedA = new Uint8Array(la.length);
  const usedB = new Uint8Array(lb.length);
  for (const [i, j] of blind) {
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
  aware: readonly [number, number][],
): Record<string, PairLabelFigures> {
  const a = labelCounts(la, labels.length);
  const b = labelCounts(lb, labels.length);
  const tp = new Array<number>(labels.length).fill(0);
  for (const [i] of aware) tp[la[i]]++;
  const out: Record<string, PairLabelFigures> = {};
  labels.forEach((l, k) => {
    out[l] = { a: a[k], b: b[k], tp: tp[k], f1: a[k] + b[k] === 0 ? null : (2 * tp[k]) / (a[k] + b[k]) };
  });
  return out;
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
): { id: string; level: 'nominal' | 'interval' }[] {
  const defs = new Map<string, AttributeDef>(taxonomy.attributes.map((a) => [a.id, a]));
  const ids = new Set(tier.attributeIds);
  for (const l of layers) for (const it of l.items) for (const k of Object.keys(it.attributes)) ids.add(k);
  const out: { id: string; level: 'nominal' | 'interval' }[] = [];
  for (const id of [...ids].sort(cmpStr)) {
    const d = defs.get(id);
    if (!d || d.type === 'text') continue;
    out.push({ id, level: d.type === 'number' ? 'interval' : 'nominal' });
  }
  return out;
}

/** Label-blind aligned units over all annotators: connected components of pairwise matches. */
function alignedUnits(
  layers: readonly PreparedLayer[],
  blind: (i: number, j: number) => readonly [number, number][],
): Int32Array[] {
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
  for (let i = 0; i < layers.length; i++) {
    for (let j = i + 1; j < layers.length; j++) {
      for (const [x, y] of blind(i, j)) {
        const rx = find(offset[i] + x);
        const ry = find(offset[j] + y);
        if (rx !== ry) parent[rx] = ry;
        linked = true;
      }
    }
  }
  if (!linked) return [];
  // unit → per-rater item index (−1 none, −2 ambiguous: two items of one rater in one unit)
  const units = new Map<number, Int32Array>();
  layers.forEach((l, r) => {
    for (let k = 0; k < l.items.length; k++) {
      const root = find(offset[r] + k);
      let u = units.get(root);
      if (!u) units.set(root, (u = new Int32Array(layers.length).fill(-1)));
      u[r] = u[r] === -1 ? k : -2;
    }
  });
  const out: Int32Array[] = [];
  for (const u of units.values()) {
    let present = 0;
    for (const v of u) if (v >= 0) present++;
    if (present >= 2) out.push(u);
  }
  return out;
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
  const ctx: TierCtx = {
    tier,
    settings,
    texts: context.texts ?? {},
    attributes: tierAttributes(taxonomy, tier, [...annotators, ...(gold ? [gold] : [])]),
    hasText: tier.kind === 'segment' && layers.some((l) => l.items.some((it) => it.text.trim() !== '')),
    cache,
  };
  const all = gold ? [...annotators, gold] : annotators;
  const used = new Set<string>();
  for (const l of all) for (const it of l.items) used.add(labelKey(it.label));
  const labels = orderLabels(taxonomy, used);
  const labelIndex = new Map(labels.map((l, k) => [l, k]));
  const codes = new Map<PreparedLayer, Int32Array>(
    all.map((l) => [l, Int32Array.from(l.items, (it) => labelIndex.get(labelKey(it.label))!)]),
  );
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

  const pairReport = (a: PreparedLayer, b: PreparedLayer, c: PairCore): PairReport => ({
    a: a.userId,
    b: b.userId,
    headline: figure(null, 'empty_input'),
    match: c.match,
    boundaryMatch: c.boundaryMatch,
    ...(c.tokenKappa ? { tokenKappa: c.tokenKappa } : {}),
    ...(c.wer ? { wer: c.wer } : {}),
    labelDisagreements: c.blind.reduce((n, [i, j]) => n + (codes.get(a)![i] !== codes.get(b)![j] ? 1 : 0), 0),
    boundaryDisagreements: c.boundaryMatch.fp + c.boundaryMatch.fn,
    perLabel: perLabelOf(labels, codes.get(a)!, codes.get(b)!, c.aware),
    attributes: c.attributes,
    confusion: confusionOf(labels, codes.get(a)!, codes.get(b)!, c.blind),
  });
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
    const rows = codedFromColumns(
      units.length,
      annotators.map((l, r) => (u: number) => (units[u][r] >= 0 ? labelKey(l.items[units[u][r]].label) : null)),
    );
    const la = krippendorffAlphaCoded(rows, { level: 'nominal' });
    summary.labelAlpha = figure(la.alpha, la.reason);
  }
  const attributes: AttributeReport[] = ctx.attributes.map(({ id, level }) => {
    const columns = annotators.map((l) => attributeColumn(ctx, l, id, level));
    const rows = codedFromColumns(
      units.length,
      columns.map((col, r) => (u: number) => (units[u][r] >= 0 ? col[units[u][r]] : null)),
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
    const out: Segment[] = [];
    for (const it of layer.items) {
      const s = Math.max(0, secondsToTicks(it.start, r));
      const e = Math.max(0, secondsToTicks(it.end, r));
      if (e > s) out.push({ start: s, end: e, label: labelKey(it.label) });
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
  for (const list of ticks) for (const s of list) if (s.end > T) T = s.end;
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
  const raw = sliceRows(validRuns as SliceRun[][], K);
  const rows = settings.noLabel === 'category' ? fillMissing(raw, NO_LABEL) : raw;
  const annotatorCols = annotators.map((_, c) => colOf[c]);
  const allValid = annotatorCols.every((c) => c >= 0);
  const multiReason: ReportReason | null =
    annotators.length < 2 ? 'need_two_raters' : !allValid ? 'overlapping_segments' : K === 0 ? 'empty_input' : null;

  const pairSlice = (x: number, y: number, p: PairReport): void => {
    if (x < 0 || y < 0) {
      p.sliceKappa = figure(null, 'overlapping_segments');
      p.sliceAgreement = null;
      return;
    }
    const cm = columnConfusion(rows, x, y);
    const c = cohenKappaFromConfusion(cm, {}, K);
    p.sliceKappa = figure(c.kappa, c.reason);
    // observed agreement = the confusion's diagonal share (both raters labelled)
    let agree = 0;
    for (let i = 0; i < cm.categories.length; i++) agree += cm.matrix[i][i];
    p.sliceAgreement = cm.n === 0 ? null : agree / cm.n;
  };
  let k = 0;
  for (let i = 0; i < annotators.length; i++)
    for (let j = i + 1; j < annotators.length; j++) pairSlice(colOf[i], colOf[j], pairs[k++]);
  if (gold) annotators.forEach((_, i) => pairSlice(colOf[columns.length - 1], colOf[i], vsGold[i]));

  if (multiReason !== null) {
    summary.sliceAlpha = figure(null, multiReason);
    summary.sliceFleiss = figure(null, multiReason);
    summary.sliceAgreement = null;
  } else {
    // α, Fleiss and one-vs-rest α ignore rater identity: collapse the slice rows to multisets.
    const sel = collapseRows(selectColumns(rows, annotatorCols));
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
          pair: (i, j, make) => ctx.cache.pairMemo(annotators[i], annotators[j], key, make),
        },
      },
    );
    summary.unitizingAlpha = figure(u.alpha, u.reason);
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
  const texts = annotatedTexts(ctx, annotators);
  const nTokens = texts.reduce((s, t) => s + t.tokens.length, 0);
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
    for (const { key, tokens } of texts) {
      const labels = tokenLabelsOf(ctx, l, key, tokens);
      for (let t = 0; t < tokens.length; t++) codes[(t0 + t) * W + r] = labels[t];
      t0 += tokens.length;
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
      const it = toReportItem(a, lookup);
      if (it) bucket.items.push(it);
      else if (a.kind === 'span') bucket.unresolved++;
    }
    return byTier;
  });
  const tiers = input.tiers.map((tier) => {
    const prepared = input.layers.map((layer, i) => {
      const bucket = perLayer[i].get(tier.id);
      return prepareItems(tier.id, layer, bucket?.items ?? [], bucket?.unresolved ?? 0);
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
