/**
 * Canvas 2D drawing of the timeline. Per frame it visits only the items of the visible window
 * (interval index), collects rectangles into one batch per fill style and fills each batch with a
 * single path, so the number of canvas calls does not grow with the number of annotations:
 *
 * - sparse view (items several px wide): one rect per item, touching rects of the same style
 *   merged, separators at edges and clipped label text on wide items;
 * - dense view (many items per px, e.g. the whole hour): items are rasterised into per-pixel
 *   columns (topmost item wins) and each run of equal columns becomes one rect — at most a few
 *   hundred rects per lane whatever the count.
 *
 * Coordinates are CSS px; the context is scaled by devicePixelRatio and rect edges are rounded to
 * device pixels so lines stay crisp.
 */
import type { Hit } from './layout.ts';
import type { Layout } from './layout.ts';
import type { AnnotationRef, LaneSpec, TimelineItem, TimelineModel } from './model.ts';
import { computeTicks } from './ticks.ts';
import { formatTime, frameOf } from './time.ts';
import type { Rational } from './time.ts';
import type { Viewport } from './viewport.ts';

export interface TimeRange {
  start: number;
  end: number;
}

/** Another user, as drawn over the timeline. */
export interface PresencePeer {
  /** Stable id (e.g. the awareness client id). */
  id: string;
  name: string;
  /** `#rrggbb`. */
  color: string;
  playhead?: number | null;
  selection?: TimeRange | null;
  /** Lane they are editing: their selection is drawn on it (on every lane when absent). */
  laneId?: string | null;
  /** Annotations they have selected (outlined in their colour). */
  selected?: readonly AnnotationRef[];
}

/** A drag in progress, drawn as a ghost (the original item is hidden meanwhile). */
export interface Preview {
  laneIndex: number;
  kind: 'segment' | 'event' | 'box';
  start: number;
  end: number;
  /** The item being moved/resized (null while creating). */
  item: TimelineItem | null;
}

export interface RenderState {
  layout: Layout;
  view: Viewport;
  model: TimelineModel;
  frameRate: Rational | null;
  playhead: number;
  selection: TimeRange | null;
  selected: readonly AnnotationRef[];
  hover: Hit | null;
  activeLaneId: string | null;
  preview: Preview | null;
  presence: readonly PresencePeer[];
  /** Fill colour (#rrggbb) of a label, or null for the lane colour. */
  labelColor(label: string | null): string | null;
  /** Display name of a label, or null. */
  labelName(label: string | null): string | null;
}

export interface RenderStats {
  /** Items visited this frame. */
  items: number;
  /** Rectangles filled. */
  rects: number;
  /** Fill calls for annotation batches. */
  fills: number;
  texts: number;
  ms: number;
}

export const THEME = {
  background: '#16171b',
  laneEven: '#1c1e23',
  laneOdd: '#202228',
  laneActive: '#262a33',
  ruler: '#25272e',
  rulerText: '#aeb3bf',
  tick: '#5d6270',
  grid: 'rgba(255,255,255,0.05)',
  header: '#1f2127',
  headerText: '#d9dce3',
  headerMuted: '#8a8f9c',
  border: '#32353e',
  separator: 'rgba(0,0,0,0.55)',
  playhead: '#ff4d4f',
  selection: 'rgba(94,150,255,0.16)',
  selectionEdge: 'rgba(120,170,255,0.9)',
  selectedOutline: '#ffffff',
  hoverOutline: 'rgba(255,255,255,0.55)',
  accent: '#5e96ff',
  font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  smallFont: '10px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
};

/** Items at least this wide get a label. */
const MIN_TEXT_PX = 28;
const MAX_TEXTS = 1500;
/** Average spacing (px) under which a lane is drawn by columns. */
const DENSE_SPACING_PX = 4;

