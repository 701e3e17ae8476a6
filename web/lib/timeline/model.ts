/**
 * The timeline's view of the layer documents: per (layer, tier) an interval index of the
 * time-based annotations (segments, events, boxes), kept up to date incrementally from
 * LayerDoc.observe — an edit re-reads only the annotations it touched.
 */
import type { Annotation } from '../../../shared/model/annotation.ts';
import type { LayerChange, LayerDoc } from '../../../shared/model/layer.ts';
import { IntervalIndex } from './interval-index.ts';

/** What a lane shows: one tier of one layer. */
export type LaneKind = 'segment' | 'event' | 'box';

export interface LaneSpec {
  /** Unique among lanes. */
  id: string;
  tierId: string;
  layerId: string;
  label: string;
  /** The user may edit this lane (own layer, tier editable by their role). */
  editable: boolean;
  /** `#rrggbb`: colour of unlabeled annotations and of the lane header swatch. */
  color: string;
  /** The tier's kind; defaults to the tier's in the edit context, else to 'segment'. */
  kind?: LaneKind;
}

/** A time-based annotation as the timeline draws it (an immutable snapshot). */
export interface TimelineItem {
  readonly id: string;
  readonly layerId: string;
  readonly tierId: string;
  readonly kind: LaneKind;
  readonly start: number;
  /** Equals start for events. */
  readonly end: number;
  readonly label: string | null;
  /** Transcript (segments), truncated for display. */
  readonly text: string;
}

/** Addresses one annotation (ids are unique within a layer only). */
export interface AnnotationRef {
  layerId: string;
  id: string;
}

export interface ModelChange {
  layerId: string;
  ids: string[];
  origin: unknown;
  local: boolean;
}

const TEXT_PREVIEW = 160;

/** Snapshot → timeline item; null for spans (they live in a text, not on the time axis). */
export function toItem(layerId: string, a: Annotation): TimelineItem | null {
  if (a.kind === 'span') return null;
  return {
    id: a.id,
    layerId,
    tierId: a.tierId,
    kind: a.kind,
    start: a.start,
    end: a.kind === 'event' ? a.start : a.end,
    label: a.label,
    text: a.kind === 'segment' ? a.text.slice(0, TEXT_PREVIEW) : '',
  };
}

interface LayerEntry {
  doc: LayerDoc;
  items: Map<string, TimelineItem>;
  byTier: Map<string, IntervalIndex<TimelineItem>>;
  unobserve: () => void;
}

const EMPTY = new IntervalIndex<TimelineItem>();

export class TimelineModel {
  lanes: LaneSpec[] = [];
  /** Bumped on every change of content or lanes. */
  version = 0;
  /** Called after the indexes absorbed a change. */
  onChange: ((change: ModelChange) => void) | null = null;
  private layers = new Map<string, LayerEntry>();

  /** Replaces the set of layer documents (by layer id); unchanged entries keep their index. */
  setLayers(layers: ReadonlyMap<string, LayerDoc> | Readonly<Record<string, LayerDoc>>): void {
    const next = layers instanceof Map ? layers : new Map(Object.entries(layers));
    for (const [id, entry] of this.layers)
      if (next.get(id) !== entry.doc) {
        entry.unobserve();
        this.layers.delete(id);
      }
    for (const [id, doc] of next) if (!this.layers.has(id)) this.layers.set(id, this.attach(id, doc));
    this.version++;
  }

  setLanes(lanes: readonly LaneSpec[]): void {
    this.lanes = lanes.map((l) => ({ ...l }));
    this.version++;
  }

  layer(layerId: string): LayerDoc | null {
    return this.layers.get(layerId)?.doc ?? null;
  }

  /** The index behind a lane (an empty one when the layer is not loaded). */
  index(lane: Pick<LaneSpec, 'layerId' | 'tierId'>): IntervalIndex<TimelineItem> {
    return this.layers.get(lane.layerId)?.byTier.get(lane.tierId) ?? EMPTY;
  }

  item(ref: AnnotationRef): TimelineItem | null {
    return this.layers.get(ref.layerId)?.items.get(ref.id) ?? null;
  }

  laneById(id: string | null): LaneSpec | null {
    return id === null ? null : (this.lanes.find((l) => l.id === id) ?? null);
  }

  /** The first lane showing `item`'s layer and tier. */
  laneOf(item: Pick<TimelineItem, 'layerId' | 'tierId'>): LaneSpec | null {
    return this.lanes.find((l) => l.layerId === item.layerId && l.tierId === item.tierId) ?? null;
  }

  /** Number of time-based annotations loaded across layers. */
  get size(): number {
    let n = 0;
    for (const e of this.layers.values()) n += e.items.size;
    return n;
  }

  destroy(): void {
    for (const e of this.layers.values()) e.unobserve();
    this.layers.clear();
  }

  private attach(layerId: string, doc: LayerDoc): LayerEntry {
    const entry: LayerEntry = { doc, items: new Map(), byTier: new Map(), unobserve: () => {} };
    this.rebuild(layerId, entry);
    entry.unobserve = doc.observe((change) => this.apply(layerId, entry, change));
    return entry;
  }

  private rebuild(layerId: string, entry: LayerEntry): void {
    entry.items.clear();
    const groups = new Map<string, TimelineItem[]>();
    for (const a of entry.doc.list()) {
      const it = toItem(layerId, a);
      if (it === null) continue;
      entry.items.set(it.id, it);
      let g = groups.get(it.tierId);
      if (g === undefined) groups.set(it.tierId, (g = []));
      g.push(it);
    }
    entry.byTier = new Map([...groups].map(([tier, items]) => [tier, new IntervalIndex(items)]));
  }

  private apply(layerId: string, entry: LayerEntry, change: LayerChange): void {
    // A large remote batch (initial sync, import) is cheaper to reload than to insert one by one.
    if (change.ids.length > 2000 && change.ids.length > entry.items.size / 4) this.rebuild(layerId, entry);
    else
      for (const id of change.ids) {
        const old = entry.items.get(id);
        if (old !== undefined) {
          entry.byTier.get(old.tierId)?.remove(old);
          entry.items.delete(id);
        }
        const a = entry.doc.get(id);
        const it = a === null ? null : toItem(layerId, a);
        if (it === null) continue;
        entry.items.set(id, it);
        let index = entry.byTier.get(it.tierId);
        if (index === undefined) entry.byTier.set(it.tierId, (index = new IntervalIndex()));
        index.insert(it);
      }
    this.version++;
    this.onChange?.({ layerId, ids: change.ids, origin: change.origin, local: change.local });
  }
}
