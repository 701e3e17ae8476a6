/**
 * Which layers the workspace shows and which lanes it draws: one lane per time-based tier
 * (segments, events, boxes: a box lasts from start to end) per visible layer. A lane is editable when the server gives write access to
 * the layer and the user's role on that layer (annotator on their own, their project role on
 * gold) and skills may edit the tier — the same rule the server applies to every update
 * (server/access/access.ts editableTiers), so the timeline never makes an edit it would drop.
 */
import type { Taxonomy } from '../../../shared/model/taxonomy.ts';
import { canEditTier, type Role, type Tier } from '../../../shared/model/tier.ts';
import type { Assignment, TaskLayer } from '../api/types.ts';
import type { LaneSpec } from '../timeline/model.ts';
import { colorFor } from './presence.svelte.ts';

export interface LayerView {
  id: string;
  kind: 'annotator' | 'gold';
  userId: string | null;
  docName: string;
  access: 'read' | 'write';
  /** Owner's name ("Gold" for the gold layer). */
  name: string;
  /** Short name for lane headers. */
  short: string;
  own: boolean;
  color: string;
  /** Tiers the user may edit in this layer (empty when read-only). */
  editableTiers: ReadonlySet<string>;
}

export const GOLD_COLOR = '#e6b422';

export interface Me {
  userId: string;
  /** Project role; null for an admin who is not a member (acts as manager). */
  role: Role | null;
  skills: readonly string[];
}

/**
 * Tiers drawn on the timeline. Spans live in texts only; boxes are drawn on the video
 * (BoxOverlay) and their time ranges on a lane, where they are selected, moved and trimmed.
 */
export function timelineTiers(tiers: readonly Tier[]): Tier[] {
  return tiers.filter((t) => t.kind === 'segment' || t.kind === 'event' || t.kind === 'box');
}

function firstName(s: string): string {
  const clean = s.replace(/\s*\(.*\)\s*$/, '').trim();
  return clean.length > 14 ? `${clean.slice(0, 13)}…` : clean;
}

/** The layers of a task as the workspace shows them, in lane order. */
export function layerViews(
  layers: readonly TaskLayer[],
  assignments: readonly Assignment[],
  tiers: readonly Tier[],
  me: Me,
): LayerView[] {
  const people = new Map(assignments.map((a) => [a.userId, a]));
  const views = layers.map((l): LayerView => {
    const own = l.kind === 'annotator' && l.userId === me.userId;
    const person = l.userId ? people.get(l.userId) : undefined;
    const name =
      l.kind === 'gold'
        ? 'Gold'
        : own
          ? 'You'
          : (person?.displayName || person?.username || 'Annotator').replace(/\s*\(.*\)\s*$/, '');
    const role: Role = l.kind === 'annotator' ? 'annotator' : (me.role ?? 'manager');
    const editableTiers =
      l.access === 'write' && (l.kind === 'gold' || own)
        ? new Set(tiers.filter((t) => canEditTier(t, role, me.skills)).map((t) => t.id))
        : new Set<string>();
    return {
      id: l.id,
      kind: l.kind,
      userId: l.userId,
      docName: l.docName,
      access: l.access,
      name,
      short: l.kind === 'gold' ? 'Gold' : own ? 'You' : firstName(name),
      own,
      color: l.kind === 'gold' ? GOLD_COLOR : colorFor(l.userId ?? l.id),
      editableTiers,
    };
  });
  // Own layer first, then a gold layer one edits, the other annotators, a read-only gold last.
  const rank = (v: LayerView): number =>
    v.own ? 0 : v.kind === 'gold' && v.access === 'write' ? 1 : v.kind === 'annotator' ? 2 : 3;
  return views.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function laneId(layerId: string, tierId: string): string {
  return `${layerId}/${tierId}`;
}

/** Lanes for the visible layers, grouped by layer. */
export function buildLanes(
  layers: readonly LayerView[],
  tiers: readonly Tier[],
  hidden: ReadonlySet<string>,
): LaneSpec[] {
  const lanes: LaneSpec[] = [];
  const timed = timelineTiers(tiers);
  for (const layer of layers) {
    if (hidden.has(layer.id)) continue;
    for (const tier of timed)
      lanes.push({
        id: laneId(layer.id, tier.id),
        tierId: tier.id,
        layerId: layer.id,
        label: `${layer.short} · ${tier.name}`,
        editable: layer.editableTiers.has(tier.id),
        color: layer.color,
        kind: tier.kind === 'event' ? 'event' : tier.kind === 'box' ? 'box' : 'segment',
      });
  }
  return lanes;
}

/** The taxonomy with no attribute required (for the timeline's structural edits). */
export function withoutRequired(taxonomy: Taxonomy): Taxonomy {
  if (!taxonomy.attributes.some((a) => a.required)) return taxonomy;
  return { ...taxonomy, attributes: taxonomy.attributes.map((a) => (a.required ? { ...a, required: false } : a)) };
}
