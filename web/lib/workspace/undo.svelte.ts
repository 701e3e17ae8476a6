/**
 * Undo/redo of one's own edits only: a Y.UndoManager per writable layer, tracking exactly the
 * workspace's local origin. Peers' edits (applied with the provider as origin) and the local copy
 * loaded from IndexedDB are never undone. With several writable layers (a manager who also
 * annotates), undo takes the most recent step across them.
 *
 * Timeline edits are one step each (the workspace calls `boundary()` after every edit); typing
 * in a transcript merges into one step per burst (CAPTURE_MS).
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- private bookkeeping, deliberately not reactive: what the UI reads is in $state fields. */
import * as Y from 'yjs';
import { LAYER_ANNOTATIONS } from '$shared/model/layer.ts';

/** The Yjs origin of this tab's edits (give it to the timeline and the side panels). */
export class LocalOrigin {
  constructor(readonly label = 'workspace') {}
}

const CAPTURE_MS = 400;

interface Tracked {
  manager: Y.UndoManager;
  stamps: WeakMap<object, number>;
}

export class OwnUndo {
  canUndo = $state(false);
  canRedo = $state(false);
  private readonly tracked = new Map<string, Tracked>();
  private clock = 0;

  constructor(readonly origin: LocalOrigin) {}

  /** Tracks this layer's annotations (idempotent per doc). */
  track(layerId: string, doc: Y.Doc): void {
    const existing = this.tracked.get(layerId);
    if (existing && existing.manager.doc === doc) return;
    if (existing) this.untrack(layerId);
    const manager = new Y.UndoManager(doc.getMap(LAYER_ANNOTATIONS), {
      trackedOrigins: new Set<unknown>([this.origin]),
      captureTimeout: CAPTURE_MS,
    });
    const stamps = new WeakMap<object, number>();
    const stamp = (e: { stackItem: object }): void => {
      stamps.set(e.stackItem, ++this.clock);
      this.refresh();
    };
    manager.on('stack-item-added', stamp);
    manager.on('stack-item-popped', () => this.refresh());
    manager.on('stack-cleared', () => this.refresh());
    this.tracked.set(layerId, { manager, stamps });
    this.refresh();
  }

  untrack(layerId: string): void {
    const t = this.tracked.get(layerId);
    if (!t) return;
    t.manager.destroy();
    this.tracked.delete(layerId);
    this.refresh();
  }

  /** Keeps only these layers. */
  retain(layerIds: Iterable<string>): void {
    const keep = new Set(layerIds);
    for (const id of [...this.tracked.keys()]) if (!keep.has(id)) this.untrack(id);
  }

  /** Ends the current step: the next edit starts a new one. */
  boundary(): void {
    for (const t of this.tracked.values()) t.manager.stopCapturing();
  }

  undo(): boolean {
    const t = this.latest('undoStack');
    if (!t) return false;
    t.manager.undo();
    this.boundary();
    this.refresh();
    return true;
  }

  redo(): boolean {
    const t = this.latest('redoStack');
    if (!t) return false;
    t.manager.redo();
    this.boundary();
    this.refresh();
    return true;
  }

  destroy(): void {
    for (const id of [...this.tracked.keys()]) this.untrack(id);
  }

  private latest(stack: 'undoStack' | 'redoStack'): Tracked | null {
    let best: Tracked | null = null;
    let bestStamp = -1;
    for (const t of this.tracked.values()) {
      const items = t.manager[stack];
      if (items.length === 0) continue;
      const s = t.stamps.get(items[items.length - 1]) ?? 0;
      if (s > bestStamp) [best, bestStamp] = [t, s];
    }
    return best;
  }

  private refresh(): void {
    let u = false;
    let r = false;
    for (const t of this.tracked.values()) {
      u ||= t.manager.undoStack.length > 0;
      r ||= t.manager.redoStack.length > 0;
    }
    this.canUndo = u;
    this.canRedo = r;
  }
}
