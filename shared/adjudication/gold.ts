/**
 * From regions to gold: which regions gold already settles, the pre-merge of agreed regions, and
 * the gold inputs of the decisions on a disagreement (accept one version, merge boundaries, take
 * one as the start of an edit, reject). Everything returns plain data; the caller writes it with
 * LayerDoc.create / recordRejection on the gold layer's synced document.
 */
import type { Annotation, AnnotationInput, GoldDecision, Provenance, ProvenanceSource } from '../model/annotation.ts';
import type { Rejection } from '../model/decisions.ts';
import { layerCoversTier, type Tier } from '../model/tier.ts';
import { DEFAULT_RULE, regionsOf } from './regions.ts';
import type { AdjudicationRule, Disagreement, LayerInput, Member, Region } from './regions.ts';

/** What gold says so far: its annotations (with provenance) and the recorded rejections. */
export interface GoldState {
  annotations: readonly Annotation[];
  rejections: ReadonlyMap<string, Rejection>;
}

/** Who decides, and when (ms epoch). */
export interface Decider {
  adjudicator: string;
  now: number;
}

const ref = (layerId: string, annotationId: string): string => `${layerId}/${annotationId}`;

/** Annotator annotations gold already draws on (`layerId/annotationId`). */
export function usedSources(gold: readonly Annotation[]): Set<string> {
  const out = new Set<string>();
  for (const a of gold) for (const s of a.provenance?.sources ?? []) out.add(ref(s.layerId, s.annotationId));
  return out;
}

/** A region is settled when gold draws on one of its versions or the region was rejected. */
export function isSettled(region: Region, used: ReadonlySet<string>, gold: GoldState): boolean {
  return gold.rejections.has(region.key) || region.members.some((m) => used.has(ref(m.layerId, m.annotation.id)));
}

/** Layers that must agree: the rule's number, else a strict majority of the layers. */
export function quorum(rule: AdjudicationRule, layers: number): number {
  return rule.minAgree ?? Math.floor(layers / 2) + 1;
}

/** The open disagreements of the given tiers, ordered by start. */
export function openDisagreements(
  tiers: readonly Pick<Tier, 'id'>[],
  layers: readonly LayerInput[],
  gold: GoldState,
  rule: AdjudicationRule = DEFAULT_RULE,
): Disagreement[] {
  const used = usedSources(gold.annotations);
  const out: Disagreement[] = [];
  for (const t of tiers)
    for (const r of regionsOf(t.id, layers, rule))
      if (r.kind !== null && !isSettled(r, used, gold)) out.push(r as Disagreement);
  return out.sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : 1));
}

export interface PreMerge {
  /** Gold inputs for the regions the rule merges (provenance `agreed`). */
  inputs: AnnotationInput[];
  /** Disagreements the rule leaves to the adjudicator (unsettled). */
  open: Disagreement[];
}

/**
 * The pre-merge rule on one tier: every unsettled region where at least `quorum` layers have one
 * content with pairwise IoU ≥ θ becomes a gold annotation with the mean boundaries of those
 * versions; the other unsettled disagreements are left open.
 */
export function preMerge(
  tier: Pick<Tier, 'id' | 'kind'>,
  layers: readonly LayerInput[],
  gold: GoldState,
  who: Decider,
  rule: AdjudicationRule = DEFAULT_RULE,
): PreMerge {
  const need = quorum(rule, layers.filter((l) => layerCoversTier(l, tier.id)).length);
  const used = usedSources(gold.annotations);
  const inputs: AnnotationInput[] = [];
  const open: Disagreement[] = [];
  for (const r of regionsOf(tier.id, layers, rule)) {
    if (isSettled(r, used, gold)) continue;
    if (r.agreeing.length >= need && r.agreeing.length > 0)
      inputs.push(goldInput(r.agreeing, 'agreed', null, who, r.agreeing[0]));
    else if (r.kind !== null) open.push(r as Disagreement);
  }
  return { inputs, open };
}

/** Accept one layer's version as gold. */
export function acceptVersion(
  d: Region,
  layerId: string,
  who: Decider,
  decision: 'accepted' | 'edited' = 'accepted',
): AnnotationInput {
  const m = d.members.find((x) => x.layerId === layerId);
  if (!m) throw new Error(`layer ${layerId} has no version in this region`);
  return goldInput([m], decision, d.key, who, m);
}

/**
 * Merge boundaries: the mean start and end of the chosen versions (all by default), with the
 * content most of them share (ties: the first in layer order).
 */
export function mergeVersions(d: Region, who: Decider, layerIds?: readonly string[]): AnnotationInput {
  const chosen = layerIds ? d.members.filter((m) => layerIds.includes(m.layerId)) : d.members;
  if (chosen.length === 0) throw new Error('nothing to merge');
  const counts = new Map<string | null, number>();
  for (const m of chosen) counts.set(m.annotation.label, (counts.get(m.annotation.label) ?? 0) + 1);
  let lead = chosen[0];
  for (const m of chosen)
    if ((counts.get(m.annotation.label) ?? 0) > (counts.get(lead.annotation.label) ?? 0)) lead = m;
  return goldInput(chosen, 'merged', d.key, who, lead);
}

/** Reject: nothing goes to gold; the record keeps the versions and who decided. */
export function rejectRegion(d: Region, who: Decider): Rejection {
  return {
    decision: 'rejected',
    key: d.key,
    tierId: d.tierId,
    start: d.start,
    end: d.end,
    sources: d.members.map(source),
    adjudicator: who.adjudicator,
    decidedAt: who.now,
  };
}

function source(m: Member): ProvenanceSource {
  return { layerId: m.layerId, annotationId: m.annotation.id, userId: m.userId };
}

/**
 * A gold input from versions: geometry is their mean (one version: its own), content (label,
 * text, attributes, entity) comes from `lead`. Relations are not carried over: they point at ids
 * of the source layer.
 */
function goldInput(
  members: readonly Member[],
  decision: GoldDecision,
  disagreement: string | null,
  who: Decider,
  lead: Member,
): AnnotationInput {
  const provenance: Provenance = {
    decision,
    sources: members.map(source),
    adjudicator: who.adjudicator,
    decidedAt: who.now,
    disagreement,
  };
  const a = lead.annotation;
  const mean = (f: (x: Annotation) => number): number =>
    members.reduce((s, m) => s + f(m.annotation), 0) / members.length;
  const common = {
    tierId: a.tierId,
    label: a.label,
    attributes: { ...a.attributes },
    entityId: a.entityId,
    provenance,
  };
  const start = mean((x) => (x as { start: number }).start);
  switch (a.kind) {
    case 'segment':
      return { ...common, kind: 'segment', start, end: mean((x) => (x as { end: number }).end), text: a.text };
    case 'event':
      return { ...common, kind: 'event', start };
    case 'box': {
      const box = (f: 'x' | 'y' | 'w' | 'h'): number => mean((x) => (x.kind === 'box' ? x.box[f] : a.box[f]));
      return {
        ...common,
        kind: 'box',
        start,
        end: mean((x) => (x as { end: number }).end),
        box: { x: box('x'), y: box('y'), w: box('w'), h: box('h') },
      };
    }
    default:
      throw new Error('spans are not adjudicated on the timeline');
  }
}
