/**
 * TimelineEngine: the framework-free core behind Timeline.svelte. It owns the model (indexes over
 * the layer documents), the viewport and layout, the interaction state (playhead, selection range,
 * selected annotations, active lane, drag gesture), runs keyboard commands and pointer gestures,
 * applies edits through edit.ts (one Yjs transaction each, with `origin`), and redraws on
 * requestAnimationFrame only when something changed.
 *
 * Everything except attach()/the renderer works without a DOM, so gestures and commands are unit
 * tested in node.
 */
import type { LayerDoc } from '../../../shared/model/layer.ts';
import type { Taxonomy } from '../../../shared/model/taxonomy.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';
import * as edits from './edit.ts';
import { DEFAULT_KEYMAP, KeyResolver, isMacPlatform } from './keymap.ts';
import type { Command, KeyInput, Keymap } from './keymap.ts';
import { Layout, hitTest } from './layout.ts';
import type { Hit, LayoutOptions } from './layout.ts';
import { TimelineModel } from './model.ts';
import type { AnnotationRef, LaneKind, LaneSpec, TimelineItem } from './model.ts';
import { Renderer } from './renderer.ts';
import type { PresencePeer, Preview, RenderStats, TimeRange } from './renderer.ts';
import { DEFAULT_SNAP, snapTime } from './snap.ts';
import type { SnapKind, SnapOptions, SnapResult } from './snap.ts';
import { frameDuration, frameOf, frameTime, isFrameBoundary, snapToFrame, stepFrames } from './time.ts';
import type { Rational } from './time.ts';
import { Viewport } from './viewport.ts';
import type { ViewState } from './viewport.ts';

export type EditOp = 'create' | 'move' | 'resize' | 'split' | 'merge' | 'delete';

/** Reported after an edit was written (the LayerDoc change events follow from Yjs as usual). */
export interface EditEvent {
  op: EditOp;
  layerId: string;
  /** Annotations created or changed (for delete: removed). */
  ids: string[];
}

export interface EngineCallbacks {
  /** The user moved the playhead (click, scrub, keys): seek the player. */
  onPlayhead?(t: number): void;
  onSelection?(range: TimeRange | null): void;
  onSelected?(refs: AnnotationRef[]): void;
  onActiveLane?(laneId: string | null): void;
  /** The visible window changed (reported at most once per drawn frame). */
  onView?(view: ViewState): void;
  onEdit?(e: EditEvent): void;
  /** An edit was rejected (ModelValidationError) or impossible; nothing was written. */
  onError?(err: unknown): void;
  onTogglePlay?(): void;
  /** An annotation was double-clicked (open its attribute editor). */
  onActivate?(ref: AnnotationRef): void;
  onCursor?(cursor: string): void;
  /** After each drawn frame. */
  onFrame?(stats: RenderStats): void;
}

export interface PointerInput {
  x: number;
  y: number;
  /** 0 primary, 1 middle. */
  button?: number;
  shiftKey?: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

export interface WheelInput extends PointerInput {
  deltaX: number;
  deltaY: number;
  /** 0 pixels, 1 lines, 2 pages (WheelEvent.deltaMode). */
  deltaMode?: number;
}

export interface EngineOptions {
  duration: number;
  frameRate?: Rational | null;
  layout?: Partial<LayoutOptions>;
  snap?: Partial<SnapOptions>;
  keymap?: Keymap;
  /** Mod = Meta (macOS) instead of Ctrl; detected when absent. */
  mac?: boolean;
  /** Canvas size (CSS px) before attach (tests). */
  width?: number;
  height?: number;
}

/** Drag distance (px) before a press becomes a drag. */
const DRAG_THRESHOLD = 3;
/** Playhead step without a frame rate. */
const NO_FRAME_STEP = 0.01;

type Gesture =
  | {
      type: 'pending';
      x: number;
      y: number;
      hit: Hit;
      input: PointerInput;
      next: 'move' | 'resize' | 'create' | 'range';
    }
  | { type: 'scrub' }
  | { type: 'pan'; lastX: number }
  | { type: 'range'; anchor: number }
  | { type: 'create'; laneIndex: number; lane: LaneSpec; kind: LaneKind; anchor: number; current: number }
  | { type: 'move'; laneIndex: number; item: TimelineItem; grab: number; start: number; end: number }
  | { type: 'resize'; laneIndex: number; item: TimelineItem; edge: 'start' | 'end'; start: number; end: number };

const sameRef = (a: AnnotationRef, b: AnnotationRef): boolean => a.layerId === b.layerId && a.id === b.id;
const refOf = (it: TimelineItem): AnnotationRef => ({ layerId: it.layerId, id: it.id });
const SNAP_RANK: Record<SnapKind, number> = { boundary: 0, playhead: 0, selection: 0, frame: 1, none: 2 };

export class TimelineEngine {
  readonly model = new TimelineModel();
  readonly layout: Layout;
  readonly view: Viewport;
  frameRate: Rational | null;
  duration: number;

