import { readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { MediaError } from './errors.ts';
import { decodePeaks, encodePeaks, type Peaks } from './peaks-format.ts';
import type { MediaInfo } from './probe.ts';
import { isToolAvailable, spawnTool, toolPath, type ToolPaths } from './tools.ts';
import { decodeWavMono, readWavFormat } from './wav.ts';

export type { Peaks } from './peaks-format.ts';

/**
 * Level 0 resolution: 256 samples per peak at the file's own sample rate (≈172 peaks/s at 44.1
 * kHz, ≈188 at 48 kHz). That is finer than any sane timeline zoom (a pixel per ~5 ms) while a
 * one-hour file's level 0 stays under 1.4 MB. Using the native rate, not a fixed resampled one,
 * means the ffmpeg and built-in WAV paths see identical samples.
 */
export const BASE_SAMPLES_PER_PEAK = 256;
/** Coarser levels are added while the last one still has more pairs than this. */
export const COARSEST_MAX_PEAKS = 1000;

function quantiseMin(x: number): number {
  return Math.max(-127, Math.min(127, Math.floor(x * 127)));
}
function quantiseMax(x: number): number {
  return Math.max(-127, Math.min(127, Math.ceil(x * 127)));
}

/** Accumulates level-0 peaks from a stream of mono float blocks of any size. */
export class PeakBuilder {
  private readonly pairs: number[] = [];
  private count = 0;
  private inPeak = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(private readonly samplesPerPeak = BASE_SAMPLES_PER_PEAK) {}

  /** Feeds samples; blocks need not align with peak boundaries. */
  push(samples: ArrayLike<number>): void {
    const spp = this.samplesPerPeak;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      if (s < this.min) this.min = s;
      if (s > this.max) this.max = s;
      if (++this.inPeak === spp) this.flush();
    }
    this.count += samples.length;
  }

  private flush(): void {
    this.pairs.push(quantiseMin(this.min), quantiseMax(this.max));
    this.inPeak = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  /** Closes the last partial peak and derives the coarser levels. */
  finish(sampleRate: number): Peaks {
    if (this.inPeak > 0) this.flush();
    const levels: Int8Array[] = [Int8Array.from(this.pairs)];
    let last = levels[0];
    while (last.length / 2 > COARSEST_MAX_PEAKS) {
      last = halve(last);
      levels.push(last);
    }
    return { sampleRate, samplesPerPeak: this.samplesPerPeak, sampleCount: this.count, levels };
  }
}

/** Pairwise min/max of a level; an odd last pair is carried over alone. */
export function halve(level: Int8Array): Int8Array {
  const pairs = level.length / 2;
  const out = new Int8Array(Math.ceil(pairs / 2) * 2);
  for (let i = 0; i < pairs; i += 2) {
    const j = i + 1 < pairs ? i + 1 : i;
    out[i] = Math.min(level[2 * i], level[2 * j]);
    out[i + 1] = Math.max(level[2 * i + 1], level[2 * j + 1]);
  }
  return out;
}

async function peaksWithFfmpeg(ffmpeg: string, path: string, sampleRate: number, durationSec: number): Promise<Peaks> {
  // Generous timeout: decoding runs far faster than real time, but never forever.
  const timeoutMs = 60_000 + Math.ceil(durationSec * 1000); // spawn() wants an integer
  const child = spawnTool(
    ffmpeg,
    ['-v', 'error', '-nostdin', '-i', path, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', '-'],
    timeoutMs,
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });

  const builder = new PeakBuilder();
  let carry = Buffer.alloc(0);
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    // f32 values can straddle chunk boundaries; keep the 0–3 byte tail for the next chunk.
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const usable = bytes.length - (bytes.length % 4);
    const block = new Float32Array(usable / 4);
    for (let i = 0; i < block.length; i++) block[i] = bytes.readFloatLE(i * 4);
    builder.push(block);
    carry = Buffer.from(bytes.subarray(usable));
  }
  const code = await exited;
  if (code !== 0) {
    throw new MediaError('tool_failed', `ffmpeg could not decode ${path} (exit ${code}): ${stderr.trim()}`);
  }
  return builder.finish(sampleRate);
}

