/**
 * Where the annotator layers of one tier agree and where they do not. Every annotation of the
 * tier ends up in exactly one region; a region holds at most one annotation per layer.
 *
 * 1. Grouping: layers are taken in layer-id order; each layer's annotations are matched one to one
 *    to the groups found so far by IoU ≥ θ (labels ignored, so that a label disagreement is found
 *    as one region), with the agreement engine's optimal matching (`maxLexMatching`: most pairs,
 *    then the largest total IoU). A group's interval is the mean of its members'; unmatched
 *    annotations start new groups.
 * 2. Boundary pairs: two groups from disjoint layers whose intervals overlap by at least half of
 *    the shorter one are one region whose versions disagree on boundaries (IoU < θ).
 * 3. Classification: `label` when members differ in content (label, and transcript text on
 *    segments), else `boundary` when some pair of members has IoU < θ, else `missing` when a
 *    layer has no member; a region with every layer, one content and IoU ≥ θ throughout is
 *    unanimous (`kind` null).
 *
 * Events are compared as intervals of ± `eventTolerance` around their time. Boxes are compared
 * in time and on the frame: they group only where their rectangles overlap (a matching weighs
 * time IoU × area IoU, so two objects boxed by two people pair up object by object), and agree
 * only when the area IoU ≥ θ too (else a `boundary` disagreement: the same object, boxed
 * differently). Spans are not adjudicated here: their offsets refer to texts of each layer.
 */
import { maxLexMatching } from '../agreement/assignment.ts';
import type { WeightedEdge } from '../agreement/assignment.ts';
import { iou, overlapCandidates } from '../agreement/segments.ts';
import type { Annotation, Box } from '../model/annotation.ts';
import { layerCoversTier } from '../model/tier.ts';

export type DisagreementKind = 'label' | 'boundary' | 'missing';

/** One annotator layer of the task, as adjudication reads it. */
export interface LayerInput {
  layerId: string;
  /** The annotator (null when unknown). */
  userId: string | null;
  annotations: readonly Annotation[];
  /** Tiers the layer takes part in (its owner may annotate them); absent or null: every tier. */
  tierIds?: readonly string[] | null;
}

export interface AdjudicationRule {
  /** θ: versions agree on boundaries when their IoU ≥ θ (and > 0). */
  iou: number;
  /** Layers that must agree for a pre-merge; null: a strict majority of the annotator layers. */
  minAgree: number | null;
  /** Events: half-width (s) of the interval an event is compared as. */
  eventTolerance: number;
}

export const DEFAULT_RULE: AdjudicationRule = { iou: 0.5, minAgree: null, eventTolerance: 0.25 };

/** One layer's version in a region. */
export interface Member {
  layerId: string;
  userId: string | null;
  annotation: Annotation;
  /** Compared interval (events widened by the tolerance). */
  start: number;
  end: number;
}

export interface Region {
  /** Stable while the region's annotations stay the same: tier id and a hash of the member ids. */
  key: string;
  tierId: string;
  /** null: every layer has the same version. */
  kind: DisagreementKind | null;
  /** Extent of all members (s; events at their time). */
  start: number;
  end: number;
  /** One per layer that has a version, in layer order. */
  members: Member[];
  /** Layers without a version here. */
  missing: string[];
  /** The largest set of members with one content and pairwise IoU ≥ θ (first in layer order on ties). */
  agreeing: Member[];
}

export type Disagreement = Region & { kind: DisagreementKind };

const TIMED = new Set(['segment', 'event', 'box']);

/** Whether a tier's annotations can be adjudicated on the timeline. */
export function adjudicable(kind: string): boolean {
  return TIMED.has(kind);
}

