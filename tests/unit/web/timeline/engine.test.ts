/** Pointer gestures and keyboard commands of the engine, without a canvas. */
import { describe, expect, it } from 'vitest';
import { TimelineEngine } from '../../../../web/lib/timeline/engine.ts';
import type { EditEvent } from '../../../../web/lib/timeline/engine.ts';
import { RATES, frameOf, frameTime, isFrameBoundary, snapToFrame } from '../../../../web/lib/timeline/time.ts';
import { context, lanes, layer, transactions } from './fixtures.ts';

const NTSC = RATES.NTSC_30;
const ORIGIN = 'me';
const HEADER = 148;
const RULER = 28;
const LANE = 34;

/** An engine 1000 px of time wide showing [0, 100] s: 10 px per second. */
function setup(frameRate: typeof NTSC | null = NTSC) {
  const doc = layer();
  const other = layer();
  const engine = new TimelineEngine({ duration: 3600, frameRate, width: HEADER + 1000, height: 400, mac: false });
  engine.setLayers({ L1: doc, L2: other });
  engine.setLanes([...lanes('L1', true), ...lanes('L2', false)]);
  engine.setContext(context(), ORIGIN);
  engine.setView(0, 100);
  const edits: EditEvent[] = [];
  const errors: unknown[] = [];
  const seeks: number[] = [];
  engine.callbacks = { onEdit: (e) => edits.push(e), onError: (e) => errors.push(e), onPlayhead: (t) => seeks.push(t) };
  const x = (t: number) => engine.timeToX(t);
  const y = (lane: number) => RULER + lane * LANE + LANE / 2;
  const drag = (x0: number, y0: number, x1: number, y1 = y0, mods = {}) => {
    engine.pointerDown({ x: x0, y: y0, button: 0, ...mods });
    engine.pointerMove({ x: (x0 + x1) / 2, y: y1, ...mods });
    engine.pointerMove({ x: x1, y: y1, ...mods });
    engine.pointerUp({ x: x1, y: y1, ...mods });
  };
  const click = (x0: number, y0: number, mods = {}) => {
    engine.pointerDown({ x: x0, y: y0, button: 0, ...mods });
    engine.pointerUp({ x: x0, y: y0, ...mods });
  };
  return { engine, doc, other, edits, errors, seeks, x, y, drag, click };
}

describe('geometry', () => {
  it('maps time to x and hit-tests bodies, edges and events', () => {
    const { engine, doc, x, y } = setup();
    doc.create({ id: 'a', kind: 'segment', tierId: 'words', start: 10, end: 20 }, context());
    doc.create({ id: 'b', kind: 'segment', tierId: 'words', start: 20, end: 30 }, context());
    doc.create({ id: 'e', kind: 'event', tierId: 'events', start: 50 }, context());
    expect(x(10)).toBeCloseTo(HEADER + 100, 9);
    expect(engine.xToTime(HEADER + 250)).toBeCloseTo(25, 9);
    expect(engine.hitTest(x(15), y(0))).toMatchObject({ area: 'lane', part: 'body', item: { id: 'a' } });
    expect(engine.hitTest(x(10) + 2, y(0))).toMatchObject({ part: 'start', item: { id: 'a' } });
    // The shared boundary resolves by side.
    expect(engine.hitTest(x(20) - 1, y(0))).toMatchObject({ part: 'end', item: { id: 'a' } });
    expect(engine.hitTest(x(20) + 1, y(0))).toMatchObject({ part: 'start', item: { id: 'b' } });
    expect(engine.hitTest(x(50) + 4, y(2))).toMatchObject({ part: 'point', item: { id: 'e' } });
    expect(engine.hitTest(x(60), y(0))).toMatchObject({ area: 'lane', item: null });
    expect(engine.hitTest(x(60), 5)).toMatchObject({ area: 'ruler' });
    expect(engine.hitTest(20, y(1))).toMatchObject({ area: 'header', lane: { id: 'L1/turns' } });
  });
});

