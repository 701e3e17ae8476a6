/**
 * Pure logic of comment threads for display: ordering and filters of the panel, what an anchor
 * points at (as far as the viewer may see), the markers of the timeline strip, and
 * `openThreadSummaries`, the open threads of a task document for other views (the review
 * workflow shows them when a task goes back to its annotator).
 */
import type { Annotation } from '../../../shared/model/annotation.ts';
import type { TaskDoc, Thread, ThreadAnchor } from '../../../shared/model/task-doc.ts';

export type ThreadFilter = 'all' | 'open' | 'resolved' | 'mentions';

export function lastActivity(t: Thread): number {
  const last = t.messages[t.messages.length - 1]?.createdAt ?? 0;
  return Math.max(last, t.resolvedAt ?? 0);
}

export function mentionsUser(t: Thread, userId: string): boolean {
  return t.messages.some((m) => m.mentions.includes(userId));
}

/** Open threads first, then the most recently active first (ties by id, so the order is stable). */
export function sortThreads(threads: readonly Thread[]): Thread[] {
  return [...threads].sort(
    (a, b) => Number(a.resolved) - Number(b.resolved) || lastActivity(b) - lastActivity(a) || (a.id < b.id ? -1 : 1),
  );
}

export function filterThreads(threads: readonly Thread[], filter: ThreadFilter, userId: string): Thread[] {
  const keep = (t: Thread): boolean =>
    filter === 'all'
      ? true
      : filter === 'open'
        ? !t.resolved
        : filter === 'resolved'
          ? t.resolved
          : mentionsUser(t, userId);
  return sortThreads(threads.filter(keep));
}

export function countOpen(threads: readonly Thread[]): number {
  return threads.filter((t) => !t.resolved).length;
}

/** Time extent of an annotation on the task timeline (a span: that of its segment), or null. */
export function annotationTime(
  a: Annotation,
  sibling: (id: string) => Annotation | null,
): { start: number; end: number } | null {
  if (a.kind === 'segment' || a.kind === 'box') return { start: a.start, end: a.end };
  if (a.kind === 'event') return { start: a.start, end: a.start };
  const host = a.textAnnotationId ? sibling(a.textAnnotationId) : null;
  return host && host.kind === 'segment' ? { start: host.start, end: host.end } : null;
}

/** What the viewer may know of the layers (the workspace's visible layer documents). */
export interface AnchorLookup {
  /** False when the layer is not visible to the viewer (blind modes, hidden gold). */
  visible(layerId: string): boolean;
  annotation(layerId: string, id: string): Annotation | null;
}

/**
 * An anchor as the viewer may see it. `hidden`: on a layer the viewer cannot read; nothing of the
 * annotation is told (not even its time, which would place it). `missing`: the annotation was
 * deleted (or has not synced yet).
 */
export type AnchorView =
  | { kind: 'time'; start: number; end: number }
  | {
      kind: 'annotation';
      state: 'visible';
      layerId: string;
      annotationId: string;
      annotation: Annotation;
      start: number | null;
      end: number | null;
    }
  | { kind: 'annotation'; state: 'hidden' | 'missing'; layerId: string; annotationId: string };

export function viewAnchor(anchor: ThreadAnchor, lookup: AnchorLookup): AnchorView {
  if (anchor.type === 'time') return { kind: 'time', start: anchor.start, end: anchor.end };
  const { layerId, annotationId } = anchor;
  if (!lookup.visible(layerId)) return { kind: 'annotation', state: 'hidden', layerId, annotationId };
  const a = lookup.annotation(layerId, annotationId);
  if (!a) return { kind: 'annotation', state: 'missing', layerId, annotationId };
  const time = annotationTime(a, (id) => lookup.annotation(layerId, id));
  return {
    kind: 'annotation',
    state: 'visible',
    layerId,
    annotationId,
    annotation: a,
    start: time?.start ?? null,
    end: time?.end ?? null,
  };
}

