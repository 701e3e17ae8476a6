import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePeaks, encodePeaks } from '../../../server/media/peaks-format.ts';
import {
  chooseLevel,
  computePeaks,
  computeWavPeaks,
  ensurePeaks,
  peaksForRange,
  type Peaks,
} from '../../../server/media/peaks.ts';
import { probeMedia } from '../../../server/media/probe.ts';
import { expectedMono, testSignal, writeWav } from './wav-writer.ts';

const DEMO = join(import.meta.dirname, '../../fixtures/media/demo');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concord-peaks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The spec, computed directly: min/max of float32 mono over `span` samples, ×127, floor/ceil. */
function expectedLevel(mono: number[], span: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < mono.length; i += span) {
    const block = mono.slice(i, i + span);
    out.push(Math.floor(Math.min(...block) * 127), Math.ceil(Math.max(...block) * 127));
  }
  return out.map((v) => Math.max(-127, Math.min(127, v)));
}

describe('waveform peaks', () => {
  it('match peaks computed independently from a known stereo s16 WAV, at every level', async () => {
    // 40 s at 8 kHz = 320 000 samples = 1250 level-0 peaks → levels of 1250 and 625 pairs.
    const frames = testSignal('s16', 2, 320_000, 8000);
    const path = join(dir, 'known.wav');
    await writeFile(path, writeWav({ format: 's16', channels: 2, sampleRate: 8000, frames }));
    const mono = frames.map((f) => expectedMono('s16', f));

    const peaks = await computeWavPeaks(path);
    expect(peaks).toMatchObject({ sampleRate: 8000, samplesPerPeak: 256, sampleCount: 320_000 });
    expect(peaks.levels.map((l) => l.length / 2)).toEqual([1250, 625]);
    expect(Array.from(peaks.levels[0])).toEqual(expectedLevel(mono, 256));
    // Level 1 from the raw samples over 512-sample spans, not from level 0.
    expect(Array.from(peaks.levels[1])).toEqual(expectedLevel(mono, 512));
  });

  it('handle a final partial peak and odd pair counts when halving', async () => {
    // 1001 peaks' worth + 100 samples → 1002 level-0 pairs (last partial) → level 1 has 501.
    const n = 1001 * 256 + 100;
    const frames = testSignal('f32', 1, n, 22050);
    const path = join(dir, 'partial.wav');
    await writeFile(path, writeWav({ format: 'f32', channels: 1, sampleRate: 22050, frames }));
    const mono = frames.map((f) => expectedMono('f32', f));
    const peaks = await computeWavPeaks(path);
    expect(peaks.levels.map((l) => l.length / 2)).toEqual([1002, 501]);
    expect(Array.from(peaks.levels[0])).toEqual(expectedLevel(mono, 256));
    expect(Array.from(peaks.levels[1])).toEqual(expectedLevel(mono, 512));
  });

  it('agree between the ffmpeg path and the built-in WAV decoder on the demo speech', async () => {
    const path = join(DEMO, 'speech.wav');
    const info = await probeMedia(path);
    const viaFfmpeg = await computePeaks(path, info);
    const viaWav = await computeWavPeaks(path);
    expect(viaFfmpeg.sampleRate).toBe(viaWav.sampleRate);
    expect(viaFfmpeg.sampleCount).toBe(viaWav.sampleCount);
    expect(viaFfmpeg.levels.map((l) => l.length)).toEqual(viaWav.levels.map((l) => l.length));
    for (const [k, level] of viaWav.levels.entries()) {
      const worst = level.reduce((m, v, i) => Math.max(m, Math.abs(v - viaFfmpeg.levels[k][i])), 0);
      expect(worst).toBeLessThanOrEqual(1); // one quantisation step
    }
    // Not trivially equal because both are silent: the dialogue reaches a real amplitude.
    expect(Math.max(...viaWav.levels[0])).toBeGreaterThan(30);
  });

  it('are computed from the demo clip (AAC in MP4) through ffmpeg at its sample rate', async () => {
    const path = join(DEMO, 'demo.mp4');
    const peaks = await computePeaks(path, await probeMedia(path));
    expect(peaks.sampleRate).toBe(48000);
    // AAC decoders add priming/padding, so allow a frame of slack around 40.04 s.
    expect(Math.abs(peaks.sampleCount / 48000 - 40.04)).toBeLessThan(0.1);
    expect(peaks.levels[0].length / 2).toBe(Math.ceil(peaks.sampleCount / 256));
    expect(peaks.levels.at(-1)!.length / 2).toBeLessThanOrEqual(1000);
  });

  it('round-trip through the binary format and reject corrupt files', () => {
    const peaks: Peaks = {
      sampleRate: 44100,
      samplesPerPeak: 256,
      sampleCount: 2 ** 40 + 3, // beyond u32 on purpose
      levels: [Int8Array.from([-127, 127, 0, 1, -5, 5]), Int8Array.from([-127, 127, -5, 5])],
    };
    const bytes = encodePeaks(peaks);
    expect(bytes.length).toBe(28 + 2 * 4 + 6 + 4);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('CPKS');
    const back = decodePeaks(bytes);
    expect(back.sampleRate).toBe(44100);
    expect(back.samplesPerPeak).toBe(256);
    expect(back.sampleCount).toBe(2 ** 40 + 3);
    expect(back.levels.map((l) => Array.from(l))).toEqual(peaks.levels.map((l) => Array.from(l)));

    expect(() => decodePeaks(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated level 1/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0x58;
    expect(() => decodePeaks(wrongMagic)).toThrow(expect.objectContaining({ code: 'invalid_peaks' }));
    const future = bytes.slice();
    future[4] = 2;
    expect(() => decodePeaks(future)).toThrow(/unsupported version 2/);
  });

  it('pick the coarsest level with at least one peak per pixel, and slice time ranges', () => {
    // 8000 Hz / 256 = 31.25 peaks/s at level 0, 15.625 at 1, 7.8125 at 2.
    const level = (pairs: number) => Int8Array.from({ length: pairs * 2 }, (_, i) => (i % 2 ? i % 100 : -(i % 100)));
    const peaks: Peaks = {
      sampleRate: 8000,
      samplesPerPeak: 256,
      sampleCount: 4000 * 256,
      levels: [level(4000), level(2000), level(1000)],
    };
    expect(chooseLevel(peaks, 100)).toBe(0); // zoomed in past level 0
    expect(chooseLevel(peaks, 31.25)).toBe(0);
    expect(chooseLevel(peaks, 20)).toBe(0); // level 1 would give 15.625 < 20 peaks/s
    expect(chooseLevel(peaks, 15.625)).toBe(1);
    expect(chooseLevel(peaks, 8)).toBe(1);
    expect(chooseLevel(peaks, 7.8)).toBe(2);
    expect(chooseLevel(peaks, 1)).toBe(2);

    const slice = peaksForRange(peaks, 1, 2, 4); // 15.625 pairs/s → pairs 31 … 62 (ceil 62.5 = 63)
    expect(slice).toMatchObject({ level: 1, startIndex: 31, peaksPerSecond: 15.625 });
    expect(slice.data.length).toBe((63 - 31) * 2);
    expect(Array.from(slice.data.subarray(0, 2))).toEqual([peaks.levels[1][62], peaks.levels[1][63]]);
    expect(peaksForRange(peaks, 2, 100, 10_000).data.length).toBe((1000 - 781) * 2); // clamped to the end
    expect(() => peaksForRange(peaks, 3, 0, 1)).toThrow(expect.objectContaining({ code: 'invalid_range' }));
    expect(() => peaksForRange(peaks, 0, 5, 1)).toThrow(expect.objectContaining({ code: 'invalid_range' }));
  });

  it('are computed once and then read from the stored file', async () => {
    const path = join(dir, 'once.wav');
    await writeFile(
      path,
      writeWav({ format: 's16', channels: 1, sampleRate: 8000, frames: testSignal('s16', 1, 5000, 8000) }),
    );
    const info = await probeMedia(path);
    const peaksPath = join(dir, 'once.peaks');
    const [a, b] = await Promise.all([ensurePeaks(path, info, peaksPath), ensurePeaks(path, info, peaksPath)]);
    expect(b).toBe(a); // concurrent callers share one computation
    const stored = await readFile(peaksPath);
    expect(Array.from(decodePeaks(stored).levels[0])).toEqual(Array.from(a.levels[0]));
    const before = (await stat(peaksPath)).mtimeMs;
    await rm(path); // the media is gone: only the stored peaks can answer now
    const again = await ensurePeaks(path, info, peaksPath);
    expect(Array.from(again.levels[0])).toEqual(Array.from(a.levels[0]));
    expect((await stat(peaksPath)).mtimeMs).toBe(before);
  });

  it('without ffmpeg: WAV via the built-in decoder, other formats → tool_missing naming ffmpeg', async () => {
    const path = join(DEMO, 'speech.wav');
    const info = await probeMedia(path);
    const noFfmpeg = { ffmpegPath: '/nonexistent/ffmpeg' };
    const peaks = await computePeaks(path, info, noFfmpeg);
    expect(Array.from(peaks.levels[0])).toEqual(Array.from((await computeWavPeaks(path)).levels[0]));
    const mp4 = join(DEMO, 'demo.mp4');
    await expect(computePeaks(mp4, await probeMedia(mp4), noFfmpeg)).rejects.toMatchObject({
      code: 'tool_missing',
      message: expect.stringContaining('ffmpeg is not installed'),
    });
  });
});
