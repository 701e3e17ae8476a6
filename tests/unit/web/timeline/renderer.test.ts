/**
 * The renderer against a recording 2D context: it visits only the visible items, fills once per
 * colour whatever the count, bounds the rect count when zoomed out, and scales by devicePixelRatio.
 */
import { describe, expect, it } from 'vitest';
import { Layout } from '../../../../web/lib/timeline/layout.ts';
import { TimelineModel } from '../../../../web/lib/timeline/model.ts';
import { Renderer } from '../../../../web/lib/timeline/renderer.ts';
import type { RenderState } from '../../../../web/lib/timeline/renderer.ts';
import { RATES } from '../../../../web/lib/timeline/time.ts';
import { Viewport } from '../../../../web/lib/timeline/viewport.ts';
import { context, lanes, layer, taxonomy } from './fixtures.ts';

/** A CanvasRenderingContext2D stand-in that counts calls. */
function recordingContext() {
  const calls = new Map<string, number>();
  const transforms: number[][] = [];
  const target: Record<string, unknown> = {};
  const ctx = new Proxy(target, {
    get(_t, name: string) {
      if (name in target) return target[name];
      if (name === 'measureText') return (s: string) => ({ width: s.length * 6 });
      return (...args: number[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        if (name === 'setTransform') transforms.push(args);
      };
    },
    set(_t, name: string, value) {
      target[name] = value;
      return true;
    },
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls, transforms };
}

function scene(count: number) {
  const doc = layer();
  const ctx = context();
  const labels = ['speech', 'music', 'laugh', null];
  doc.doc.transact(() => {
    for (let i = 0; i < count; i++) {
      const start = (i * 3600) / count;
      doc.create(
        { id: `w${i}`, kind: 'segment', tierId: 'words', start, end: start + 3000 / count, label: labels[i % 4] },
        ctx,
      );
      doc.create({ id: `e${i}`, kind: 'event', tierId: 'events', start: start + 0.1, label: labels[(i + 1) % 4] }, ctx);
    }
  });
  const model = new TimelineModel();
  model.setLayers({ L1: doc });
  model.setLanes(lanes());
  const layout = new Layout();
  layout.width = 1148;
  layout.height = 200;
  layout.laneCount = 3;
  const view = new Viewport(3600, layout.timeWidth, RATES.NTSC_30);
  const colors = new Map(taxonomy().classes.map((c) => [c.id, c.color]));
  const state: RenderState = {
    layout,
    view,
    model,
    frameRate: RATES.NTSC_30,
    playhead: 100,
    selection: { start: 90, end: 95 },
    selected: [{ layerId: 'L1', id: 'w3' }],
    hover: null,
    activeLaneId: 'L1/words',
    preview: null,
    presence: [{ id: 'p', name: 'Ana', color: '#ff9f43', playhead: 200, selection: { start: 1, end: 2 } }],
    labelColor: (l) => (l === null ? null : (colors.get(l) ?? null)),
    labelName: (l) => l,
  };
  return { state, view, model };
}

describe('Renderer', () => {
  it('zoomed in: visits only the visible items and draws labels', () => {
    const { state, view } = scene(10000);
    view.showRange(1000, 1002);
    const { ctx, calls } = recordingContext();
    const stats = new Renderer(ctx).draw(state);
    // 2 s of 3600 s with 20,000 items ≈ 11 visible (plus the edge items).
    expect(stats.items).toBeGreaterThanOrEqual(10);
    expect(stats.items).toBeLessThan(16);
    expect(stats.texts).toBeGreaterThanOrEqual(3); // 150 px wide segments with a label get it drawn
    expect(calls.get('fillText')).toBeGreaterThanOrEqual(3);
  });

  it('zoomed out: one fill per colour and a bounded rect count for 20,000 items', () => {
    const { state } = scene(10000);
    const { ctx, calls } = recordingContext();
    const stats = new Renderer(ctx).draw(state);
    expect(stats.items).toBe(20000);
    // 4 label colours (3 classes + lane colour) per lane kind, + separators: a handful of fills.
    expect(stats.fills).toBeLessThanOrEqual(10);
    // Columns: at most one rect per pixel column per lane (1000 px × 2 lanes), far below 40,000.
    expect(stats.rects).toBeLessThanOrEqual(2 * 1000);
    expect(calls.get('rect')!).toBeLessThan(4000);
  });

  it('scales by devicePixelRatio', () => {
    const { state } = scene(10);
    const { ctx, transforms } = recordingContext();
    const r = new Renderer(ctx);
    r.dpr = 2;
    r.draw(state);
    expect(transforms[0]).toEqual([2, 0, 0, 2, 0, 0]);
  });
});