/** The regions of one tier across the given annotator layers, ordered by start then key. */
export function regionsOf(
  tierId: string,
  layers: readonly LayerInput[],
  rule: AdjudicationRule = DEFAULT_RULE,
): Region[] {
  // A layer whose owner may not annotate the tier has nothing "missing" on it.
  const ordered = layers
    .filter((l) => layerCoversTier(l, tierId))
    .sort((a, b) => (a.layerId < b.layerId ? -1 : a.layerId > b.layerId ? 1 : 0));
  const groups: Member[][] = [];
  const reps: Rep[] = [];
  for (const layer of ordered) {
    const items: Member[] = [];
    for (const a of layer.annotations) {
      if (a.tierId !== tierId || !adjudicable(a.kind)) continue;
      const [start, end] = interval(a, rule.eventTolerance);
      items.push({ layerId: layer.layerId, userId: layer.userId, annotation: a, start, end });
    }
    const { offsets, items: cand } = overlapCandidates(reps, items);
    const edges: WeightedEdge[] = [];
    for (let g = 0; g < reps.length; g++)
      for (let k = offsets[g]; k < offsets[g + 1]; k++) {
        const w = iou(reps[g], items[cand[k]]);
        if (!(w > 0 && w >= rule.iou)) continue;
        const area = areaOverlap(reps[g].box, boxOf(items[cand[k]]));
        if (area > 0) edges.push({ a: g, b: cand[k], w: w * area });
      }
    const matched = new Set<number>();
    for (const [g, b] of maxLexMatching(reps.length, edges)) {
      groups[g].push(items[b]);
      matched.add(b);
      const n = groups[g].length;
      const step = (from: number, to: number): number => from + (to - from) / n;
      const [rb, ib] = [reps[g].box, boxOf(items[b])];
      reps[g] = {
        start: step(reps[g].start, items[b].start),
        end: step(reps[g].end, items[b].end),
        box: rb && ib ? { x: step(rb.x, ib.x), y: step(rb.y, ib.y), w: step(rb.w, ib.w), h: step(rb.h, ib.h) } : rb,
      };
    }
    items.forEach((m, b) => {
      if (matched.has(b)) return;
      groups.push([m]);
      reps.push({ start: m.start, end: m.end, box: boxOf(m) });
    });
  }
  const merged = pairBoundaries(groups, reps);
  const layerIds = ordered.map((l) => l.layerId);
  const rank = new Map(layerIds.map((id, i) => [id, i]));
  const out = merged.map((members) => classify(tierId, members, layerIds, rank, rule));
  return out.sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Step 2: joins groups of disjoint layers that overlap by at least half of the shorter one (boxes:
 * and whose rectangles overlap at all).
 */
function pairBoundaries(groups: Member[][], reps: Rep[]): Member[][] {
  const order = groups.map((_, i) => i).sort((a, b) => reps[a].start - reps[b].start || a - b);
  const out: { members: Member[]; layers: Set<string>; rep: Rep }[] = [];
  let active: typeof out = [];
  for (const i of order) {
    const rep = reps[i];
    const layers = new Set(groups[i].map((m) => m.layerId));
    active = active.filter((g) => g.rep.end > rep.start);
    const host = active.find((g) => {
      if ([...layers].some((l) => g.layers.has(l))) return false;
      const inter = Math.min(g.rep.end, rep.end) - Math.max(g.rep.start, rep.start);
      const shorter = Math.min(g.rep.end - g.rep.start, rep.end - rep.start);
      return inter > 0 && inter >= shorter / 2 && areaOverlap(g.rep.box, rep.box) > 0;
    });
    if (host) {
      host.members.push(...groups[i]);
      for (const l of layers) host.layers.add(l);
      continue;
    }
    const g = { members: [...groups[i]], layers, rep };
    out.push(g);
    active.push(g);
  }
  return out.map((g) => g.members);
}

function classify(
  tierId: string,
  unordered: Member[],
  layerIds: string[],
  rank: Map<string, number>,
  rule: AdjudicationRule,
): Region {
  const members = [...unordered].sort((a, b) => (rank.get(a.layerId) ?? 0) - (rank.get(b.layerId) ?? 0));
  const present = new Set(members.map((m) => m.layerId));
  const missing = layerIds.filter((l) => !present.has(l));
  const agreeing = largestAgreement(members, rule.iou);
  const contents = new Set(members.map(content));
  const boundariesAgree = members.every((a, i) => members.slice(i + 1).every((b) => agrees(a, b, rule.iou)));
  const kind: DisagreementKind | null =
    contents.size > 1 ? 'label' : !boundariesAgree ? 'boundary' : missing.length > 0 ? 'missing' : null;
  let start = Infinity;
  let end = -Infinity;
  for (const m of members) {
    const a = m.annotation;
    start = Math.min(start, (a as { start: number }).start);
    end = Math.max(end, a.kind === 'event' ? a.start : (a as { end: number }).end);
  }
  const ids = members.map((m) => `${m.layerId}/${m.annotation.id}`).sort();
  return { key: `${tierId}:${hash(ids.join('|'))}`, tierId, kind, start, end, members, missing, agreeing };
}

/** What must be equal for versions to agree: the label, and a segment's transcript (spacing aside). */
export function content(m: Member): string {
  const a = m.annotation;
  const text = a.kind === 'segment' ? a.text.trim().replace(/\s+/g, ' ') : '';
  return `${a.label ?? ''}\u0000${text}`;
}

function agrees(a: Member, b: Member, theta: number): boolean {
  const w = iou(a, b);
  if (!(w > 0 && w >= theta)) return false;
  // Boxes: the same part of the frame as well.
  const area = areaOverlap(boxOf(a), boxOf(b));
  return area > 0 && area >= theta;
}

/** A group's representative: mean interval, and for boxes the mean rectangle. */
interface Rep {
  start: number;
  end: number;
  box?: Box | undefined;
}

function boxOf(m: Member): Box | undefined {
  return m.annotation.kind === 'box' ? m.annotation.box : undefined;
}

/** Area IoU of two frame rectangles; 1 when either is not a box (nothing to compare). */
export function areaOverlap(a: Box | undefined, b: Box | undefined): number {
  if (a === undefined || b === undefined) return 1;
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

/** Largest set of members with one content and every pair agreeing on boundaries. */
function largestAgreement(members: Member[], theta: number): Member[] {
  let best: Member[] = [];
  const byContent = new Map<string, Member[]>();
  for (const m of members) {
    const c = content(m);
    const list = byContent.get(c);
    if (list) list.push(m);
    else byContent.set(c, [m]);
  }
  for (const list of byContent.values()) {
    // Greedy clique in layer order: regions are small (one member per layer).
    const clique: Member[] = [];
    for (const m of list) if (clique.every((c) => agrees(c, m, theta))) clique.push(m);
    if (clique.length > best.length) best = clique;
  }
  return best;
}

function interval(a: Annotation, tolerance: number): [number, number] {
  if (a.kind === 'event') return [a.start - tolerance, a.start + tolerance];
  const t = a as { start: number; end: number };
  return [t.start, t.end];
}

/** 53-bit string hash (cyrb53) in base 36: short, stable keys. */
function hash(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
