/** Thread ordering and filters, anchors as the viewer may see them, strip markers, summaries. */
import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../../shared/model/annotation.ts';
import { TaskDoc, type TaskContext, type Thread } from '../../../../shared/model/task-doc.ts';
import {
  anchorRange,
  countOpen,
  filterThreads,
  formatRange,
  MIN_MARKER_PX,
  openThreadSummaries,
  sortThreads,
  stripMarkers,
  viewAnchor,
  type AnchorLookup,
} from '../../../../web/lib/threads/threads.ts';

const ME = 'u-me';
let clock = 1000;
const ctx = (author: string): TaskContext => ({ now: () => clock++, author, mediaDuration: 60 });

function seg(id: string, start: number, end: number): Annotation {
  return {
    id,
    kind: 'segment',
    tierId: 'turns',
    start,
    end,
    text: 'secret words',
    label: 'speech',
    attributes: {},
    entityId: null,
    relations: [],
    source: 'human',
    confidence: null,
    provenance: null,
    author: 'u-ada',
    createdAt: 1,
    updatedAt: 1,
  };
}

/** Layer L1 visible with a1 (2–4 s), a span on it and an event; layer L2 not visible. */
const lookup: AnchorLookup = {
  visible: (l) => l === 'L1',
  annotation: (l, id) => {
    if (l !== 'L1') throw new Error('read a hidden layer');
    if (id === 'a1') return seg('a1', 2, 4);
    if (id === 'ev') return { ...seg('ev', 5, 5), kind: 'event', start: 5 } as Annotation;
    if (id === 'sp')
      return { ...seg('sp', 0, 0), kind: 'span', startOffset: 0, endOffset: 3, textAnnotationId: 'a1' } as Annotation;
    return null;
  },
};

function doc(): { task: TaskDoc; ids: Record<string, string> } {
  const task = new TaskDoc();
  const ids: Record<string, string> = {};
  ids.time = task.createThread({ anchor: { type: 'time', start: 1, end: 3 }, text: 'range' }, ctx('u-ada')).id;
  ids.point = task.createThread({ anchor: { type: 'time', start: 10, end: 10 }, text: `@${ME} here` }, ctx('u-ada')).id;
  ids.ann = task.createThread(
    { anchor: { type: 'annotation', layerId: 'L1', annotationId: 'a1' }, text: 'label?' },
    ctx('u-ben'),
  ).id;
  ids.hidden = task.createThread(
    { anchor: { type: 'annotation', layerId: 'L2', annotationId: 'x' }, text: 'other layer' },
    ctx('u-ben'),
  ).id;
  ids.gone = task.createThread(
    { anchor: { type: 'annotation', layerId: 'L1', annotationId: 'deleted' }, text: 'gone' },
    ctx('u-ben'),
  ).id;
  task.reply(ids.time, `thanks @${ME}`, ctx('u-ben'));
  task.resolveThread(ids.time, ctx(ME));
  return { task, ids };
}

describe('ordering and filters', () => {
  it('puts open threads first, most recently active first', () => {
    const { task, ids } = doc();
    const order = sortThreads(task.listThreads()).map((t) => t.id);
    expect(order).toEqual([ids.gone, ids.hidden, ids.ann, ids.point, ids.time]);
    expect(countOpen(task.listThreads())).toBe(4);
  });

  it('filters open, resolved and mentioning me', () => {
    const { task, ids } = doc();
    const all = task.listThreads();
    expect(filterThreads(all, 'all', ME)).toHaveLength(5);
    expect(filterThreads(all, 'open', ME).map((t) => t.id)).not.toContain(ids.time);
    expect(filterThreads(all, 'resolved', ME).map((t) => t.id)).toEqual([ids.time]);
    expect(filterThreads(all, 'mentions', ME).map((t) => t.id)).toEqual([ids.point, ids.time]);
    expect(filterThreads(all, 'mentions', 'u-nobody')).toEqual([]);
  });
});