/** Where an anchor lies on the timeline, when the viewer may know it. */
export function anchorRange(v: AnchorView): { start: number; end: number } | null {
  if (v.kind === 'time') return { start: v.start, end: v.end };
  return v.state === 'visible' && v.start !== null && v.end !== null ? { start: v.start, end: v.end } : null;
}

export interface StripView {
  start: number;
  pxPerSec: number;
  width: number;
}

export interface StripMarker {
  threadId: string;
  /** Left edge and width in CSS px within the strip's time area. */
  x: number;
  width: number;
  /** A point anchor (drawn as a pin, not a bar). */
  point: boolean;
  mentionsMe: boolean;
  start: number;
  end: number;
}

/** Narrowest marker, so a short range stays clickable. */
export const MIN_MARKER_PX = 8;

/**
 * Markers of open threads in the visible window: time anchors as their range, annotation anchors
 * at the annotation's time; threads without a known time (hidden layer, deleted annotation) and
 * resolved threads get none. Sorted left to right, longer first on ties (short ones drawn last,
 * on top).
 */
export function stripMarkers(
  threads: readonly Thread[],
  anchorOf: (t: Thread) => AnchorView,
  view: StripView,
  userId: string,
): StripMarker[] {
  const out: StripMarker[] = [];
  for (const t of threads) {
    if (t.resolved) continue;
    const r = anchorRange(anchorOf(t));
    if (!r) continue;
    const x0 = (r.start - view.start) * view.pxPerSec;
    const x1 = (r.end - view.start) * view.pxPerSec;
    const point = r.end <= r.start;
    const half = point ? MIN_MARKER_PX / 2 : 0;
    if (x1 + half < 0 || x0 - half > view.width) continue;
    let left = Math.max(0, point ? x0 - half : x0);
    let right = Math.min(view.width, point ? x0 + half : x1);
    if (right - left < MIN_MARKER_PX) {
      const mid = (left + right) / 2;
      left = Math.max(0, Math.min(view.width - MIN_MARKER_PX, mid - MIN_MARKER_PX / 2));
      right = left + MIN_MARKER_PX;
    }
    out.push({
      threadId: t.id,
      x: left,
      width: right - left,
      point,
      mentionsMe: mentionsUser(t, userId),
      start: r.start,
      end: r.end,
    });
  }
  return out.sort((a, b) => a.x - b.x || b.width - a.width || (a.threadId < b.threadId ? -1 : 1));
}

/** One open thread, flattened for display outside the workspace (e.g. a rejection notice). */
export interface OpenThreadSummary {
  id: string;
  anchor: ThreadAnchor;
  /** The first message: what the thread is about. */
  text: string;
  author: string;
  createdAt: number;
  /** Messages after the first. */
  replies: number;
  lastActivity: number;
  /** Everyone mentioned anywhere in the thread, in order of first mention. */
  mentions: string[];
}

/**
 * The open threads of a task document, oldest first. Texts keep their `@<user id>` mentions:
 * render them with `mentionSegments` (./mention-text.ts) and the task's people.
 */
export function openThreadSummaries(doc: TaskDoc): OpenThreadSummary[] {
  return doc.listThreads({ resolved: false }).flatMap((t) => {
    const first = t.messages[0];
    if (!first) return [];
    return [
      {
        id: t.id,
        anchor: t.anchor,
        text: first.text,
        author: first.author,
        createdAt: first.createdAt,
        replies: t.messages.length - 1,
        lastActivity: lastActivity(t),
        mentions: [...new Set(t.messages.flatMap((m) => m.mentions))],
      },
    ];
  });
}

/** "0:04.000" for a point, "0:04.000–0:06.500" for a range. */
export function formatRange(start: number, end: number, format: (s: number) => string): string {
  return end <= start ? format(start) : `${format(start)}–${format(end)}`;
}

/** What the workspace asks of the Comments panel: show one thread, or start a new comment. */
export type PanelRequest = { type: 'thread'; id: string } | { type: 'compose' };