  playhead = 0;
  selection: TimeRange | null = null;
  selected: AnnotationRef[] = [];
  activeLaneId: string | null = null;
  hover: Hit | null = null;
  presence: PresencePeer[] = [];
  /** Needed for edits; null makes the timeline read-only. */
  context: LayerContext | null = null;
  /** Yjs transaction origin of this user's edits (track it with a Y.UndoManager). */
  origin: unknown = undefined;
  snapOptions: SnapOptions;
  /** Keep the playhead in view when it moves by itself (playback). */
  follow = false;
  callbacks: EngineCallbacks = {};

  private labelColors = new Map<string, string>();
  private labelNames = new Map<string, string>();
  private keys: KeyResolver;
  private mac: boolean;
  private gesture: Gesture | null = null;
  private renderer: Renderer | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private dirty = true;
  private raf = 0;
  private drawnView = -1;
  private drawnModel = -1;
  private destroyed = false;

  constructor(opts: EngineOptions) {
    this.duration = opts.duration;
    this.frameRate = opts.frameRate ?? null;
    this.layout = new Layout(opts.layout);
    this.layout.width = opts.width ?? 800;
    this.layout.height = opts.height ?? 300;
    this.view = new Viewport(this.duration, this.layout.timeWidth, this.frameRate);
    this.snapOptions = { ...DEFAULT_SNAP, ...opts.snap };
    this.mac = opts.mac ?? isMacPlatform();
    this.keys = new KeyResolver(opts.keymap ?? DEFAULT_KEYMAP, this.mac);
    this.model.onChange = () => this.onModelChange();
  }

  // ---------------------------------------------------------------- inputs (props)

  setLayers(layers: ReadonlyMap<string, LayerDoc> | Readonly<Record<string, LayerDoc>>): void {
    this.model.setLayers(layers);
    this.onModelChange();
  }

  setLanes(lanes: readonly LaneSpec[]): void {
    this.model.setLanes(lanes);
    this.layout.laneCount = lanes.length;
    this.layout.scrollBy(0);
    if (this.activeLaneId !== null && this.model.laneById(this.activeLaneId) === null) this.activeLaneId = null;
    this.invalidate();
  }

  setDuration(duration: number): void {
    this.duration = duration;
    this.view.setDuration(duration);
    if (this.playhead > duration) this.playhead = duration;
    this.invalidate();
  }

  setFrameRate(rate: Rational | null): void {
    this.frameRate = rate;
    this.view.setFrameRate(rate);
    this.invalidate();
  }

  setContext(ctx: LayerContext | null, origin?: unknown): void {
    this.context = ctx;
    if (origin !== undefined) this.origin = origin;
    this.invalidate();
  }

  /** Label colours and names for drawing (defaults to the edit context's taxonomy). */
  setTaxonomy(taxonomy: Taxonomy | null): void {
    this.labelColors.clear();
    this.labelNames.clear();
    for (const c of taxonomy?.classes ?? []) {
      this.labelColors.set(c.id, c.color);
      this.labelNames.set(c.id, c.name);
    }
    this.invalidate();
  }

  setKeymap(keymap: Keymap): void {
    this.keys = new KeyResolver(keymap, this.mac);
  }

  setPresence(peers: readonly PresencePeer[]): void {
    this.presence = [...peers];
    this.invalidate();
  }

  setSnap(opts: Partial<SnapOptions>): void {
    this.snapOptions = { ...this.snapOptions, ...opts };
  }

  setLayout(opts: Partial<LayoutOptions>): void {
    if (opts.rulerHeight !== undefined) this.layout.rulerHeight = opts.rulerHeight;
    if (opts.laneHeight !== undefined) this.layout.laneHeight = opts.laneHeight;
    if (opts.headerWidth !== undefined) this.layout.headerWidth = opts.headerWidth;
    this.view.setWidth(this.layout.timeWidth);
    this.layout.scrollBy(0);
    this.invalidate();
  }

  // ---------------------------------------------------------------- state (emit = user action)

  setPlayhead(t: number, emit = false): void {
    const v = Math.min(this.duration, Math.max(0, Number.isFinite(t) ? t : 0));
    if (v === this.playhead) return;
    this.playhead = v;
    if (this.follow && !emit && (v < this.view.start || v > this.view.end))
      this.view.scrollTo(v - this.view.visibleDuration * 0.1);
    this.invalidate();
    if (emit) this.callbacks.onPlayhead?.(v);
  }

