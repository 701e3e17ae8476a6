/** Fixtures for the timeline tests: a taxonomy, segment/event tiers, a context, lanes. */
import * as Y from 'yjs';
import { LayerDoc } from '../../../../shared/model/layer.ts';
import type { Taxonomy } from '../../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../../shared/model/tier.ts';
import type { LayerContext } from '../../../../shared/model/validate.ts';
import type { LaneSpec } from '../../../../web/lib/timeline/model.ts';

export function taxonomy(): Taxonomy {
  const cls = (id: string, color: string, hotkey: string | null) => ({
    id,
    name: id[0]!.toUpperCase() + id.slice(1),
    parentId: null,
    color,
    hotkey,
    description: '',
    guideline: '',
    examples: [],
    attributeIds: [],
  });
  return {
    attributes: [{ id: 'speaker', name: 'Speaker', type: 'text', required: false }],
    classes: [cls('speech', '#4f9dff', 's'), cls('music', '#ffb347', 'm'), cls('laugh', '#7bd88f', 'l')],
  };
}

function tier(id: string, kind: Tier['kind']): Tier {
  return {
    id,
    name: id,
    modality: 'any',
    kind,
    allowedClassIds: ['speech', 'music', 'laugh'],
    attributeIds: ['speaker'],
    parentTierId: null,
    relation: null,
    guidelines: '',
    editRoles: ['annotator', 'manager'],
    editSkills: [],
  };
}

export function tiers(): Tier[] {
  return [tier('words', 'segment'), tier('turns', 'segment'), tier('events', 'event')];
}

/** Deterministic clock, media of one hour. */
export function context(extra: Partial<LayerContext> = {}): LayerContext {
  let t = 1000;
  return { tiers: tiers(), taxonomy: taxonomy(), mediaDuration: 3600, now: () => t++, author: 'ann1', ...extra };
}

export function layer(): LayerDoc {
  return new LayerDoc(new Y.Doc());
}

export function lanes(layerId = 'L1', editable = true): LaneSpec[] {
  return [
    { id: `${layerId}/words`, tierId: 'words', layerId, label: 'Words', editable, color: '#888888', kind: 'segment' },
    { id: `${layerId}/turns`, tierId: 'turns', layerId, label: 'Turns', editable, color: '#999999', kind: 'segment' },
    { id: `${layerId}/events`, tierId: 'events', layerId, label: 'Events', editable, color: '#aaaaaa', kind: 'event' },
  ];
}

/** Applies every update of `a` to `b` and back. */
export function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
}

/** Counts transactions on a doc and records their origins. */
export function transactions(doc: Y.Doc): unknown[] {
  const origins: unknown[] = [];
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.changed.size > 0) origins.push(tr.origin);
  });
  return origins;
}