describe('pointer gestures', () => {
  it('drag on an empty editable lane creates a frame-snapped segment in one transaction', () => {
    const { engine, doc, edits, x, y, drag } = setup();
    const log = transactions(doc.doc);
    drag(x(10.01), y(0), x(12.34));
    const [a] = doc.list();
    expect(a).toMatchObject({ kind: 'segment', tierId: 'words' });
    const seg = a as { start: number; end: number };
    expect(isFrameBoundary(seg.start, NTSC) && isFrameBoundary(seg.end, NTSC)).toBe(true);
    expect(frameOf(seg.start, NTSC)).toBe(300); // 10.01 s · 29.97 = 300.0 → frame 300
    expect(log).toEqual([ORIGIN]);
    expect(edits).toEqual([{ op: 'create', layerId: 'L1', ids: [a.id] }]);
    expect(engine.selected).toEqual([{ layerId: 'L1', id: a.id }]);
  });

  it('snaps to another lane’s boundary within the pixel reach', () => {
    const { doc, x, y, drag } = setup();
    doc.create({ id: 't', kind: 'segment', tierId: 'turns', start: 10.123456, end: 40 }, context());
    drag(x(10.123456) + 5, y(0), x(15));
    const created = doc.list({ tierId: 'words' })[0] as { start: number };
    expect(created.start).toBe(10.123456);
  });

  it('moves a segment by whole frames and resizes an edge; Alt disables snapping', () => {
    const { doc, x, y, drag } = setup();
    const s = frameTime(300, NTSC);
    const e = frameTime(330, NTSC);
    doc.create({ id: 'a', kind: 'segment', tierId: 'words', start: s, end: e }, context());
    drag(x(10.5), y(0), x(30.5) + 0.3);
    const moved = doc.get('a') as { start: number; end: number };
    expect(frameOf(moved.end, NTSC) - frameOf(moved.start, NTSC)).toBe(30);
    expect(isFrameBoundary(moved.start, NTSC) && isFrameBoundary(moved.end, NTSC)).toBe(true);
    expect(moved.start).toBeCloseTo(30, 1);
    drag(x(moved.end) - 1, y(0), x(50));
    expect((doc.get('a') as { end: number }).end).toBe(snapToFrame(50, NTSC));
    drag(x(50) - 1, y(0), x(55.55), y(0), { altKey: true });
    expect((doc.get('a') as { end: number }).end).toBeCloseTo(55.55, 6);
  });

  it('read-only lanes select but never edit; dragging there selects a range', () => {
    const { engine, other, edits, x, y, drag, click } = setup();
    other.create({ id: 'r', kind: 'segment', tierId: 'words', start: 10, end: 20 }, context());
    click(x(15), y(3));
    expect(engine.selected).toEqual([{ layerId: 'L2', id: 'r' }]);
    drag(x(15), y(3), x(40));
    expect((other.get('r') as { start: number }).start).toBe(10);
    drag(x(50), y(3), x(60));
    expect(engine.selection!.start).toBeCloseTo(50, 1);
    expect(engine.selection!.end).toBeCloseTo(60, 1);
    expect(edits).toEqual([]);
  });

  it('click seeks (frame-snapped) and clears; ruler scrubs; Escape cancels a drag', () => {
    const { engine, doc, seeks, x, y } = setup();
    engine.pointerDown({ x: x(33.3), y: 5, button: 0 });
    engine.pointerMove({ x: x(44.4), y: 5 });
    engine.pointerUp({ x: x(44.4), y: 5 });
    expect(isFrameBoundary(engine.playhead, NTSC)).toBe(true);
    expect(seeks.length).toBe(2);
    doc.create({ id: 'a', kind: 'segment', tierId: 'words', start: 10, end: 20 }, context());
    engine.pointerDown({ x: x(15), y: y(0), button: 0 });
    engine.pointerMove({ x: x(25), y: y(0) });
    expect(engine.preview()).toMatchObject({ item: { id: 'a' } });
    expect(engine.handleKey({ key: 'Escape' })).toBe(true);
    engine.pointerUp({ x: x(25), y: y(0) });
    expect((doc.get('a') as { start: number }).start).toBe(10);
  });

  it('double-click on an editable event lane creates an event; wheel zooms and pans', () => {
    const { engine, doc, x, y } = setup();
    engine.doubleClick({ x: x(42), y: y(2) });
    expect(doc.list({ tierId: 'events' })).toHaveLength(1);
    const before = engine.view.pxPerSec;
    engine.wheel({ x: x(50), y: y(0), deltaX: 0, deltaY: -100, ctrlKey: true });
    expect(engine.view.pxPerSec).toBeGreaterThan(before);
    const start = engine.view.start;
    engine.wheel({ x: x(50), y: y(0), deltaX: 100, deltaY: 0 });
    expect(engine.view.start).toBeGreaterThan(start);
  });
});

