import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MediaError } from './errors.ts';
import { isToolAvailable, runTool, toolPath, type ToolPaths } from './tools.ts';
import { looksLikeWav, readWavFormat } from './wav.ts';

/** An exact frame rate; NTSC is {num: 30000, den: 1001}, never 29.97. */
export interface Rational {
  num: number;
  den: number;
}

/** What the server knows about a media file after probing. */
export interface MediaInfo {
  kind: 'video' | 'audio' | 'text';
  /** ffprobe's format name (e.g. "mov,mp4,m4a,3gp,3g2,mj2", "wav"), or "text". */
  container: string;
  /** Seconds; 0 for text. */
  durationSec: number;
  frameRate: Rational | null;
  frameCount: number | null;
  width: number | null;
  height: number | null;
  sampleRate: number | null;
  channels: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  /** Unicode code points, for text media only. */
  characters: number | null;
}

/** Extensions imported as text documents (transcripts, notes). */
export const TEXT_EXTENSIONS = new Set(['.txt', '.vtt', '.srt', '.json']);

const empty: Omit<MediaInfo, 'kind' | 'container' | 'durationSec'> = {
  frameRate: null,
  frameCount: null,
  width: null,
  height: null,
  sampleRate: null,
  channels: null,
  videoCodec: null,
  audioCodec: null,
  characters: null,
};

async function probeText(path: string): Promise<MediaInfo> {
  const bytes = await readFile(path);
  let text: string;
  try {
    // fatal: a Latin-1 or binary file must be refused, not silently filled with U+FFFD.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (cause) {
    throw new MediaError('unsupported_media', `${path}: text media must be valid UTF-8`, { cause });
  }
  let characters = 0;
  for (const _ of text) characters++;
  return { ...empty, kind: 'text', container: 'text', durationSec: 0, characters };
}

async function probeWav(path: string): Promise<MediaInfo> {
  const f = await readWavFormat(path);
  return {
    ...empty,
    kind: 'audio',
    container: 'wav',
    durationSec: f.durationSec,
    sampleRate: f.sampleRate,
    channels: f.channels,
    audioCodec: f.encoding,
  };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Parses ffprobe's "30000/1001"; null for "0/0" and garbage. */
export function parseRational(raw: unknown): Rational | null {
  if (typeof raw !== 'string') return null;
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (!m) return null;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (num === 0 || den === 0) return null;
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/**
 * r_frame_rate is the exact nominal rate for constant-rate video, but for variable-rate files it
 * degenerates to the time base (e.g. 90000/1); avg_frame_rate is then the honest figure.
 */
export function chooseFrameRate(rFrameRate: unknown, avgFrameRate: unknown): Rational | null {
  const r = parseRational(rFrameRate);
  const avg = parseRational(avgFrameRate);
  if (r && avg) {
    const rv = r.num / r.den;
    const av = avg.num / avg.den;
    return Math.abs(rv - av) / av < 0.01 ? r : avg;
  }
  return r ?? avg;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  duration?: string;
  disposition?: { attached_pic?: number };
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: FfprobeStream[];
}

function num(raw: string | number | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Turns `ffprobe -show_format -show_streams` JSON into {@link MediaInfo}. */
export function fromFfprobe(path: string, out: FfprobeOutput): MediaInfo {
  const streams = out.streams ?? [];
  // Cover art in MP3/M4A is a one-frame "video" stream; it does not make the file a video.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!video && !audio) {
    throw new MediaError('unsupported_media', `${path}: no audio or video stream found`);
  }
  const durationSec = num(out.format?.duration) ?? num(video?.duration) ?? num(audio?.duration) ?? 0;
  const frameRate = video ? chooseFrameRate(video.r_frame_rate, video.avg_frame_rate) : null;
  const frames = num(video?.nb_frames);
  return {
    ...empty,
    kind: video ? 'video' : 'audio',
    container: out.format?.format_name ?? 'unknown',
    durationSec,
    frameRate,
    frameCount: frames && frames > 0 ? frames : null,
    width: video?.width ?? null,
    height: video?.height ?? null,
    sampleRate: num(audio?.sample_rate),
    channels: audio?.channels ?? null,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
  };
}

async function sniff(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(12);
    const { bytesRead } = await file.read(buffer, 0, 12, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * Probes a media file. Text (.txt/.vtt/.srt/.json) and WAV never need external tools; everything
 * else needs ffprobe, and its absence is a `tool_missing` error naming it.
 */
export async function probeMedia(path: string, options: ToolPaths = {}): Promise<MediaInfo> {
  if (TEXT_EXTENSIONS.has(extname(path).toLowerCase())) return probeText(path);
  const isWav = looksLikeWav(await sniff(path));
  const ffprobe = toolPath('ffprobe', options);
  if (!(await isToolAvailable(ffprobe))) {
    if (isWav) return probeWav(path);
    throw new MediaError(
      'tool_missing',
      'ffprobe is not installed; install ffmpeg (apt-get install ffmpeg) to probe video; ' +
        'WAV and plain text work without it',
    );
  }
  let stdout: string;
  try {
    ({ stdout } = await runTool(
      ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', path],
      30_000,
    ));
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr?.trim();
    throw new MediaError('probe_failed', `ffprobe could not read ${path}${stderr ? `: ${stderr}` : ''}`, { cause });
  }
  return fromFfprobe(path, JSON.parse(stdout) as FfprobeOutput);
}