  setSelection(range: TimeRange | null, emit = false): void {
    const r =
      range === null ? null : { start: Math.min(range.start, range.end), end: Math.max(range.start, range.end) };
    if (r?.start === this.selection?.start && r?.end === this.selection?.end) return;
    this.selection = r;
    this.invalidate();
    if (emit) this.callbacks.onSelection?.(r === null ? null : { ...r });
  }

  setSelected(refs: readonly AnnotationRef[], emit = false): void {
    if (refs.length === this.selected.length && refs.every((r, i) => sameRef(r, this.selected[i]))) return;
    this.selected = refs.map((r) => ({ layerId: r.layerId, id: r.id }));
    this.invalidate();
    if (emit) this.callbacks.onSelected?.(this.selected.map((r) => ({ ...r })));
  }

  setActiveLane(id: string | null, emit = false): void {
    if (id === this.activeLaneId) return;
    this.activeLaneId = id;
    const i = this.model.lanes.findIndex((l) => l.id === id);
    if (i >= 0) this.layout.revealLane(i);
    this.invalidate();
    if (emit) this.callbacks.onActiveLane?.(id);
  }

  /** Shows [t0, t1] and redraws. */
  setView(t0: number, t1: number): void {
    this.view.showRange(t0, t1);
    this.invalidate();
  }

  // ---------------------------------------------------------------- rendering

  attach(canvas: HTMLCanvasElement): void {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('timeline: no 2D canvas context');
    this.renderer = new Renderer(ctx);
    this.invalidate();
  }

  /** New canvas size in CSS px and device pixel ratio. */
  resize(width: number, height: number, dpr = 1): void {
    this.layout.width = Math.max(1, width);
    this.layout.height = Math.max(1, height);
    this.layout.scrollBy(0);
    this.view.setWidth(this.layout.timeWidth);
    if (this.canvas) {
      this.canvas.width = Math.max(1, Math.round(width * dpr));
      this.canvas.height = Math.max(1, Math.round(height * dpr));
    }
    if (this.renderer) this.renderer.dpr = dpr;
    this.invalidate();
  }