describe('keyboard commands', () => {
  it('create → label-free adjust → split → merge → delete, all from the keyboard', () => {
    const { engine, doc } = setup();
    const key = (k: string, mods = {}) => expect(engine.handleKey({ key: k, ...mods })).toBe(true);
    engine.setActiveLane('L1/words');
    engine.setPlayhead(frameTime(300, NTSC));
    key('[');
    for (let i = 0; i < 60; i++) key('ArrowRight');
    key(']');
    expect(frameOf(engine.selection!.end, NTSC)).toBe(360);
    key('Enter');
    const [a] = doc.list();
    expect(a).toMatchObject({ start: frameTime(300, NTSC), end: frameTime(360, NTSC) });
    expect(engine.selection).toBeNull();
    // Trim the end 10 frames earlier.
    for (let i = 0; i < 10; i++) key('ArrowLeft');
    key('}', { shiftKey: true });
    expect((doc.get(a.id) as { end: number }).end).toBe(frameTime(350, NTSC));
    // Nudge one frame, split in the middle, merge back.
    key('ArrowRight', { ctrlKey: true });
    expect(doc.get(a.id)).toMatchObject({ start: frameTime(301, NTSC), end: frameTime(351, NTSC) });
    engine.setPlayhead(frameTime(320, NTSC));
    key('/');
    expect(doc.list().map((s) => (s as { end: number }).end)).toEqual([frameTime(320, NTSC), frameTime(351, NTSC)]);
    key(',');
    expect(engine.selected).toEqual([{ layerId: 'L1', id: a.id }]);
    key('j', { ctrlKey: true });
    expect(doc.list()).toHaveLength(1);
    expect(doc.get(a.id)).toMatchObject({ start: frameTime(301, NTSC), end: frameTime(351, NTSC) });
    key('Delete');
    expect(doc.list()).toHaveLength(0);
    expect(engine.selected).toEqual([]);
  });

  it('creates events on event lanes and reports errors on read-only lanes', () => {
    const { engine, doc, errors } = setup(null);
    engine.setActiveLane('L1/events');
    engine.setPlayhead(12.34);
    engine.execute({ type: 'create' });
    expect(doc.list()).toMatchObject([{ kind: 'event', start: 12.34 }]);
    engine.setActiveLane('L2/words');
    expect(engine.execute({ type: 'create' })).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it('steps by frames, seconds and boundaries; lanes; zoom keys; Escape clears', () => {
    const { engine, doc } = setup();
    doc.create({ id: 'a', kind: 'segment', tierId: 'words', start: 10, end: 20 }, context());
    engine.setActiveLane('L1/words');
    engine.execute({ type: 'jumpBoundary', dir: 1 });
    expect(engine.playhead).toBe(10);
    engine.execute({ type: 'jumpBoundary', dir: 1 });
    expect(engine.playhead).toBe(20);
    engine.execute({ type: 'stepSeconds', delta: -1 });
    expect(isFrameBoundary(engine.playhead, NTSC)).toBe(true);
    engine.execute({ type: 'laneDelta', delta: 1 });
    expect(engine.activeLaneId).toBe('L1/turns');
    engine.execute({ type: 'seekEnd' });
    expect(engine.playhead).toBe(3600);
    expect(engine.view.end).toBeCloseTo(3600, 6); // revealed
    engine.execute({ type: 'zoomFit' });
    expect(engine.view.visibleDuration).toBeCloseTo(3600, 6);
    engine.execute({ type: 'zoom', factor: 4 });
    expect(engine.view.visibleDuration).toBeCloseTo(900, 6);
    engine.setSelected([{ layerId: 'L1', id: 'a' }]);
    engine.execute({ type: 'zoomSelection' });
    expect(engine.view.start).toBeLessThan(10);
    expect(engine.view.end).toBeGreaterThan(20);
    engine.execute({ type: 'escape' });
    expect(engine.selected).toEqual([]);
    expect(engine.handleKey({ key: 'q' })).toBe(false); // left to label hotkeys
  });

  it('drops deleted annotations from the selection, even when a peer deleted them', () => {
    const { engine, doc } = setup();
    doc.create({ id: 'a', kind: 'segment', tierId: 'words', start: 10, end: 20 }, context());
    engine.setSelected([{ layerId: 'L1', id: 'a' }]);
    doc.delete('a', 'remote');
    expect(engine.selected).toEqual([]);
  });
});
