/**
 * TranscriptModel: the segments of one transcript tier and the spans labelling their text, kept
 * current from `LayerDoc.observe`. Only the annotations a transaction touched are re-read, so a
 * keystroke in an hour-long transcript costs one `LayerDoc.get`, not a scan of the layer.
 */
import type { Annotation, SegmentAnnotation, SpanAnnotation } from '../../../shared/model/annotation.ts';
import type { LayerDoc } from '../../../shared/model/layer.ts';

const byStartThenId = (a: SegmentAnnotation, b: SegmentAnnotation): number =>
  a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const bySpanOffset = (a: SpanAnnotation, b: SpanAnnotation): number =>
  a.startOffset - b.startOffset || a.endOffset - b.endOffset || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface TranscriptSnapshot {
  /** Segments of the tier, ordered by start time (then end, then id: the same on every peer). */
  segments: readonly SegmentAnnotation[];
  /** Spans of the span tiers by segment id, ordered by offset. */
  spans: ReadonlyMap<string, readonly SpanAnnotation[]>;
}

export class TranscriptModel {
  private readonly segs = new Map<string, SegmentAnnotation>();
  private readonly spanById = new Map<string, SpanAnnotation>();
  private sorted: SegmentAnnotation[] = [];
  private spansBySeg = new Map<string, SpanAnnotation[]>();
  private readonly spanTiers: ReadonlySet<string>;
  private readonly unobserve: () => void;

  /**
   * `onChange` is called after each transaction that changed a segment of `tierId` or a span of
   * `spanTierIds`, with fresh arrays (so a `$state.raw` assignment re-renders).
   */
  constructor(
    private readonly layer: LayerDoc,
    private readonly tierId: string,
    spanTierIds: readonly string[],
    private readonly onChange: (snap: TranscriptSnapshot) => void = () => {},
  ) {
    this.spanTiers = new Set(spanTierIds);
    for (const a of layer.list()) this.put(a);
    this.sorted = [...this.segs.values()].sort(byStartThenId);
    this.rebuildSpans(null);
    this.unobserve = layer.observe((change) => this.apply(change.ids));
  }

  snapshot(): TranscriptSnapshot {
    return { segments: this.sorted, spans: this.spansBySeg };
  }

  destroy(): void {
    this.unobserve();
  }

  private put(a: Annotation): void {
    if (a.kind === 'segment' && a.tierId === this.tierId) this.segs.set(a.id, a);
    else if (a.kind === 'span' && a.textAnnotationId !== null && this.spanTiers.has(a.tierId))
      this.spanById.set(a.id, a);
  }

  private apply(ids: readonly string[]): void {
    let segsChanged = false;
    let resort = false;
    const spanSegs = new Set<string>();
    for (const id of ids) {
      const oldSeg = this.segs.get(id);
      const oldSpan = this.spanById.get(id);
      this.segs.delete(id);
      this.spanById.delete(id);
      if (oldSpan?.textAnnotationId) spanSegs.add(oldSpan.textAnnotationId);
      const a = this.layer.get(id);
      if (a !== null) this.put(a);
      const newSeg = this.segs.get(id);
      const newSpan = this.spanById.get(id);
      if (newSpan?.textAnnotationId) spanSegs.add(newSpan.textAnnotationId);
      if (oldSeg === undefined && newSeg === undefined) continue;
      segsChanged = true;
      if (oldSeg !== undefined && newSeg !== undefined && oldSeg.start === newSeg.start && oldSeg.end === newSeg.end) {
        // Text or label edits: replace in place, the order is unchanged.
        const i = this.sorted.indexOf(oldSeg);
        if (i >= 0) {
          this.sorted[i] = newSeg;
          continue;
        }
      }
      resort = true;
    }
    if (!segsChanged && spanSegs.size === 0) return;
    if (resort) this.sorted = [...this.segs.values()].sort(byStartThenId);
    else if (segsChanged) this.sorted = [...this.sorted];
    if (spanSegs.size > 0) this.rebuildSpans(spanSegs);
    this.onChange(this.snapshot());
  }

  /** Regroups spans of the given segments (all when null). */
  private rebuildSpans(segIds: ReadonlySet<string> | null): void {
    const next = segIds === null ? new Map<string, SpanAnnotation[]>() : new Map(this.spansBySeg);
    if (segIds !== null) for (const id of segIds) next.delete(id);
    for (const s of this.spanById.values()) {
      const seg = s.textAnnotationId as string;
      if (segIds !== null && !segIds.has(seg)) continue;
      const list = next.get(seg) ?? [];
      list.push(s);
      next.set(seg, list);
    }
    for (const [id, list] of next) if (segIds === null || segIds.has(id)) list.sort(bySpanOffset);
    this.spansBySeg = next;
  }
}