  /** Schedules a redraw on the next animation frame (coalesced). */
  invalidate(): void {
    this.dirty = true;
    if (this.renderer === null || this.raf !== 0 || this.destroyed || typeof requestAnimationFrame !== 'function')
      return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.flush();
    });
  }

  /** Draws now if anything changed since the last frame; returns the frame's stats or null. */
  flush(): RenderStats | null {
    if (this.renderer === null) return null;
    if (!this.dirty && this.drawnView === this.view.version && this.drawnModel === this.model.version) return null;
    this.dirty = false;
    const viewChanged = this.drawnView !== this.view.version;
    this.drawnView = this.view.version;
    this.drawnModel = this.model.version;
    const stats = this.renderer.draw({
      layout: this.layout,
      view: this.view,
      model: this.model,
      frameRate: this.frameRate,
      playhead: this.playhead,
      selection: this.selection,
      selected: this.selected,
      hover: this.hover,
      activeLaneId: this.activeLaneId,
      preview: this.preview(),
      presence: this.presence,
      labelColor: (l) => (l === null ? null : (this.labelColors.get(l) ?? null)),
      labelName: (l) => (l === null ? null : (this.labelNames.get(l) ?? null)),
    });
    if (viewChanged) this.callbacks.onView?.(this.view.state());
    this.callbacks.onFrame?.(stats);
    return stats;
  }

  destroy(): void {
    this.destroyed = true;
    if (this.raf !== 0 && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.model.destroy();
    this.renderer = null;
    this.canvas = null;
  }

  /** The drag ghost, if a gesture is editing something. */
  preview(): Preview | null {
    const g = this.gesture;
    if (g === null) return null;
    if (g.type === 'create')
      return { laneIndex: g.laneIndex, kind: g.kind, start: g.anchor, end: g.current, item: null };
    if (g.type === 'move' || g.type === 'resize')
      return { laneIndex: g.laneIndex, kind: g.item.kind, start: g.start, end: g.end, item: g.item };
    return null;
  }

  get gestureType(): string | null {
    return this.gesture?.type ?? null;
  }

  // ---------------------------------------------------------------- geometry helpers

  hitTest(x: number, y: number): Hit {
    return hitTest(this.layout, this.view, this.model, x, y);
  }

  /** Canvas x (CSS px) of time t. */
  timeToX(t: number): number {
    return this.layout.headerWidth + this.view.timeToX(t);
  }

  xToTime(x: number): number {
    return this.view.xToTime(x - this.layout.headerWidth);
  }

  /** Lane kind: the spec's, else the tier's in the context, else 'segment'. */
  laneKind(lane: LaneSpec): LaneKind {
    if (lane.kind) return lane.kind;
    const k = this.context?.tiers.find((t) => t.id === lane.tierId)?.kind;
    return k === 'event' || k === 'box' ? k : 'segment';
  }

  /** Snaps t (frames, boundaries of all lanes, playhead, selection), ignoring `exclude`. */
  snap(t: number, exclude?: TimelineItem | null, opts: Partial<SnapOptions> = {}): SnapResult {
    return snapTime(
      t,
      {
        model: this.model,
        lanes: this.model.lanes,
        pxPerSec: this.view.pxPerSec,
        frameRate: this.frameRate,
        playhead: this.gesture?.type === 'scrub' ? null : this.playhead,
        selection: this.gesture?.type === 'range' ? null : this.selection,
        exclude: exclude ? (it) => it === exclude : undefined,
      },
      { ...this.snapOptions, ...opts },
      this.duration,
    );
  }

  private minDuration(): number {
    return this.frameRate ? frameDuration(this.frameRate) : NO_FRAME_STEP;
  }

  private frameSnap(t: number): number {
    const v = Math.min(this.duration, Math.max(0, t));
    return this.frameRate && this.snapOptions.frames ? Math.min(this.duration, snapToFrame(v, this.frameRate)) : v;
  }

  private activeLane(): LaneSpec | null {
    return (
      this.model.laneById(this.activeLaneId) ?? this.model.lanes.find((l) => l.editable) ?? this.model.lanes[0] ?? null
    );
  }

  private laneIndexOf(item: Pick<TimelineItem, 'layerId' | 'tierId'>): number {
    return this.model.lanes.findIndex((l) => l.layerId === item.layerId && l.tierId === item.tierId);
  }

  /** Items of the selection that exist, in selection order. */
  private selectedItems(): TimelineItem[] {
    return this.selected.map((r) => this.model.item(r)).filter((it): it is TimelineItem => it !== null);
  }

  private isEditable(item: Pick<TimelineItem, 'layerId' | 'tierId'>): boolean {
    return this.model.lanes.some((l) => l.editable && l.layerId === item.layerId && l.tierId === item.tierId);
  }

  private onModelChange(): void {
    // Annotations deleted (here or by a peer) leave the selection.
    const kept = this.selected.filter((r) => this.model.item(r) !== null);
    if (kept.length !== this.selected.length) this.setSelected(kept, true);
    if (this.hover?.item && this.model.item(refOf(this.hover.item)) !== this.hover.item) this.hover = null;
    this.invalidate();
  }

  // ---------------------------------------------------------------- edits

  /** Runs an edit on a layer; reports errors instead of throwing. */
  private edit<T>(
    layerId: string,
    op: EditOp,
    fn: (layer: LayerDoc, ctx: LayerContext) => T,
    ids: (r: T) => string[],
  ): T | null {
    const layer = this.model.layer(layerId);
    const ctx = this.context;
    if (layer === null || ctx === null) {
      this.callbacks.onError?.(
        new Error(layer === null ? `layer "${layerId}" is not loaded` : 'the timeline is read-only'),
      );
      return null;
    }
    try {
      const r = fn(layer, ctx);
      this.callbacks.onEdit?.({ op, layerId, ids: ids(r) });
      return r;
    } catch (err) {
      this.callbacks.onError?.(err);
      return null;
    }
  }

  /** Start and end after moving `item` by whole frames when it sits on frames, else by seconds. */
  private shifted(item: TimelineItem, start: number): [number, number] {
    const rate = this.frameRate;
    if (item.kind === 'event') return [start, start];
    if (rate && isFrameBoundary(item.start, rate) && isFrameBoundary(item.end, rate) && isFrameBoundary(start, rate)) {
      const dk = frameOf(start, rate) - frameOf(item.start, rate);
      return [start, frameTime(frameOf(item.end, rate) + dk, rate)];
    }
    return [start, start + (item.end - item.start)];
  }

  private commitExtent(item: TimelineItem, start: number, end: number, op: EditOp): void {
    if (start === item.start && end === item.end) return;
    this.edit(
      item.layerId,
      op,
      (layer, ctx) => edits.setExtent(layer, ctx, item.id, start, end, this.origin),
      (a) => [a.id],
    );
  }

  // ---------------------------------------------------------------- keyboard

  /** Handles a key event; true when it was a timeline command (then preventDefault it). */
  handleKey(e: KeyInput): boolean {
    if (this.gesture !== null && e.key === 'Escape') {
      this.cancelGesture();
      return true;
    }
    const cmd = this.keys.resolve(e);
    if (cmd === null) return false;
    this.execute(cmd);
    return true;
  }

  /** Runs one command; false when it did not apply (nothing selected, read-only lane...). */
  execute(cmd: Command): boolean {
    const rate = this.frameRate;
    const p = this.playhead;
    const seek = (t: number): true => {
      this.setPlayhead(t, true);
      this.view.reveal(this.playhead);
      this.invalidate();
      return true;
    };
    switch (cmd.type) {
      case 'stepFrames':
        return seek(rate ? stepFrames(p, cmd.delta, rate) : p + cmd.delta * NO_FRAME_STEP);
      case 'stepSeconds':
        return seek(this.frameSnap(p + cmd.delta));
      case 'jumpBoundary': {
        const lane = this.activeLane();
        const b = lane ? this.model.index(lane).nearestBoundary(p, cmd.dir) : null;
        return b === null ? false : seek(b);
      }
      case 'seekStart':
        return seek(0);
      case 'seekEnd':
        return seek(this.duration);
      case 'laneDelta': {
        const lanes = this.model.lanes;
        if (lanes.length === 0) return false;
        const cur = lanes.findIndex((l) => l.id === this.activeLaneId);
        const next = cur < 0 ? 0 : Math.min(lanes.length - 1, Math.max(0, cur + cmd.delta));
        this.setActiveLane(lanes[next].id, true);
        return true;
      }
      case 'selectAdjacent':
        return this.selectAdjacent(cmd.dir);
      case 'markIn': {
        const s = this.selection;
        this.setSelection({ start: p, end: s && s.end > p ? s.end : p }, true);
        return true;
      }
      case 'markOut': {
        const s = this.selection;
        this.setSelection({ start: s && s.start < p ? s.start : p, end: p }, true);
        return true;
      }
      case 'trimStart':
      case 'trimEnd': {
        const it = this.selectedItems().find((i) => i.kind !== 'event' && this.isEditable(i));
        if (!it) return false;
        const edge = cmd.type === 'trimStart' ? 'start' : 'end';
        const r = this.edit(
          it.layerId,
          'resize',
          (layer, ctx) => edits.resizeEdge(layer, ctx, it.id, edge, p, this.origin, this.minDuration()),
          (a) => [a.id],
        );
        return r !== null;
      }
      case 'create':
        return this.createAtPlayhead();
      case 'split':
        return this.splitAtPlayhead();
      case 'mergeNext':
        return this.mergeSelected();
      case 'delete':
        return this.deleteSelected();
      case 'nudgeFrames':
      case 'nudgeSeconds':
        return this.nudge(
          cmd.type === 'nudgeFrames' ? cmd.delta : null,
          cmd.type === 'nudgeSeconds' ? cmd.delta : null,
        );
      case 'zoom': {
        const px = this.view.timeToX(p);
        const anchor = px >= 0 && px <= this.view.width ? px : this.view.width / 2;
        this.view.zoomAt(cmd.factor, anchor);
        this.invalidate();
        return true;
      }
      case 'zoomFit':
        this.view.fit();
        this.invalidate();
        return true;
      case 'zoomSelection': {
        let range = this.selection && this.selection.end > this.selection.start ? this.selection : null;
        const items = this.selectedItems();
        if (range === null && items.length > 0)
          range = { start: Math.min(...items.map((i) => i.start)), end: Math.max(...items.map((i) => i.end)) };
        if (range === null) return false;
        const pad = Math.max((range.end - range.start) * 0.05, this.minDuration());
        this.setView(range.start - pad, range.end + pad);
        return true;
      }
      case 'escape':
        if (this.gesture !== null) this.cancelGesture();
        else if (this.selected.length > 0) this.setSelected([], true);
        else if (this.selection !== null) this.setSelection(null, true);
        else return false;
        return true;
      case 'togglePlay':
        this.callbacks.onTogglePlay?.();
        return true;
    }
  }

  private selectAdjacent(dir: 1 | -1): boolean {
    const lane = this.activeLane();
    if (lane === null) return false;
    const index = this.model.index(lane);
    const current = this.selectedItems()
      .filter((i) => i.layerId === lane.layerId && i.tierId === lane.tierId)
      .pop();
    const next = current
      ? dir > 0
        ? index.next(current)
        : index.prev(current)
      : dir > 0
        ? index.firstStartingAfter(this.playhead, true)
        : index.lastStartingBefore(this.playhead);
    if (!next) return false;
    if (this.activeLaneId !== lane.id) this.setActiveLane(lane.id, true);
    this.setSelected([refOf(next)], true);
    this.setPlayhead(next.start, true);
    this.view.reveal(next.start, next.end);
    this.invalidate();
    return true;
  }

  private createAtPlayhead(): boolean {
    const lane = this.activeLane();
    if (lane === null || !lane.editable) {
      this.callbacks.onError?.(new Error('the active lane is not editable'));
      return false;
    }
    const p = this.playhead;
    const kind = this.laneKind(lane);
    if (kind === 'event') {
      const a = this.edit(
        lane.layerId,
        'create',
        (layer, ctx) => edits.createEvent(layer, ctx, { tierId: lane.tierId, time: p }, this.origin),
        (r) => [r.id],
      );
      if (a) this.setSelected([{ layerId: lane.layerId, id: a.id }], true);
      return a !== null;
    }
    let start: number;
    let end: number;
    const sel = this.selection;
    if (sel && sel.end > sel.start) [start, end] = [sel.start, sel.end];
    else {
      start = p;
      const next = this.model.index(lane).firstStartingAfter(p);
      end = Math.min(this.frameSnap(p + 1), next ? next.start : Infinity, this.duration);
    }
    if (!(end > start)) {
      this.callbacks.onError?.(new Error('nothing to create: the range is empty'));
      return false;
    }
    const a = this.edit(
      lane.layerId,
      'create',
      (layer, ctx) => edits.createSegment(layer, ctx, { tierId: lane.tierId, start, end }, this.origin),
      (r) => [r.id],
    );
    if (a === null) return false;
    this.setSelected([{ layerId: lane.layerId, id: a.id }], true);
    this.setSelection(null, true);
    return true;
  }

  private splitAtPlayhead(): boolean {
    const p = this.playhead;
    const inside = (i: TimelineItem): boolean => i.kind === 'segment' && i.start < p && p < i.end && this.isEditable(i);
    let target = this.selectedItems().find(inside) ?? null;
    if (target === null) {
      const lane = this.activeLane();
      if (lane) for (const it of this.model.index(lane).query(p, p)) if (inside(it)) target = it;
    }
    if (target === null) return false;
    const it = target;
    const r = this.edit(
      it.layerId,
      'split',
      (layer, ctx) => edits.splitSegment(layer, ctx, it.id, p, this.origin),
      ([a, b]) => [a.id, b.id],
    );
    if (r === null) return false;
    this.setSelected([{ layerId: it.layerId, id: r[1].id }], true);
    return true;
  }

  private mergeSelected(): boolean {
    const items = this.selectedItems().filter((i) => i.kind === 'segment' && this.isEditable(i));
    if (items.length === 0) return false;
    const first = items[0];
    const group = items
      .filter((i) => i.layerId === first.layerId && i.tierId === first.tierId)
      .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
    if (group.length === 1) {
      const lane = this.model.laneOf(first);
      const next = lane ? this.model.index(lane).next(first) : null;
      if (!next || next.kind !== 'segment') return false;
      group.push(next);
    }
    const r = this.edit(
      first.layerId,
      'merge',
      (layer, ctx) => {
        let merged = group[0].id;
        layer.doc.transact(() => {
          for (const other of group.slice(1))
            merged = edits.mergeSegments(layer, ctx, merged, other.id, this.origin).id;
        }, this.origin);
        return merged;
      },
      (id) => [id],
    );
    if (r === null) return false;
    this.setSelected([{ layerId: first.layerId, id: r }], true);
    return true;
  }

  private deleteSelected(): boolean {
    const items = this.selectedItems().filter((i) => this.isEditable(i));
    if (items.length === 0) return false;
    const byLayer = new Map<string, string[]>();
    for (const it of items) byLayer.set(it.layerId, [...(byLayer.get(it.layerId) ?? []), it.id]);
    for (const [layerId, ids] of byLayer)
      this.edit(
        layerId,
        'delete',
        (layer) => edits.deleteAnnotations(layer, ids, this.origin),
        () => ids,
      );
    this.setSelected(
      this.selected.filter((r) => !items.some((i) => sameRef(refOf(i), r))),
      true,
    );
    return true;
  }

  private nudge(frames: number | null, seconds: number | null): boolean {
    const items = this.selectedItems().filter((i) => this.isEditable(i));
    if (items.length === 0) return false;
    const rate = this.frameRate;
    const move = (t: number): number => {
      if (frames !== null) return rate ? stepFrames(t, frames, rate) : t + frames * NO_FRAME_STEP;
      const s = seconds ?? 0;
      return rate ? stepFrames(t, Math.round((s * rate.num) / rate.den), rate) : t + s;
    };
    // Keep the whole group inside the media.
    for (const it of items) {
      const [s, e] = [move(it.start), move(it.end)];
      if (s < 0 || e > this.duration) return false;
    }
    const byLayer = new Map<string, TimelineItem[]>();
    for (const it of items) byLayer.set(it.layerId, [...(byLayer.get(it.layerId) ?? []), it]);
    for (const [layerId, group] of byLayer)
      this.edit(
        layerId,
        'move',
        (layer, ctx) =>
          layer.doc.transact(() => {
            for (const it of group) edits.setExtent(layer, ctx, it.id, move(it.start), move(it.end), this.origin);
          }, this.origin),
        () => group.map((i) => i.id),
      );
    return true;
  }

  // ---------------------------------------------------------------- pointer

  pointerDown(p: PointerInput): void {
    if (this.gesture !== null) this.cancelGesture();
    if (p.button === 1) {
      this.gesture = { type: 'pan', lastX: p.x };
      return;
    }
    if (p.button !== undefined && p.button !== 0) return;
    const hit = this.hitTest(p.x, p.y);
    if (hit.area === 'ruler') {
      this.gesture = { type: 'scrub' };
      this.setPlayhead(this.frameSnap(hit.time), true);
      return;
    }
    if (hit.lane === null) return;
    this.setActiveLane(hit.lane.id, true);
    if (hit.area === 'header') return;
    const toggle = p.shiftKey || p.ctrlKey || p.metaKey;
    if (hit.item) {
      const ref = refOf(hit.item);
      const isSel = this.selected.some((r) => sameRef(r, ref));
      if (toggle)
        this.setSelected(isSel ? this.selected.filter((r) => !sameRef(r, ref)) : [...this.selected, ref], true);
      else if (!isSel) this.setSelected([ref], true);
      if (!toggle && hit.lane.editable && this.context !== null)
        this.gesture = {
          type: 'pending',
          x: p.x,
          y: p.y,
          hit,
          input: p,
          next: hit.part === 'start' || hit.part === 'end' ? 'resize' : 'move',
        };
      return;
    }
    const kind = this.laneKind(hit.lane);
    const canCreate = hit.lane.editable && this.context !== null && kind === 'segment' && !p.shiftKey;
    this.gesture = { type: 'pending', x: p.x, y: p.y, hit, input: p, next: canCreate ? 'create' : 'range' };
  }

  pointerMove(p: PointerInput): void {
    const g = this.gesture;
    if (g === null) {
      this.updateHover(p);
      return;
    }
    const noSnap = p.altKey === true;
    const t = this.xToTime(p.x);
    switch (g.type) {
      case 'pending': {
        if (Math.abs(p.x - g.x) < DRAG_THRESHOLD && Math.abs(p.y - g.y) < DRAG_THRESHOLD) return;
        this.startDrag(g);
        this.pointerMove(p);
        return;
      }
      case 'scrub':
        this.setPlayhead(this.frameSnap(t), true);
        return;
      case 'pan':
        this.view.panBy(g.lastX - p.x);
        g.lastX = p.x;
        this.invalidate();
        return;
      case 'range': {
        const v = noSnap ? this.clampTime(t) : this.snap(t).time;
        this.setSelection({ start: Math.min(g.anchor, v), end: Math.max(g.anchor, v) }, true);
        return;
      }
      case 'create':
        g.current = noSnap ? this.clampTime(t) : this.snap(t).time;
        this.invalidate();
        return;
      case 'move': {
        const it = g.item;
        const len = it.end - it.start;
        let s = t - g.grab;
        if (!noSnap) {
          const a = this.snap(s, it);
          if (it.kind === 'event') s = a.time;
          else {
            const b = this.snap(s + len, it);
            const ra = SNAP_RANK[a.kind];
            const rb = SNAP_RANK[b.kind];
            const useA = ra !== rb ? ra < rb : Math.abs(a.time - s) <= Math.abs(b.time - (s + len));
            s = useA ? a.time : b.time - len;
          }
        }
        s = Math.min(Math.max(0, s), Math.max(0, this.duration - (it.kind === 'event' ? 0 : len)));
        [g.start, g.end] = this.shifted(it, s);
        this.invalidate();
        return;
      }
      case 'resize': {
        const it = g.item;
        const v = noSnap ? this.clampTime(t) : this.snap(t, it).time;
        const min = this.minDuration();
        if (g.edge === 'start') g.start = Math.min(v, it.end - min);
        else g.end = Math.max(v, it.start + min);
        this.invalidate();
        return;
      }
    }
  }

  pointerUp(p: PointerInput): void {
    const g = this.gesture;
    this.gesture = null;
    if (g === null) return;
    switch (g.type) {
      case 'pending': {
        // A click.
        if (g.hit.item) break;
        if (!(p.shiftKey ?? false)) {
          this.setSelected([], true);
          this.setSelection(null, true);
        }
        this.setPlayhead(this.frameSnap(g.hit.time), true);
        break;
      }
      case 'create': {
        const lane = g.lane;
        const [start, end] = [Math.min(g.anchor, g.current), Math.max(g.anchor, g.current)];
        if (Math.abs(this.timeToX(end) - this.timeToX(start)) < DRAG_THRESHOLD || !(end > start)) break;
        const a = this.edit(
          lane.layerId,
          'create',
          (layer, ctx) => edits.createSegment(layer, ctx, { tierId: lane.tierId, start, end }, this.origin),
          (r) => [r.id],
        );
        if (a) this.setSelected([{ layerId: lane.layerId, id: a.id }], true);
        break;
      }
      case 'move':
      case 'resize':
        this.commitExtent(g.item, g.start, g.end, g.type);
        break;
      default:
        break;
    }
    this.updateHover(p);
    this.invalidate();
  }

  /** Abandons the drag in progress (nothing is written). */
  cancelGesture(): void {
    this.gesture = null;
    this.invalidate();
  }

  doubleClick(p: PointerInput): void {
    const hit = this.hitTest(p.x, p.y);
    if (hit.item) {
      this.callbacks.onActivate?.(refOf(hit.item));
      return;
    }
    const lane = hit.lane;
    if (hit.area !== 'lane' || lane === null || !lane.editable || this.context === null) return;
    if (this.laneKind(lane) !== 'event') return;
    const time = p.altKey ? this.clampTime(hit.time) : this.snap(hit.time).time;
    const a = this.edit(
      lane.layerId,
      'create',
      (layer, ctx) => edits.createEvent(layer, ctx, { tierId: lane.tierId, time }, this.origin),
      (r) => [r.id],
    );
    if (a) this.setSelected([{ layerId: lane.layerId, id: a.id }], true);
  }

  /**
   * Mod+wheel zooms around the pointer; horizontal wheel or Shift+wheel pans; a vertical wheel
   * scrolls the lanes when they overflow, else pans. True when consumed.
   */
  wheel(w: WheelInput): boolean {
    const unit = w.deltaMode === 1 ? 16 : w.deltaMode === 2 ? this.layout.height : 1;
    const dx = w.deltaX * unit;
    const dy = w.deltaY * unit;
    if (w.ctrlKey || w.metaKey) {
      this.view.zoomAt(Math.exp(-dy * 0.002), w.x - this.layout.headerWidth);
    } else if (w.shiftKey || Math.abs(dx) > Math.abs(dy)) {
      this.view.panBy(w.shiftKey && dx === 0 ? dy : dx);
    } else if (this.layout.maxScrollY > 0) {
      this.layout.scrollBy(dy);
    } else {
      this.view.panBy(dy);
    }
    this.invalidate();
    return true;
  }

  private clampTime(t: number): number {
    return Math.min(this.duration, Math.max(0, t));
  }

  private startDrag(g: Extract<Gesture, { type: 'pending' }>): void {
    const { hit } = g;
    const lane = hit.lane;
    if (g.next === 'range' || lane === null) {
      const anchor = g.input.altKey ? this.clampTime(hit.time) : this.snap(hit.time).time;
      this.gesture = { type: 'range', anchor };
      return;
    }
    if (g.next === 'create') {
      const anchor = g.input.altKey ? this.clampTime(hit.time) : this.snap(hit.time).time;
      this.gesture = {
        type: 'create',
        laneIndex: hit.laneIndex,
        lane,
        kind: 'segment',
        anchor,
        current: anchor,
      };
      return;
    }
    const item = hit.item as TimelineItem;
    if (g.next === 'resize' && item.kind !== 'event') {
      this.gesture = {
        type: 'resize',
        laneIndex: hit.laneIndex,
        item,
        edge: hit.part === 'start' ? 'start' : 'end',
        start: item.start,
        end: item.end,
      };
      return;
    }
    this.gesture = {
      type: 'move',
      laneIndex: hit.laneIndex,
      item,
      grab: hit.time - item.start,
      start: item.start,
      end: item.end,
    };
  }

  private updateHover(p: PointerInput): void {
    const hit = this.hitTest(p.x, p.y);
    const prev = this.hover;
    const changed = prev?.item !== hit.item || prev?.part !== hit.part || prev?.laneIndex !== hit.laneIndex;
    this.hover = hit.item ? hit : null;
    if (changed) {
      this.invalidate();
      this.callbacks.onCursor?.(this.cursorFor(hit));
    }
  }

  private cursorFor(hit: Hit): string {
    if (hit.area === 'ruler') return 'col-resize';
    if (hit.area !== 'lane' || hit.lane === null) return 'default';
    const editable = hit.lane.editable && this.context !== null;
    if (hit.item) {
      if (!editable) return 'pointer';
      return hit.part === 'start' || hit.part === 'end' ? 'ew-resize' : 'grab';
    }
    return editable && this.laneKind(hit.lane) === 'segment' ? 'crosshair' : 'default';
  }
}
