/**
 * A text medium of a task (a WebVTT/SRT/JSON/plain transcript file) as the workspace shows it:
 * its cues, where each cue's text lies in the medium's plain text (span annotations with a
 * `mediaId` count UTF-16 offsets into that text: the cues joined by "\n", see
 * server/media/transcript.ts), span labels cut per cue, and the cues in a visible time window.
 */
import type { SpanAnnotation } from '../../../shared/model/annotation.ts';
import type { SpanMark } from './spans.ts';

/** One cue of a text medium. Times are in the file's own clock (add the medium's offset). */
export interface Cue {
  index: number;
  start: number | null;
  end: number | null;
  text: string;
  speaker: string | null;
  /** Offset of the cue's first character in the medium's plain text. */
  offset: number;
}

export interface TranscriptLike {
  segments: ReadonlyArray<{ start: number | null; end: number | null; text: string; speaker?: string }>;
  text: string;
}

/**
 * The cues of a transcript with their offsets in its plain text. Throws when the server's text is
 * not the cues joined by "\n" (offsets would point at the wrong characters: better no spans).
 */
export function documentCues(t: TranscriptLike): Cue[] {
  let offset = 0;
  const cues = t.segments.map((s, index): Cue => {
    const cue = { index, start: s.start, end: s.end, text: s.text, speaker: s.speaker ?? null, offset };
    offset += s.text.length + 1;
    return cue;
  });
  const joined = t.segments.map((s) => s.text).join('\n');
  if (joined !== t.text) throw new Error('the transcript text does not match its cues');
  return cues;
}

/** Index of the cue holding character `offset` (a "\n" between cues belongs to the earlier one). */
export function cueAtOffset(cues: readonly Cue[], offset: number): number {
  let lo = 0;
  let hi = cues.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cues[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Span marks per cue, in cue-local offsets. A span over several cues is cut into one mark per cue
 * it covers (same id); spans outside the text are clamped to it, empty parts dropped.
 */
export function marksByCue(
  cues: readonly Cue[],
  spans: readonly SpanAnnotation[],
  color: (s: SpanAnnotation) => string,
): Map<number, SpanMark[]> {
  const out = new Map<number, SpanMark[]>();
  for (const s of spans) {
    const first = cueAtOffset(cues, s.startOffset);
    if (first < 0) continue;
    for (let i = first; i < cues.length && cues[i]!.offset < s.endOffset; i++) {
      const c = cues[i]!;
      const start = Math.max(0, s.startOffset - c.offset);
      const end = Math.min(c.text.length, s.endOffset - c.offset);
      if (end <= start) continue;
      const list = out.get(i) ?? [];
      list.push({ id: s.id, start, end, color: color(s) });
      out.set(i, list);
    }
  }
  return out;
}

/** Spans listed under a cue: those that begin in it, in text order. */
export function spansByFirstCue(cues: readonly Cue[], spans: readonly SpanAnnotation[]): Map<number, SpanAnnotation[]> {
  const out = new Map<number, SpanAnnotation[]>();
  const sorted = [...spans].sort((a, b) => a.startOffset - b.startOffset || a.endOffset - b.endOffset);
  for (const s of sorted) {
    const i = cueAtOffset(cues, s.startOffset);
    if (i < 0) continue;
    const list = out.get(i) ?? [];
    list.push(s);
    out.set(i, list);
  }
  return out;
}

/** A cue placed on the task timeline. */
export interface PlacedCue {
  cue: Cue;
  /** Start and end on the task timeline (s). */
  start: number;
  end: number;
}

/** The timed cues overlapping [from, to) on the task timeline, for a medium starting at `mediaOffset`. */
export function cuesInWindow(cues: readonly Cue[], mediaOffset: number, from: number, to: number): PlacedCue[] {
  const out: PlacedCue[] = [];
  for (const cue of cues) {
    if (cue.start === null || cue.end === null) continue;
    const start = cue.start + mediaOffset;
    const end = cue.end + mediaOffset;
    if (end >= from && start <= to) out.push({ cue, start, end });
  }
  return out;
}

/** Index of the timed cue under task time `t` (the latest starting one), or -1. */
export function cueAtTime(cues: readonly Cue[], mediaOffset: number, t: number): number {
  let hit = -1;
  for (const c of cues) {
    if (c.start === null || c.end === null) continue;
    if (c.start + mediaOffset <= t && t < c.end + mediaOffset) hit = c.index;
  }
  return hit;
}
