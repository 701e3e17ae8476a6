/**
 * Span labels on a transcript segment's text: cutting the text into runs for rendering (words ×
 * overlapping spans), keeping span offsets on the same characters when the text is edited, and
 * cleaning up a selection before it becomes a span. Offsets are UTF-16 code units.
 */
import type { SpanAnnotation } from '../../../shared/model/annotation.ts';
import type { LayerDoc } from '../../../shared/model/layer.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';
import { deltaToSplices } from './text-diff.ts';
import type { Delta, Splice } from './text-diff.ts';
import type { WordRange } from './timing.ts';

/** What rendering needs of one span on the text. */
export interface SpanMark {
  id: string;
  start: number;
  end: number;
  color: string;
}

/** A piece of text with one word (or none) and one set of covering spans. */
export interface Run {
  start: number;
  end: number;
  text: string;
  /** Index of the word this run belongs to, -1 between words. */
  word: number;
  /** Covering spans, outermost (longest) first. */
  spans: SpanMark[];
}

/**
 * Cuts `text` at every word and span boundary. Spans are clamped to the text (a stale span past
 * the end shows only its part inside) and empty ones skipped. Concatenating the runs' text gives
 * `text` back.
 */
export function textRuns(text: string, ws: readonly WordRange[], spans: readonly SpanMark[]): Run[] {
  const n = text.length;
  if (n === 0) return [];
  const clamped = spans
    .map((s) => ({ ...s, start: Math.max(0, Math.min(n, s.start)), end: Math.max(0, Math.min(n, s.end)) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || (a.id < b.id ? -1 : 1));
  const cuts = new Set<number>([0, n]);
  for (const w of ws) {
    cuts.add(Math.min(n, w.start));
    cuts.add(Math.min(n, w.end));
  }
  for (const s of clamped) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Run[] = [];
  let wi = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    while (wi < ws.length && ws[wi]!.end <= a) wi++;
    const word = wi < ws.length && ws[wi]!.start <= a && ws[wi]!.end >= b ? wi : -1;
    out.push({
      start: a,
      end: b,
      text: text.slice(a, b),
      word,
      spans: clamped.filter((s) => s.start <= a && s.end >= b),
    });
  }
  return out;
}

/** A span's character range. */
export interface OffsetRange {
  start: number;
  end: number;
}

/**
 * A range through one splice. An edit inside the range (edges included) resizes it; text
 * inserted exactly at an edge stays outside (typing after a labelled word does not extend the
 * label); text before shifts it; an edit over one edge clips it. Null when nothing of it is left.
 */
export function shiftRange(r: OffsetRange, s: Splice): OffsetRange | null {
  const a = s.index;
  const b = s.index + s.remove;
  const d = s.insert.length - s.remove;
  let out: OffsetRange;
  if (b <= r.start) out = { start: r.start + d, end: r.end + d };
  else if (a >= r.end) out = r;
  else if (a >= r.start && b <= r.end) out = { start: r.start, end: r.end + d };
  else if (a < r.start) out = b >= r.end ? { start: 0, end: 0 } : { start: a + s.insert.length, end: r.end + d };
  else out = { start: r.start, end: a };
  return out.end > out.start ? out : null;
}

/** A range through every splice of a delta (see shiftRange); null once it has vanished. */
export function shiftRangeByDelta(r: OffsetRange, delta: Delta): OffsetRange | null {
  let cur: OffsetRange | null = r;
  for (const s of deltaToSplices(delta)) {
    if (cur === null) return null;
    cur = shiftRange(cur, s);
  }
  return cur;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * A selection made ready for a span: ordered, clamped to the text, without surrounding
 * whitespace (double-click selects a trailing space on some systems), and never cutting a
 * surrogate pair. Null when nothing but whitespace is selected.
 */
export function trimSelection(text: string, start: number, end: number): OffsetRange | null {
  let s = Math.max(0, Math.min(text.length, Math.min(start, end)));
  let e = Math.max(0, Math.min(text.length, Math.max(start, end)));
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  if (s > 0 && isLow(text.charCodeAt(s)) && isHigh(text.charCodeAt(s - 1))) s--;
  if (e < text.length && isLow(text.charCodeAt(e)) && isHigh(text.charCodeAt(e - 1))) e++;
  return e > s ? { start: s, end: e } : null;
}

/** Id of the innermost (shortest) span containing `offset`, or null. */
export function spanAt(spans: readonly SpanMark[], offset: number): string | null {
  let best: SpanMark | null = null;
  for (const s of spans)
    if (s.start <= offset && offset < s.end && (best === null || s.end - s.start < best.end - best.start)) best = s;
  return best?.id ?? null;
}

/**
 * Keeps spans on the same characters after their text changed by `delta` (see shiftRange): moved
 * with `LayerDoc.update`, deleted when their text is gone. Call it inside the text edit's
 * transaction (TextBinding's `onLocalDelta`) so text and offsets are one undo step. A span the
 * model refuses to move (e.g. its label has since been removed from the tier) is left as it was —
 * `LayerDoc.audit` reports it — because the text edit itself must not fail. Returns how many
 * spans were moved or deleted.
 */
export function moveSpansWithText(
  layer: LayerDoc,
  ctx: LayerContext,
  spans: readonly SpanAnnotation[],
  delta: Delta,
  origin?: unknown,
): number {
  let n = 0;
  for (const s of spans) {
    const r = shiftRangeByDelta({ start: s.startOffset, end: s.endOffset }, delta);
    try {
      if (r === null) layer.delete(s.id, origin);
      else if (r.start !== s.startOffset || r.end !== s.endOffset)
        layer.update(s.id, { startOffset: r.start, endOffset: r.end }, ctx, origin);
      else continue;
      n++;
    } catch {
      // Left in place (see above).
    }
  }
  return n;
}