describe('viewAnchor', () => {
  it('tells time ranges, visible annotations with their time, and nothing of hidden layers', () => {
    const a = (annotationId: string, layerId = 'L1') =>
      viewAnchor({ type: 'annotation', layerId, annotationId }, lookup);
    expect(viewAnchor({ type: 'time', start: 1, end: 3 }, lookup)).toEqual({ kind: 'time', start: 1, end: 3 });
    expect(a('a1')).toMatchObject({ kind: 'annotation', state: 'visible', start: 2, end: 4 });
    expect(a('ev')).toMatchObject({ state: 'visible', start: 5, end: 5 });
    expect(a('sp')).toMatchObject({ state: 'visible', start: 2, end: 4 });
    expect(a('deleted')).toEqual({ kind: 'annotation', state: 'missing', layerId: 'L1', annotationId: 'deleted' });
    // The hidden layer is never read (the lookup throws if it were).
    expect(a('x', 'L2')).toEqual({ kind: 'annotation', state: 'hidden', layerId: 'L2', annotationId: 'x' });
    expect(anchorRange(a('x', 'L2'))).toBeNull();
    expect(anchorRange(a('a1'))).toEqual({ start: 2, end: 4 });
  });
});

describe('stripMarkers', () => {
  const view = { start: 0, pxPerSec: 10, width: 200 };
  const markers = (threads: Thread[], v = view) => stripMarkers(threads, (t) => viewAnchor(t.anchor, lookup), v, ME);

  it('marks open threads with a known time, in pixels of the visible window', () => {
    const { task, ids } = doc();
    const m = markers(task.listThreads());
    expect(m.map((x) => x.threadId)).toEqual([ids.ann, ids.point]);
    expect(m[0]).toMatchObject({ x: 20, width: 20, point: false, mentionsMe: false, start: 2, end: 4 });
    expect(m[1]).toMatchObject({ x: 100 - MIN_MARKER_PX / 2, width: MIN_MARKER_PX, point: true, mentionsMe: true });
  });

  it('clips to the window, widens short ranges and drops what is outside', () => {
    const { task } = doc();
    const threads = task.listThreads();
    // Scrolled to 3 s – 8 s at 40 px/s: the annotation (2–4 s) is cut at the left edge.
    const m = markers(threads, { start: 3, pxPerSec: 40, width: 200 });
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ x: 0, width: 40 });
    // Zoomed far out: 2 s are 0.2 px, widened to stay clickable.
    const far = markers(threads, { start: 0, pxPerSec: 0.1, width: 200 });
    expect(far.every((x) => x.width === MIN_MARKER_PX)).toBe(true);
    expect(markers(threads, { start: 30, pxPerSec: 10, width: 200 })).toEqual([]);
  });
});

describe('openThreadSummaries', () => {
  it('lists the open threads with their first message, reply count and mentions', () => {
    const { task, ids } = doc();
    task.reply(ids.ann, `@u-ada look`, ctx('u-ben'));
    const s = openThreadSummaries(task);
    expect(s.map((x) => x.id)).toEqual([ids.point, ids.ann, ids.hidden, ids.gone]);
    expect(s[1]).toMatchObject({
      text: 'label?',
      author: 'u-ben',
      replies: 1,
      mentions: ['u-ada'],
      anchor: { type: 'annotation', layerId: 'L1', annotationId: 'a1' },
    });
    expect(s[0]).toMatchObject({ replies: 0, mentions: [ME] });
    expect(openThreadSummaries(new TaskDoc())).toEqual([]);
  });
});

describe('formatRange', () => {
  it('writes a point once and a range with a dash', () => {
    const f = (s: number) => s.toFixed(1);
    expect(formatRange(2, 2, f)).toBe('2.0');
    expect(formatRange(2, 4.5, f)).toBe('2.0–4.5');
  });
});
