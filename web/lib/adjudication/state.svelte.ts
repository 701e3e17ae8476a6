/**
 * Live adjudication state of a task for the workspace: the annotator layers and the gold layer as
 * LayerDocs (the workspace's synced documents), a version bumped on any change of any of them
 * (annotations or the gold decisions), and the writes of each decision into the gold document —
 * through LayerDoc and recordRejection, with the workspace's origin (undoable, synced live).
 */
import {
  acceptVersion,
  DEFAULT_RULE,
  mergeVersions,
  openDisagreements,
  preMerge,
  rejectRegion,
  type AdjudicationRule,
  type Disagreement,
  type LayerInput,
} from '$shared/adjudication/index.ts';
import type { Annotation } from '$shared/model/annotation.ts';
import { observeDecisions, readRejections, recordRejection } from '$shared/model/decisions.ts';
import type { LayerDoc } from '$shared/model/layer.ts';
import type { Tier } from '$shared/model/tier.ts';
import type { LayerContext } from '$shared/model/validate.ts';

const COALESCE_MS = 60;

export interface AnnotatorLayer {
  layerId: string;
  userId: string | null;
  doc: LayerDoc;
  /** Tiers the layer is compared on (the task API's `tierIds`; null: every tier). */
  tierIds: readonly string[] | null;
}

export type Decision = { type: 'accept' | 'edit'; layerId: string } | { type: 'merge' } | { type: 'reject' };

export class AdjudicationState {
  /** Bumped on every change of a watched document. */
  version = $state(0);
  annotators: AnnotatorLayer[] = $state([]);
  gold: { layerId: string; doc: LayerDoc } | null = $state(null);
  private offs: (() => void)[] = [];
  private pending: ReturnType<typeof setTimeout> | null = null;

  /** Follows these documents (replacing the previous ones). */
  watch(annotators: AnnotatorLayer[], gold: { layerId: string; doc: LayerDoc } | null): void {
    this.unwatch();
    this.annotators = annotators;
    this.gold = gold;
    const bump = (): void => this.schedule();
    for (const a of annotators) this.offs.push(a.doc.observe(bump));
    if (gold) this.offs.push(gold.doc.observe(bump), observeDecisions(gold.doc.doc, bump));
    this.version++;
  }

  unwatch(): void {
    for (const off of this.offs) off();
    this.offs = [];
    if (this.pending !== null) clearTimeout(this.pending);
    this.pending = null;
  }

  /**
   * Coalesces bursts (typing in a transcript changes a layer on every key) into one recompute of
   * the regions per COALESCE_MS: they are recomputed over every layer of the task.
   */
  private schedule(): void {
    if (this.pending !== null) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.version++;
    }, COALESCE_MS);
  }

  /** Annotator layers as adjudication reads them (fresh snapshots). */
  inputs(): LayerInput[] {
    void this.version;
    return this.annotators.map((a) => ({
      layerId: a.layerId,
      userId: a.userId,
      annotations: a.doc.list(),
      tierIds: a.tierIds,
    }));
  }

  goldState(): { annotations: Annotation[]; rejections: ReturnType<typeof readRejections> } {
    void this.version;
    return this.gold
      ? { annotations: this.gold.doc.list(), rejections: readRejections(this.gold.doc.doc) }
      : // eslint-disable-next-line svelte/prefer-svelte-reactivity -- an empty read-only value, not state
        { annotations: [], rejections: new Map() };
  }

  /** Open disagreements of the given tiers (none without two annotator layers). */
  open(tiers: readonly Pick<Tier, 'id'>[], rule: AdjudicationRule = DEFAULT_RULE): Disagreement[] {
    if (this.annotators.length < 2) return [];
    return openDisagreements(tiers, this.inputs(), this.goldState(), rule);
  }

  /** Writes the agreed regions of a tier into gold (one transaction); returns how many. */
  preMerge(tier: Tier, rule: AdjudicationRule, ctx: LayerContext, origin: unknown): number {
    const gold = this.requireGold();
    const { inputs } = preMerge(
      tier,
      this.inputs(),
      this.goldState(),
      { adjudicator: ctx.author, now: ctx.now() },
      rule,
    );
    gold.doc.doc.transact(() => {
      for (const input of inputs) gold.doc.create(input, ctx, origin);
    }, origin);
    return inputs.length;
  }

  /** Applies one decision; returns the id of the gold annotation it created (null for reject). */
  decide(d: Disagreement, decision: Decision, ctx: LayerContext, origin: unknown): string | null {
    const gold = this.requireGold();
    const who = { adjudicator: ctx.author, now: ctx.now() };
    if (decision.type === 'reject') {
      recordRejection(gold.doc.doc, rejectRegion(d, who), origin);
      return null;
    }
    const input =
      decision.type === 'merge'
        ? mergeVersions(d, who)
        : acceptVersion(d, decision.layerId, who, decision.type === 'edit' ? 'edited' : 'accepted');
    return gold.doc.create(input, ctx, origin).id;
  }

  private requireGold(): { layerId: string; doc: LayerDoc } {
    if (!this.gold) throw new Error('The gold layer is not open.');
    return this.gold;
  }
}
