import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTimestamp, parseTranscript } from '../../../server/media/transcript.ts';

const DEMO = join(import.meta.dirname, '../../fixtures/media/demo');

describe('transcript import', () => {
  it.each([
    ['00:00:01.000', 1],
    ['01:02:03.456', 3723.456],
    ['02:03.5', 123.5],
    ['00:00:07,250', 7.25],
    ['100:00:00.001', 360000.001],
    ['00:61:00.000', null],
    ['1.5', null],
    ['', null],
  ])('parseTimestamp(%j) = %j', (raw, expected) => {
    const got = parseTimestamp(raw);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 9);
  });

  it('parses WebVTT with a BOM, CRLF, header metadata, NOTE/STYLE blocks, ids, settings and tags', () => {
    const vtt = [
      '\uFEFFWEBVTT - demo',
      'Kind: captions',
      '',
      'NOTE this is a comment',
      'spanning two lines',
      '',
      'STYLE',
      '::cue { color: lime }',
      '',
      'intro',
      '00:01.000 --> 00:04.500 align:start position:10%',
      '<v Ada>Hello &amp; <i>welcome</i></v>',
      '',
      '00:00:05.250 --> 00:00:07.000',
      'Two lines',
      'of text &lt;3',
      '',
    ].join('\r\n');
    const t = parseTranscript(vtt, 'x.vtt');
    expect(t.format).toBe('vtt');
    expect(t.segments).toEqual([
      { start: 1, end: 4.5, text: 'Hello & welcome', speaker: 'Ada' },
      { start: 5.25, end: 7, text: 'Two lines\nof text <3' },
    ]);
  });

  it('parses SRT with a BOM, CRLF, comma decimals and formatting tags', () => {
    const srt =
      '\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>First</i> line\r\n\r\n2\r\n00:00:03,100 --> 00:00:04,000\r\nSecond\r\nand more\r\n\r\n\r\n';
    const t = parseTranscript(srt, 'subs.srt');
    expect(t.format).toBe('srt');
    expect(t.segments).toEqual([
      { start: 1, end: 2.5, text: 'First line' },
      { start: 3.1, end: 4, text: 'Second\nand more' },
    ]);
    // Detected by content too, without a filename.
    expect(parseTranscript(srt).format).toBe('srt');
  });

  it('refuses cues with broken timing', () => {
    expect(() => parseTranscript('WEBVTT\n\n00:05.000 --> 00:01.000\nbackwards\n')).toThrow(
      expect.objectContaining({ code: 'invalid_transcript' }),
    );
    expect(() => parseTranscript('1\n00:00:01 --> nonsense\nx\n', 'a.srt')).toThrow(/bad cue timing/);
  });

  it('imports plain text as untimed lines and JSON segments as given', () => {
    expect(parseTranscript('\uFEFFfirst\r\n\r\n  second  \rthird').segments).toEqual([
      { start: null, end: null, text: 'first' },
      { start: null, end: null, text: 'second' },
      { start: null, end: null, text: 'third' },
    ]);
    const json = parseTranscript('{"segments":[{"start":0.5,"end":1,"text":"hi","speaker":"Ben"}]}', 't.json');
    expect(json).toEqual({ format: 'json', segments: [{ start: 0.5, end: 1, text: 'hi', speaker: 'Ben' }] });
    expect(() => parseTranscript('{"segments":[{"start":"soon","text":"x"}]}')).toThrow(/segment 0/);
  });

  it('reads the demo WebVTT back to the timings the generator placed', async () => {
    const vtt = parseTranscript(await readFile(join(DEMO, 'demo.vtt'), 'utf8'), 'demo.vtt');
    const json = JSON.parse(await readFile(join(DEMO, 'demo.json'), 'utf8')) as { segments: unknown[] };
    expect(vtt.segments).toEqual(json.segments);
    expect(vtt.segments.length).toBeGreaterThan(5);
  });
});