interface Batch {
  /** Position in batchList (column rasters store it). */
  id: number;
  style: string;
  rects: number[];
  n: number;
  /** Pending merged run of the current lane (x0, x1, y, h). */
  px0: number;
  px1: number;
  py: number;
  ph: number;
  pending: boolean;
  /** Event diamonds (x, y). */
  marks: number[];
  m: number;
  lastMarkX: number;
  lastMarkY: number;
}

interface StyleSet {
  fill: string;
  fillDim: string;
  text: string;
}

interface TextDraw {
  x: number;
  y: number;
  w: number;
  text: string;
  color: string;
}

function parseHex(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return [128, 128, 128];
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export class Renderer {
  dpr = 1;
  stats: RenderStats = { items: 0, rects: 0, fills: 0, texts: 0, ms: 0 };
  private batches = new Map<string, Batch>();
  private batchList: Batch[] = [];
  private styles = new Map<string, StyleSet>();
  private columns = new Int32Array(0);
  private eventColumns = new Int32Array(0);
  /** Pooled text records (no per-frame garbage); `textCount` are in use. */
  private texts: TextDraw[] = [];
  private textCount = 0;
  private charWidth = 0;

  constructor(private readonly ctx: CanvasRenderingContext2D) {}

  draw(s: RenderState): RenderStats {
    const t0 = performance.now();
    const ctx = this.ctx;
    const { layout } = s;
    const W = layout.width;
    const H = layout.height;
    this.stats = { items: 0, rects: 0, fills: 0, texts: 0, ms: 0 };
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.font = THEME.font;
    if (this.charWidth === 0) this.charWidth = ctx.measureText('abcdefghijklmnopqrstuvwxyz').width / 26 || 6;
    // No full clear: ruler, headers and lanes paint their own areas (software raster is
    // fill-rate bound, so every full-canvas overdraw counts). Only the space below the lanes.
    const bottom = layout.rulerHeight + layout.laneCount * layout.laneHeight - layout.scrollY;
    if (bottom < H) {
      ctx.fillStyle = THEME.background;
      ctx.fillRect(0, bottom, W, H - bottom);
    }

    const ticks = computeTicks(s.view, s.frameRate);

    // --- lanes (clipped to the time area)
    ctx.save();
    ctx.beginPath();
    ctx.rect(layout.headerWidth, layout.rulerHeight, W - layout.headerWidth, H - layout.rulerHeight);
    ctx.clip();
    this.drawLaneBackgrounds(s);
    ctx.fillStyle = THEME.grid;
    ctx.beginPath();
    for (const t of ticks.major) ctx.rect(this.px(layout.headerWidth + t.x), layout.rulerHeight, 1, H);
    ctx.fill();
    this.drawItems(s);
    this.drawOverlays(s);
    ctx.restore();

    this.drawRuler(s, ticks);
    this.drawHeaders(s);
    this.stats.ms = performance.now() - t0;
    return this.stats;
  }

  /** Rounds to the device pixel grid. */
  private px(v: number): number {
    return Math.round(v * this.dpr) / this.dpr;
  }

  private style(color: string): StyleSet {
    let st = this.styles.get(color);
    if (st === undefined) {
      const [r, g, b] = parseHex(color);
      const lum = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      // Opaque colours pre-blended over the lane background: no per-pixel alpha blending.
      const [br, bg, bb] = parseHex(THEME.laneEven);
      const mix = (k: number): string =>
        `rgb(${Math.round(r * k + br * (1 - k))},${Math.round(g * k + bg * (1 - k))},${Math.round(b * k + bb * (1 - k))})`;
      st = { fill: mix(0.88), fillDim: mix(0.5), text: lum > 0.6 ? '#111318' : '#ffffff' };
      this.styles.set(color, st);
    }
    return st;
  }

  private batch(style: string): Batch {
    let b = this.batches.get(style);
    if (b === undefined) {
      b = {
        id: this.batchList.length,
        style,
        rects: [],
        n: 0,
        px0: 0,
        px1: 0,
        py: 0,
        ph: 0,
        pending: false,
        marks: [],
        m: 0,
        lastMarkX: NaN,
        lastMarkY: NaN,
      };
      this.batches.set(style, b);
      this.batchList.push(b);
    }
    return b;
  }

  private flushRun(b: Batch): void {
    if (!b.pending) return;
    const r = b.rects;
    r[b.n++] = b.px0;
    r[b.n++] = b.py;
    r[b.n++] = b.px1 - b.px0;
    r[b.n++] = b.ph;
    b.pending = false;
  }

  /** Adds a rect, merging it into the pending run when it touches it on the same row. */
  private addRect(b: Batch, x0: number, x1: number, y: number, h: number): void {
    if (b.pending && b.py === y && x0 <= b.px1 + 0.5) {
      if (x1 > b.px1) b.px1 = x1;
      return;
    }
    this.flushRun(b);
    b.px0 = x0;
    b.px1 = x1;
    b.py = y;
    b.ph = h;
    b.pending = true;
  }

  private addMark(b: Batch, x: number, y: number): void {
    if (Math.abs(x - b.lastMarkX) < 1 && y === b.lastMarkY) return;
    b.marks[b.m++] = x;
    b.marks[b.m++] = y;
    b.lastMarkX = x;
    b.lastMarkY = y;
  }

  private drawLaneBackgrounds(s: RenderState): void {
    const { layout, model } = s;
    const ctx = this.ctx;
    const [first, last] = layout.visibleLanes();
    for (let i = first; i <= last; i++) {
      const lane = model.lanes[i];
      ctx.fillStyle = lane.id === s.activeLaneId ? THEME.laneActive : i % 2 === 0 ? THEME.laneEven : THEME.laneOdd;
      ctx.fillRect(layout.headerWidth, layout.laneTop(i), layout.width - layout.headerWidth, layout.laneHeight);
    }
    ctx.fillStyle = THEME.border;
    ctx.beginPath();
    for (let i = first; i <= last; i++)
      ctx.rect(layout.headerWidth, this.px(layout.laneTop(i) + layout.laneHeight) - 1, layout.width, 1);
    ctx.fill();
  }

  private drawItems(s: RenderState): void {
    const { layout, view, model } = s;
    const ctx = this.ctx;
    const ox = layout.headerWidth;
    const tw = layout.timeWidth;
    const pps = view.pxPerSec;
    const vstart = view.start;
    const t0 = view.start - 2 / pps;
    const t1 = view.end + 2 / pps;
    const [first, last] = layout.visibleLanes();
    const hidden = s.preview?.item ?? null;
    const sep = this.batch(THEME.separator);
    this.textCount = 0;
    const cw = this.charWidth;

    for (let li = first; li <= last; li++) {
      const lane = model.lanes[li];
      const index = model.index(lane);
      if (index.size === 0) continue;
      const laneTop = layout.laneTop(li);
      const y = this.px(laneTop + 4);
      const h = this.px(laneTop + layout.laneHeight - 4) - y;
      const laneStyle = this.style(lane.color);
      const dim = !lane.editable;
      const fillOf = (label: string | null): string => {
        const c = s.labelColor(label);
        const st = c === null ? laneStyle : this.style(c);
        return dim ? st.fillDim : st.fill;
      };
      const textColorOf = (label: string | null): string => {
        const c = s.labelColor(label);
        return dim ? '#e6e8ee' : (c === null ? laneStyle : this.style(c)).text;
      };
      const fraction = Math.min(1, (view.end - view.start) / Math.max(view.duration, 1e-9));
      const dense = (index.size * fraction) / tw > 1 / DENSE_SPACING_PX;
      let visited = 0;

      if (!dense) {
        index.visit(t0, t1, (it) => {
          visited++;
          if (it === hidden) return;
          const b = this.batch(fillOf(it.label));
          const xs = ox + (it.start - vstart) * pps;
          if (it.kind === 'event') {
            const x = this.px(xs);
            this.addRect(b, x - 0.75, x + 0.75, y, h);
            this.flushRun(b);
            this.addMark(b, x, y);
            return;
          }
          const xe = ox + (it.end - vstart) * pps;
          let x0 = this.px(Math.max(xs, ox - 2));
          let x1 = this.px(Math.min(xe, ox + tw + 2));
          if (x1 - x0 < 1) x1 = x0 + 1;
          this.addRect(b, x0, x1, y, h);
          const w = xe - xs;
          if (w >= 3) {
            if (xs >= ox - 1) this.addRect(sep, x0, x0 + 1, y, h);
            if (xe <= ox + tw + 1) this.addRect(sep, x1 - 1, x1, y, h);
            this.flushRun(sep);
          }
          if (w >= MIN_TEXT_PX && this.textCount < MAX_TEXTS) {
            x0 = Math.max(x0, ox);
            x1 = Math.min(x1, ox + tw);
            const text = this.itemText(s, it);
            if (text !== '' && x1 - x0 >= MIN_TEXT_PX)
              this.addText(x0 + 4, y + h / 2, x1 - x0 - 8, text, textColorOf(it.label));
          }
        });
      } else {
        // Rasterise into columns: ids index batchList, −1 = empty.
        const n = Math.ceil(tw) + 2;
        if (this.columns.length < n) {
          this.columns = new Int32Array(n);
          this.eventColumns = new Int32Array(n);
        }
        const cols = this.columns;
        const ecols = this.eventColumns;
        cols.fill(-1, 0, n);
        ecols.fill(-1, 0, n);
        let lastLabel: string | null | undefined = undefined;
        let lastId = -1;
        index.visit(t0, t1, (it) => {
          visited++;
          if (it === hidden) return;
          if (it.label !== lastLabel) {
            lastLabel = it.label;
            lastId = this.batch(fillOf(it.label)).id;
          }
          const xs = (it.start - vstart) * pps;
          let c0 = Math.floor(xs);
          if (it.kind === 'event') {
            if (c0 >= 0 && c0 < n) ecols[c0] = lastId;
            return;
          }
          const xe = (it.end - vstart) * pps;
          let c1 = Math.ceil(xe) - 1;
          if (c1 < c0) c1 = c0;
          if (c0 < 0) c0 = 0;
          if (c1 >= n) c1 = n - 1;
          for (let c = c0; c <= c1; c++) cols[c] = lastId;
          const w = xe - xs;
          if (w >= 6) {
            if (xs >= -1) this.addRect(sep, this.px(ox + xs), this.px(ox + xs) + 1, y, h);
            this.flushRun(sep);
          }
          if (w >= MIN_TEXT_PX * 2 && this.textCount < MAX_TEXTS) {
            const a = Math.max(xs, 0);
            const z = Math.min(xe, tw);
            const text = this.itemText(s, it);
            if (text !== '' && z - a >= MIN_TEXT_PX)
              this.addText(ox + a + 4, y + h / 2, z - a - 8, text, textColorOf(it.label));
          }
        });
        this.emitColumns(cols, n, ox, y, h);
        this.emitColumns(ecols, n, ox, y, h);
      }
      this.stats.items += visited;
      for (const b of this.batchList) {
        this.flushRun(b);
        b.lastMarkX = NaN;
      }
    }

    // One fill per style.
    for (const b of this.batchList) {
      if (b === sep || (b.n === 0 && b.m === 0)) continue;
      this.fillBatch(b);
    }
    if (sep.n > 0) this.fillBatch(sep);

    if (this.textCount > 0) {
      ctx.font = THEME.font;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      for (let i = 0; i < this.textCount; i++) {
        const t = this.texts[i];
        const max = Math.floor(t.w / cw);
        if (max < 2) continue;
        ctx.fillStyle = t.color;
        ctx.fillText(t.text.length > max ? `${t.text.slice(0, max - 1)}…` : t.text, t.x, t.y);
      }
      this.stats.texts = this.textCount;
    }
  }

  private addText(x: number, y: number, w: number, text: string, color: string): void {
    const t = this.texts[this.textCount];
    if (t === undefined) this.texts.push({ x, y, w, text, color });
    else {
      t.x = x;
      t.y = y;
      t.w = w;
      t.text = text;
      t.color = color;
    }
    this.textCount++;
  }

  private fillBatch(b: Batch): void {
    const ctx = this.ctx;
    ctx.fillStyle = b.style;
    ctx.beginPath();
    const r = b.rects;
    for (let i = 0; i < b.n; i += 4) ctx.rect(r[i], r[i + 1], r[i + 2], r[i + 3]);
    const m = b.marks;
    for (let i = 0; i < b.m; i += 2) {
      const x = m[i];
      const y = m[i + 1];
      ctx.moveTo(x, y - 1);
      ctx.lineTo(x + 4.5, y + 3.5);
      ctx.lineTo(x, y + 8);
      ctx.lineTo(x - 4.5, y + 3.5);
      ctx.closePath();
    }
    ctx.fill();
    this.stats.rects += b.n / 4;
    this.stats.fills++;
    b.n = 0;
    b.m = 0;
  }

  /** Turns runs of equal columns into rects of their batch. */
  private emitColumns(cols: Int32Array, n: number, ox: number, y: number, h: number): void {
    let c = 0;
    while (c < n) {
      const id = cols[c];
      let e = c + 1;
      while (e < n && cols[e] === id) e++;
      if (id >= 0) {
        const b = this.batchList[id];
        this.flushRun(b);
        const r = b.rects;
        r[b.n++] = ox + c;
        r[b.n++] = y;
        r[b.n++] = e - c;
        r[b.n++] = h;
      }
      c = e;
    }
  }

  private itemText(s: RenderState, it: TimelineItem): string {
    const name = s.labelName(it.label);
    if (it.text !== '') return name !== null ? `${name} · ${it.text}` : it.text;
    return name ?? '';
  }

  private laneIndexOf(s: RenderState, item: Pick<TimelineItem, 'layerId' | 'tierId'>): number {
    const lanes = s.model.lanes;
    for (let i = 0; i < lanes.length; i++)
      if (lanes[i].layerId === item.layerId && lanes[i].tierId === item.tierId) return i;
    return -1;
  }

  /** x (canvas CSS px) of time t. */
  private tx(s: RenderState, t: number): number {
    return s.layout.headerWidth + s.view.timeToX(t);
  }

  private outlineItem(s: RenderState, it: TimelineItem, laneIndex: number, color: string, width: number): void {
    const ctx = this.ctx;
    const top = s.layout.laneTop(laneIndex);
    const y = this.px(top + 3);
    const h = this.px(top + s.layout.laneHeight - 3) - y;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    if (it.kind === 'event') {
      const x = this.px(this.tx(s, it.start));
      ctx.strokeRect(x - 5, y, 10, h);
      return;
    }
    const x0 = this.px(this.tx(s, it.start));
    const x1 = Math.max(x0 + 1, this.px(this.tx(s, it.end)));
    ctx.strokeRect(x0 + width / 2, y + width / 2, x1 - x0 - width, h - width);
  }

  private drawOverlays(s: RenderState): void {
    const ctx = this.ctx;
    const { layout } = s;
    const top = layout.rulerHeight;
    const H = layout.height;

    // Other users' selections (on their lane, or all lanes).
    for (const p of s.presence) {
      if (!p.selection) continue;
      const [r, g, b] = parseHex(p.color);
      const x0 = this.tx(s, p.selection.start);
      const x1 = this.tx(s, p.selection.end);
      const li = p.laneId ? s.model.lanes.findIndex((l) => l.id === p.laneId) : -1;
      const y0 = li >= 0 ? layout.laneTop(li) : top;
      const y1 = li >= 0 ? y0 + layout.laneHeight : H;
      ctx.fillStyle = `rgba(${r},${g},${b},0.16)`;
      ctx.fillRect(x0, y0, Math.max(1, x1 - x0), y1 - y0);
      ctx.fillStyle = `rgba(${r},${g},${b},0.8)`;
      ctx.fillRect(x0, y0, Math.max(1, x1 - x0), 2);
    }

    // Own selection range.
    if (s.selection) {
      const x0 = this.px(this.tx(s, s.selection.start));
      const x1 = this.px(this.tx(s, s.selection.end));
      ctx.fillStyle = THEME.selection;
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), H - top);
      ctx.fillStyle = THEME.selectionEdge;
      ctx.fillRect(x0, top, 1, H - top);
      ctx.fillRect(x1, top, 1, H - top);
    }

    // Other users' selected annotations, then ours, then hover.
    for (const p of s.presence)
      for (const ref of p.selected ?? []) {
        const it = s.model.item(ref);
        const li = it ? this.laneIndexOf(s, it) : -1;
        if (it && li >= 0) this.outlineItem(s, it, li, p.color, 2);
      }
    for (const ref of s.selected) {
      const it = s.model.item(ref);
      if (!it || it === s.preview?.item) continue;
      const li = this.laneIndexOf(s, it);
      if (li >= 0) this.outlineItem(s, it, li, THEME.selectedOutline, 2);
    }
    const hv = s.hover;
    if (hv?.item && hv.item !== s.preview?.item && hv.laneIndex >= 0)
      this.outlineItem(s, hv.item, hv.laneIndex, THEME.hoverOutline, 1);

    // Drag ghost.
    const pv = s.preview;
    if (pv && pv.laneIndex >= 0) {
      const lane = s.model.lanes[pv.laneIndex];
      const color = (lane && s.labelColor(pv.item?.label ?? null)) ?? lane?.color ?? THEME.accent;
      const st = this.style(color);
      const ltop = layout.laneTop(pv.laneIndex);
      const y = this.px(ltop + 3);
      const h = this.px(ltop + layout.laneHeight - 3) - y;
      ctx.fillStyle = st.fill;
      ctx.strokeStyle = THEME.selectedOutline;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 3]);
      if (pv.kind === 'event') {
        const x = this.px(this.tx(s, pv.start));
        ctx.fillRect(x - 1, y, 2, h);
        ctx.strokeRect(x - 5, y, 10, h);
      } else {
        const x0 = this.px(this.tx(s, Math.min(pv.start, pv.end)));
        const x1 = Math.max(x0 + 1, this.px(this.tx(s, Math.max(pv.start, pv.end))));
        ctx.fillRect(x0, y, x1 - x0, h);
        ctx.strokeRect(x0 + 0.75, y + 0.75, x1 - x0 - 1.5, h - 1.5);
      }
      ctx.setLineDash([]);
    }

    // Presence playheads (dashed), then ours on top.
    for (const p of s.presence) {
      if (p.playhead === null || p.playhead === undefined) continue;
      const x = this.px(this.tx(s, p.playhead));
      ctx.strokeStyle = p.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, H);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    const x = this.px(this.tx(s, s.playhead));
    ctx.fillStyle = THEME.playhead;
    ctx.fillRect(x - 0.75, top, 1.5, H - top);
  }

  private drawRuler(s: RenderState, ticks: ReturnType<typeof computeTicks>): void {
    const ctx = this.ctx;
    const { layout } = s;
    const ox = layout.headerWidth;
    const rh = layout.rulerHeight;
    const W = layout.width;
    ctx.save();
    ctx.beginPath();
    ctx.rect(ox, 0, W - ox, rh);
    ctx.clip();
    ctx.fillStyle = THEME.ruler;
    ctx.fillRect(ox, 0, W - ox, rh);

    if (s.selection) {
      const x0 = this.tx(s, s.selection.start);
      const x1 = this.tx(s, s.selection.end);
      ctx.fillStyle = 'rgba(94,150,255,0.45)';
      ctx.fillRect(x0, rh - 6, Math.max(1, x1 - x0), 6);
    }

    ctx.fillStyle = THEME.tick;
    ctx.beginPath();
    for (const x of ticks.minor) ctx.rect(this.px(ox + x), rh - 5, 1, 5);
    for (const t of ticks.major) ctx.rect(this.px(ox + t.x), rh - 11, 1, 11);
    ctx.fill();
    ctx.fillStyle = THEME.rulerText;
    ctx.font = THEME.smallFont;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    for (const t of ticks.major) ctx.fillText(t.label, this.px(ox + t.x) + 3, 4);

    // Presence tags.
    ctx.font = THEME.smallFont;
    ctx.textBaseline = 'middle';
    for (const p of s.presence) {
      if (p.playhead === null || p.playhead === undefined) continue;
      const x = this.px(this.tx(s, p.playhead));
      const w = Math.min(120, ctx.measureText(p.name).width + 8);
      ctx.fillStyle = p.color;
      ctx.fillRect(x, rh - 13, w, 12);
      ctx.fillStyle = this.style(p.color).text;
      ctx.fillText(p.name, x + 4, rh - 7, w - 8);
    }

    // Playhead handle.
    const x = this.px(this.tx(s, s.playhead));
    ctx.fillStyle = THEME.playhead;
    ctx.beginPath();
    ctx.moveTo(x - 6, rh - 10);
    ctx.lineTo(x + 6, rh - 10);
    ctx.lineTo(x, rh);
    ctx.closePath();
    ctx.fill();
    ctx.restore();
    ctx.fillStyle = THEME.border;
    ctx.fillRect(0, rh - 1, W, 1);
  }

  private drawHeaders(s: RenderState): void {
    const ctx = this.ctx;
    const { layout, model } = s;
    const hw = layout.headerWidth;
    const rh = layout.rulerHeight;
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, rh, hw, layout.height - rh);
    ctx.clip();
    ctx.fillStyle = THEME.header;
    ctx.fillRect(0, rh, hw, layout.height - rh);
    const [first, last] = layout.visibleLanes();
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    for (let i = first; i <= last; i++) {
      const lane: LaneSpec = model.lanes[i];
      const top = layout.laneTop(i);
      if (lane.id === s.activeLaneId) {
        ctx.fillStyle = THEME.laneActive;
        ctx.fillRect(0, top, hw, layout.laneHeight);
        ctx.fillStyle = THEME.accent;
        ctx.fillRect(0, top, 3, layout.laneHeight);
      }
      ctx.fillStyle = lane.color;
      ctx.fillRect(8, top + 8, 4, layout.laneHeight - 16);
      const two = layout.laneHeight >= 30;
      ctx.font = THEME.font;
      ctx.fillStyle = THEME.headerText;
      ctx.fillText(lane.label, 18, top + (two ? layout.laneHeight / 2 - 6 : layout.laneHeight / 2), hw - 24);
      if (two) {
        ctx.font = THEME.smallFont;
        ctx.fillStyle = THEME.headerMuted;
        const n = model.index(lane).size;
        ctx.fillText(
          `${lane.editable ? '' : 'read-only · '}${n.toLocaleString('en')}`,
          18,
          top + layout.laneHeight / 2 + 7,
          hw - 24,
        );
      }
      ctx.fillStyle = THEME.border;
      ctx.fillRect(0, top + layout.laneHeight - 1, hw, 1);
    }
    ctx.restore();
    ctx.fillStyle = THEME.border;
    ctx.fillRect(hw - 1, 0, 1, layout.height);

    // Corner: the playhead's time and frame.
    ctx.fillStyle = THEME.ruler;
    ctx.fillRect(0, 0, hw - 1, rh - 1);
    ctx.fillStyle = THEME.headerText;
    ctx.font = THEME.font;
    ctx.textBaseline = 'middle';
    const label = s.frameRate
      ? `${formatTime(s.playhead, 3)}  f${frameOf(s.playhead, s.frameRate)}`
      : formatTime(s.playhead, 3);
    ctx.fillText(label, 8, rh / 2, hw - 12);
  }
}