async function peaksWithWavDecoder(path: string): Promise<Peaks> {
  const { sampleRate } = await readWavFormat(path);
  const builder = new PeakBuilder();
  for await (const block of decodeWavMono(path)) builder.push(block);
  return builder.finish(sampleRate);
}

/**
 * Computes peaks of a probed audio/video file: ffmpeg streams mono f32 at the file's sample rate
 * when installed; otherwise only WAV can be decoded (built-in decoder).
 */
export async function computePeaks(path: string, info: MediaInfo, tools: ToolPaths = {}): Promise<Peaks> {
  if (info.kind === 'text' || info.sampleRate === null) {
    throw new MediaError('unsupported_media', `${path}: no audio stream to compute a waveform from`);
  }
  const ffmpeg = toolPath('ffmpeg', tools);
  if (await isToolAvailable(ffmpeg)) return peaksWithFfmpeg(ffmpeg, path, info.sampleRate, info.durationSec);
  if (info.container === 'wav') return peaksWithWavDecoder(path);
  throw new MediaError(
    'tool_missing',
    'ffmpeg is not installed; install ffmpeg (apt-get install ffmpeg) to compute waveforms of ' +
      `${info.container} files; WAV works without it`,
  );
}

/** Forces the built-in WAV decoder (for tests and ffmpeg-less setups). */
export { peaksWithWavDecoder as computeWavPeaks };

const inFlight = new Map<string, Promise<Peaks>>();

/**
 * Peaks are computed once and stored next to the media: returns the stored file when present,
 * otherwise computes, writes atomically (temp + rename) and returns. Concurrent callers for the
 * same file share one computation.
 */
export function ensurePeaks(
  mediaPath: string,
  info: MediaInfo,
  peaksPath: string,
  tools: ToolPaths = {},
): Promise<Peaks> {
  const pending = inFlight.get(peaksPath);
  if (pending) return pending;
  const job = (async () => {
    try {
      return decodePeaks(await readFile(peaksPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const peaks = await computePeaks(mediaPath, info, tools);
    const temp = `${peaksPath}.${randomUUID()}.tmp`;
    await writeFile(temp, encodePeaks(peaks));
    await rename(temp, peaksPath);
    return peaks;
  })().finally(() => inFlight.delete(peaksPath));
  inFlight.set(peaksPath, job);
  return job;
}

/** Peaks (pairs) per second at a level. */
export function peaksPerSecond(peaks: Peaks, level: number): number {
  return peaks.sampleRate / (peaks.samplesPerPeak * 2 ** level);
}

/**
 * Picks the coarsest level that still has at least one peak per pixel at this zoom; when even
 * level 0 is coarser than the zoom, level 0 (the client stretches it).
 */
export function chooseLevel(peaks: Peaks, pixelsPerSecond: number): number {
  for (let k = peaks.levels.length - 1; k > 0; k--) {
    if (peaksPerSecond(peaks, k) >= pixelsPerSecond) return k;
  }
  return 0;
}

export interface PeakSlice {
  level: number;
  /** Index (in pairs) of the first pair returned; its time is startIndex / peaksPerSecond. */
  startIndex: number;
  peaksPerSecond: number;
  /** Interleaved [min, max, …] for the pairs covering [startSec, endSec). */
  data: Int8Array;
}

/** The pairs of one level covering a time range (clamped to the file); a view, not a copy. */
export function peaksForRange(peaks: Peaks, level: number, startSec: number, endSec: number): PeakSlice {
  const levelData = peaks.levels[level];
  if (!levelData) throw new MediaError('invalid_range', `no peaks level ${level} (have ${peaks.levels.length})`);
  if (!(endSec >= startSec) || startSec < 0) {
    throw new MediaError('invalid_range', `invalid time range ${startSec}–${endSec}`);
  }
  const pps = peaksPerSecond(peaks, level);
  const pairs = levelData.length / 2;
  const first = Math.min(pairs, Math.floor(startSec * pps));
  const last = Math.min(pairs, Math.ceil(endSec * pps));
  return { level, startIndex: first, peaksPerSecond: pps, data: levelData.subarray(first * 2, last * 2) };
}
