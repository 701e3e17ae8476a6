/**
 * Incoming relations of a layer ("what points at this annotation"), kept current from
 * `LayerDoc.observe` by re-reading only the annotations a transaction touched. Relations are
 * stored on their source, so without this index showing them on the target (e.g. the other side
 * of a conflict flag) would scan the whole layer after every keystroke.
 */
import type { Relation } from '../../../shared/model/annotation.ts';
import type { LayerDoc } from '../../../shared/model/layer.ts';

/** A relation seen from its target. */
export interface IncomingRelation {
  sourceId: string;
  type: string;
}

export class IncomingRelations {
  private readonly outgoing = new Map<string, Relation[]>();
  private readonly incoming = new Map<string, IncomingRelation[]>();
  private readonly unobserve: () => void;

  /** `onChange(targetIds)` is called with the targets whose incoming relations changed. */
  constructor(
    private readonly layer: LayerDoc,
    private readonly onChange: (targetIds: ReadonlySet<string>) => void = () => {},
  ) {
    for (const a of layer.list()) this.set(a.id, a.relations);
    this.unobserve = layer.observe(({ ids }) => {
      const touched = new Set<string>();
      for (const id of ids) {
        for (const r of this.outgoing.get(id) ?? []) touched.add(r.targetId);
        this.set(id, this.layer.get(id)?.relations ?? []);
        for (const r of this.outgoing.get(id) ?? []) touched.add(r.targetId);
      }
      if (touched.size > 0) this.onChange(touched);
    });
  }

  /** Relations pointing at `targetId`, ordered by source id then type. */
  to(targetId: string): IncomingRelation[] {
    return [...(this.incoming.get(targetId) ?? [])].sort((a, b) =>
      a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0,
    );
  }

  destroy(): void {
    this.unobserve();
  }

  private set(sourceId: string, rels: readonly Relation[]): void {
    for (const r of this.outgoing.get(sourceId) ?? []) {
      const list = (this.incoming.get(r.targetId) ?? []).filter((x) => x.sourceId !== sourceId);
      if (list.length === 0) this.incoming.delete(r.targetId);
      else this.incoming.set(r.targetId, list);
    }
    if (rels.length === 0) this.outgoing.delete(sourceId);
    else this.outgoing.set(sourceId, [...rels]);
    for (const r of rels) {
      const list = this.incoming.get(r.targetId) ?? [];
      list.push({ sourceId, type: r.type });
      this.incoming.set(r.targetId, list);
    }
  }
}
