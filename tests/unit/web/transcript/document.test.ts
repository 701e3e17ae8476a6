/**
 * A text medium in the workspace: cue offsets in the server's plain text (real parser output),
 * span marks per cue, and cues on the task timeline.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SpanAnnotation } from '../../../../shared/model/annotation.ts';
import { parseTranscript, transcriptText } from '../../../../server/media/transcript.ts';
import {
  cueAtOffset,
  cueAtTime,
  cuesInWindow,
  documentCues,
  marksByCue,
  spansByFirstCue,
} from '../../../../web/lib/transcript/document.ts';

const vtt = readFileSync(new URL('../../../fixtures/media/demo/demo.vtt', import.meta.url), 'utf8');
const transcript = parseTranscript(vtt, 'demo.vtt');
const text = transcriptText(transcript);
const cues = documentCues({ segments: transcript.segments, text });

function span(id: string, startOffset: number, endOffset: number): SpanAnnotation {
  return {
    id,
    kind: 'span',
    tierId: 'entities',
    label: 'product',
    attributes: {},
    entityId: null,
    relations: [],
    source: 'human',
    confidence: null,
    provenance: null,
    author: 'u',
    createdAt: 0,
    updatedAt: 0,
    startOffset,
    endOffset,
    textAnnotationId: null,
    mediaId: 'm',
  };
}

describe('documentCues', () => {
  it('places every cue at its offset in the plain text the server counts spans in', () => {
    expect(cues.length).toBe(transcript.segments.length);
    for (const c of cues) expect(text.slice(c.offset, c.offset + c.text.length)).toBe(c.text);
    expect(cues[0]!.speaker).toBe('Ada');
    expect(cues[1]!.start).toBe(5.373);
  });
  it('refuses a text that is not the cues joined by newlines', () => {
    expect(() => documentCues({ segments: transcript.segments, text: text + ' ' })).toThrow(/does not match/);
  });
});

describe('offsets and cues', () => {
  it('finds the cue of an offset (the newline after a cue belongs to it)', () => {
    const c2 = cues[2]!;
    expect(cueAtOffset(cues, c2.offset)).toBe(2);
    expect(cueAtOffset(cues, c2.offset - 1)).toBe(1);
    expect(cueAtOffset(cues, 0)).toBe(0);
    expect(cueAtOffset([], 3)).toBe(-1);
  });
  it('cuts a span into cue-local marks, across cues and clamped to the text', () => {
    const c1 = cues[1]!;
    const c2 = cues[2]!;
    const marks = marksByCue(
      cues,
      [span('in', c1.offset + 3, c1.offset + 6), span('across', c1.offset + c1.text.length - 2, c2.offset + 3)],
      () => '#f00',
    );
    expect(marks.get(1)).toEqual([
      { id: 'in', start: 3, end: 6, color: '#f00' },
      { id: 'across', start: c1.text.length - 2, end: c1.text.length, color: '#f00' },
    ]);
    expect(marks.get(2)).toEqual([{ id: 'across', start: 0, end: 3, color: '#f00' }]);
    const last = cues[cues.length - 1]!;
    const stale = marksByCue(cues, [span('stale', last.offset + 2, text.length + 50)], () => '#0f0');
    expect(stale.get(last.index)).toEqual([{ id: 'stale', start: 2, end: last.text.length, color: '#0f0' }]);
  });
  it('lists each span once, under the cue it begins in, in text order', () => {
    const c3 = cues[3]!;
    const byCue = spansByFirstCue(cues, [
      span('b', c3.offset + 9, c3.offset + 12),
      span('a', c3.offset, c3.offset + 3),
    ]);
    expect(byCue.get(3)!.map((s) => s.id)).toEqual(['a', 'b']);
    expect(byCue.size).toBe(1);
  });
});

describe('cues on the timeline', () => {
  it('shifts cues by the medium offset and keeps those in the window', () => {
    const shown = cuesInWindow(cues, 10, 15, 19);
    // Cue 0 is 1–4.573 s in the file, 11–14.573 s on the timeline: outside [15, 19].
    expect(shown.map((p) => p.cue.index)).toEqual([1, 2]);
    expect(shown[0]!.start).toBeCloseTo(15.373, 9);
  });
  it('finds the cue under the playhead, none in a gap', () => {
    expect(cueAtTime(cues, 0, 2)).toBe(0);
    expect(cueAtTime(cues, 0, 4.9)).toBe(-1);
    expect(cueAtTime(cues, 10, 12)).toBe(0);
  });
  it('skips untimed cues (plain text)', () => {
    const plain = parseTranscript('one\ntwo', 'a.txt');
    const c = documentCues({ segments: plain.segments, text: transcriptText(plain) });
    expect(c.map((x) => x.offset)).toEqual([0, 4]);
    expect(cuesInWindow(c, 0, 0, 100)).toEqual([]);
    expect(cueAtTime(c, 0, 0)).toBe(-1);
  });
});
