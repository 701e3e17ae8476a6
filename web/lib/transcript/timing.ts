/**
 * Time in a transcript: which segment is under the playhead, and where a word lies in time.
 *
 * Word times are an approximation: a segment has a start and an end but no word alignment, so a
 * character at offset `o` of a text of length `n` is placed at `start + (end − start) · o / n`
 * (speech is taken to advance at a constant rate per UTF-16 code unit across the segment). Good
 * enough to jump near a word and to follow along; a forced alignment would replace it.
 */

/** A word's range `[start, end)` in the text, UTF-16 code units. */
export interface WordRange {
  start: number;
  end: number;
}

/** What the timing functions need of a segment. */
export interface TimedText {
  start: number;
  end: number;
  text: string;
}

type Segmenter = { segment(s: string): Iterable<{ segment: string; index: number; isWordLike?: boolean }> };

let segmenter: Segmenter | null | undefined;

function wordSegmenter(): Segmenter | null {
  if (segmenter === undefined) {
    const Ctor = (Intl as unknown as { Segmenter?: new (l?: string, o?: object) => Segmenter }).Segmenter;
    segmenter = Ctor !== undefined ? new Ctor(undefined, { granularity: 'word' }) : null;
  }
  return segmenter;
}

/**
 * The words of a text, in order. `Intl.Segmenter` where available (it also splits scripts
 * written without spaces); otherwise runs of letters, digits, marks and apostrophes.
 */
export function words(text: string): WordRange[] {
  const out: WordRange[] = [];
  const seg = wordSegmenter();
  if (seg !== null) {
    for (const s of seg.segment(text))
      if (s.isWordLike === true) out.push({ start: s.index, end: s.index + s.segment.length });
    return out;
  }
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}'’]+/gu))
    out.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  return out;
}

/**
 * Index of the word at a caret offset: the word containing it, else the word ending exactly there
 * (a click just after a word's last letter puts the caret at its end); -1 when none.
 */
export function wordIndexAt(ws: readonly WordRange[], offset: number): number {
  let lo = 0;
  let hi = ws.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = ws[mid]!;
    if (offset < w.start) hi = mid - 1;
    else if (offset >= w.end) lo = mid + 1;
    else return mid;
  }
  // lo is the first word starting after offset; the one before may end at offset.
  return lo > 0 && ws[lo - 1]!.end === offset ? lo - 1 : -1;
}

/** Interpolated time of a character offset in a segment (see the module comment). */
export function timeAtOffset(seg: TimedText, offset: number): number {
  const n = seg.text.length;
  if (n === 0 || !(seg.end > seg.start)) return seg.start;
  const o = Math.max(0, Math.min(n, offset));
  return seg.start + ((seg.end - seg.start) * o) / n;
}

/** Inverse of timeAtOffset: the (fractional) character offset spoken at time `t`. */
export function offsetAtTime(seg: TimedText, t: number): number {
  const n = seg.text.length;
  if (n === 0 || !(seg.end > seg.start)) return 0;
  return Math.max(0, Math.min(n, ((t - seg.start) / (seg.end - seg.start)) * n));
}

/** Time to seek to for a click at `offset`: the start of the word there, or null off words. */
export function seekTimeAt(seg: TimedText, ws: readonly WordRange[], offset: number): number | null {
  const i = wordIndexAt(ws, offset);
  return i < 0 ? null : timeAtOffset(seg, ws[i]!.start);
}

/**
 * Index of the word being spoken at `t` under the interpolation, or -1 outside the segment. In a
 * gap between words, the previous word stays current.
 */
export function wordIndexAtTime(seg: TimedText, ws: readonly WordRange[], t: number): number {
  if (ws.length === 0 || !(t >= seg.start && t < seg.end)) return -1;
  const o = offsetAtTime(seg, t);
  // Last word starting at or before o.
  let lo = 0;
  let hi = ws.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ws[mid]!.start <= o) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * Index of the segment under the playhead in a list sorted by start: the latest-starting one
 * with `start ≤ t < end` (when segments overlap, the most recent one is the one being heard);
 * -1 in a gap. Looks back at most 32 segments for one still running.
 */
export function segmentIndexAt(segs: readonly { start: number; end: number }[], t: number): number {
  let lo = 0;
  let hi = segs.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid]!.start <= t) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Walk back over overlapping segments that have already ended (overlapping speech is rare and
  // local: a bounded look-back keeps a playhead in a gap O(log n)).
  for (let i = last; i >= 0 && i > last - 32; i--) if (t < segs[i]!.end) return i;
  return -1;
}
