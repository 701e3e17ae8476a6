import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseFrameRate, parseRational, probeMedia } from '../../../server/media/probe.ts';
import { writeWav } from './wav-writer.ts';

const DEMO = join(import.meta.dirname, '../../fixtures/media/demo');
const NO_FFPROBE = { ffprobePath: '/nonexistent/bin/ffprobe' };

interface DemoScript {
  durationSec: number;
  frameRate: { num: number; den: number };
  frameCount: number;
  audio: { sampleRate: number; channels: number };
  speechWav: { sampleRate: number; channels: number };
}
let script: DemoScript;
let dir: string;
beforeAll(async () => {
  script = JSON.parse(await readFile(join(DEMO, 'demo.json'), 'utf8')) as DemoScript;
  dir = await mkdtemp(join(tmpdir(), 'concord-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('probeMedia', () => {
  it('probes the demo clip with ffprobe: exact rational frame rate, size, audio as made', async () => {
    const info = await probeMedia(join(DEMO, 'demo.mp4'));
    expect(info.kind).toBe('video');
    expect(info.container).toContain('mp4');
    expect(Math.abs(info.durationSec - script.durationSec)).toBeLessThan(0.1);
    expect(info.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(info.frameRate).toEqual(script.frameRate);
    expect(info.frameCount).toBe(script.frameCount);
    expect([info.width, info.height]).toEqual([640, 360]);
    expect(info.sampleRate).toBe(script.audio.sampleRate);
    expect(info.channels).toBe(script.audio.channels);
    expect(info.videoCodec).toMatch(/^(h264|mpeg4)$/);
    expect(info.audioCodec).toBe('aac');
  });

  it('reads WAV without ffprobe, agreeing with what ffprobe says', async () => {
    const path = join(DEMO, 'speech.wav');
    const builtIn = await probeMedia(path, NO_FFPROBE);
    expect(builtIn).toMatchObject({
      kind: 'audio',
      container: 'wav',
      sampleRate: script.speechWav.sampleRate,
      channels: script.speechWav.channels,
      audioCodec: 'pcm_u8',
      frameRate: null,
    });
    const viaFfprobe = await probeMedia(path);
    expect(viaFfprobe).toMatchObject({
      kind: 'audio',
      container: 'wav',
      sampleRate: builtIn.sampleRate,
      channels: 1,
      audioCodec: 'pcm_u8',
    });
    expect(builtIn.durationSec).toBeCloseTo(viaFfprobe.durationSec, 3);
    expect(Math.abs(builtIn.durationSec - script.durationSec)).toBeLessThan(0.01);
  });

  it('without ffprobe, refuses the MP4 with tool_missing naming ffprobe', async () => {
    await expect(probeMedia(join(DEMO, 'demo.mp4'), NO_FFPROBE)).rejects.toMatchObject({
      name: 'MediaError',
      code: 'tool_missing',
      message: expect.stringMatching(/^ffprobe is not installed.*WAV and plain text work without it$/),
    });
  });

  it('treats transcripts as text (no tools), counting code points, and refuses invalid UTF-8', async () => {
    const vtt = await probeMedia(join(DEMO, 'demo.vtt'), NO_FFPROBE);
    expect(vtt).toMatchObject({ kind: 'text', container: 'text', durationSec: 0, frameRate: null });
    const notes = join(dir, 'notes.txt');
    await writeFile(notes, '\uFEFFnaïve 🎬\n');
    expect((await probeMedia(notes, NO_FFPROBE)).characters).toBe(8); // BOM dropped; 🎬 (two UTF-16 units) counts once
    const latin1 = join(dir, 'latin1.txt');
    await writeFile(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
    await expect(probeMedia(latin1)).rejects.toMatchObject({ code: 'unsupported_media' });
  });

  it('reports probe_failed for garbage and unsupported_media for a stream-less file', async () => {
    const junk = join(dir, 'junk.mp4');
    await writeFile(junk, Buffer.alloc(4096, 0x42));
    await expect(probeMedia(junk)).rejects.toMatchObject({
      code: 'probe_failed',
      message: expect.stringContaining('ffprobe could not read'),
    });
    const silent = join(dir, 'empty.wav');
    await writeFile(silent, writeWav({ format: 's16', channels: 1, sampleRate: 8000, frames: [] }));
    expect((await probeMedia(silent, NO_FFPROBE)).durationSec).toBe(0);
  });
});

describe('frame-rate rationals', () => {
  it.each([
    ['30000/1001', { num: 30000, den: 1001 }],
    ['25/1', { num: 25, den: 1 }],
    ['50/2', { num: 25, den: 1 }],
    ['0/0', null],
    ['29.97', null],
    [undefined, null],
  ])('parseRational(%s)', (raw, expected) => {
    expect(parseRational(raw)).toEqual(expected);
  });

  it('prefers r_frame_rate when it agrees with the average, else the average (VFR)', () => {
    expect(chooseFrameRate('30000/1001', '2997/100')).toEqual({ num: 30000, den: 1001 });
    expect(chooseFrameRate('90000/1', '2997/100')).toEqual({ num: 2997, den: 100 });
    expect(chooseFrameRate('24000/1001', '0/0')).toEqual({ num: 24000, den: 1001 });
    expect(chooseFrameRate('0/0', '0/0')).toBeNull();
  });
});
