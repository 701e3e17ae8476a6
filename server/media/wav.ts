import { open, type FileHandle } from 'node:fs/promises';
import { MediaError } from './errors.ts';

/** Sample encodings the built-in decoder understands. */
export type WavEncoding = 'pcm_u8' | 'pcm_s16le' | 'pcm_s24le' | 'pcm_s32le' | 'pcm_f32le' | 'pcm_f64le';

/** What the RIFF header says about the audio; enough to probe a WAV without ffprobe. */
export interface WavFormat {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per frame (all channels of one sample instant). */
  blockAlign: number;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Usable bytes of sample data (clamped to the file, whole frames only). */
  dataBytes: number;
  frameCount: number;
  durationSec: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function unsupported(path: string, why: string): MediaError {
  return new MediaError('unsupported_media', `${path}: unsupported WAV file: ${why}`);
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function encodingOf(path: string, tag: number, bits: number): WavEncoding {
  if (tag === WAVE_FORMAT_PCM) {
    if (bits === 8) return 'pcm_u8';
    if (bits === 16) return 'pcm_s16le';
    if (bits === 24) return 'pcm_s24le';
    if (bits === 32) return 'pcm_s32le';
    throw unsupported(path, `${bits}-bit integer PCM`);
  }
  if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bits === 32) return 'pcm_f32le';
    if (bits === 64) return 'pcm_f64le';
    throw unsupported(path, `${bits}-bit float`);
  }
  throw unsupported(path, `format tag 0x${tag.toString(16)} (only PCM and IEEE float are decoded)`);
}

/** True when the first bytes are a RIFF/WAVE header (cheap sniff, no validation of the rest). */
export function looksLikeWav(head: Uint8Array): boolean {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WAVE';
}

/** Reads the chunk list of an open WAV up to the `data` chunk; see {@link readWavFormat}. */
async function parseHeader(file: FileHandle, path: string): Promise<WavFormat> {
  const fileSize = (await file.stat()).size;
  const riff = await readAt(file, 0, 12);
  if (!looksLikeWav(riff)) throw unsupported(path, 'not a RIFF/WAVE file');

  let fmt: Omit<WavFormat, 'dataOffset' | 'dataBytes' | 'frameCount' | 'durationSec'> | null = null;
  let offset = 12;
  while (offset + 8 <= fileSize) {
    const header = await readAt(file, offset, 8);
    const id = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const f = await readAt(file, body, Math.min(size, 40));
      if (f.length < 16) throw unsupported(path, 'fmt chunk too short');
      let tag = f.readUInt16LE(0);
      const channels = f.readUInt16LE(2);
      const sampleRate = f.readUInt32LE(4);
      const blockAlign = f.readUInt16LE(12);
      const bitsPerSample = f.readUInt16LE(14);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        // The real format is the first two bytes of the SubFormat GUID (offset 24 of the chunk).
        if (f.length < 26) throw unsupported(path, 'WAVE_FORMAT_EXTENSIBLE fmt chunk too short');
        tag = f.readUInt16LE(24);
      }
      const encoding = encodingOf(path, tag, bitsPerSample);
      if (channels < 1) throw unsupported(path, 'zero channels');
      if (sampleRate < 1) throw unsupported(path, 'zero sample rate');
      if (blockAlign !== (channels * bitsPerSample) / 8) {
        throw unsupported(path, `block align ${blockAlign} does not match ${channels}×${bitsPerSample} bits`);
      }
      fmt = { encoding, channels, sampleRate, bitsPerSample, blockAlign };
    } else if (id === 'data') {
      if (!fmt) throw unsupported(path, 'data chunk before fmt chunk');
      // Streamed WAVs (ffmpeg to a pipe, crashed recorders) carry 0 or 0xFFFFFFFF here, and
      // truncated files claim more than exists: the file's real extent wins.
      const available = fileSize - body;
      const claimed = size === 0 || size === 0xffffffff ? available : Math.min(size, available);
      const dataBytes = claimed - (claimed % fmt.blockAlign);
      const frameCount = dataBytes / fmt.blockAlign;
      return { ...fmt, dataOffset: body, dataBytes, frameCount, durationSec: frameCount / fmt.sampleRate };
    }
    // Chunks are word-aligned: an odd size is followed by one pad byte not counted in `size`.
    offset = body + size + (size & 1);
  }
  throw unsupported(path, fmt ? 'no data chunk' : 'no fmt chunk');
}

/** Parses the RIFF header of a WAV file (PCM 8/16/24/32-bit int, 32/64-bit float, extensible). */
export async function readWavFormat(path: string): Promise<WavFormat> {
  const file = await open(path, 'r');
  try {
    return await parseHeader(file, path);
  } finally {
    await file.close();
  }
}

/** Converts interleaved frames to mono floats in [-1, 1] by averaging the channels. */
function framesToMono(bytes: Buffer, format: WavFormat): Float32Array {
  const { channels, blockAlign, encoding } = format;
  const frames = bytes.length / blockAlign;
  const out = new Float32Array(frames);
  const width = format.bitsPerSample / 8;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = i * blockAlign + c * width;
      switch (encoding) {
        case 'pcm_u8':
          sum += (bytes[at] - 128) / 128;
          break;
        case 'pcm_s16le':
          sum += bytes.readInt16LE(at) / 32768;
          break;
        case 'pcm_s24le':
          sum += bytes.readIntLE(at, 3) / 8388608;
          break;
        case 'pcm_s32le':
          sum += bytes.readInt32LE(at) / 2147483648;
          break;
        case 'pcm_f32le':
          sum += bytes.readFloatLE(at);
          break;
        case 'pcm_f64le':
          sum += bytes.readDoubleLE(at);
          break;
      }
    }
    out[i] = sum / channels;
  }
  return out;
}

/**
 * Streams a WAV file as mono float blocks (channel average), never holding more than one block
 * of `blockFrames` frames in memory. Integer formats are scaled by their full-scale value
 * (e.g. 16-bit: /32768), so the result spans [-1, 1).
 */
export async function* decodeWavMono(
  path: string,
  options: { blockFrames?: number } = {},
): AsyncGenerator<Float32Array, void, undefined> {
  const file = await open(path, 'r');
  try {
    const format = await parseHeader(file, path);
    const blockBytes = (options.blockFrames ?? 65536) * format.blockAlign;
    const end = format.dataOffset + format.dataBytes;
    for (let position = format.dataOffset; position < end; position += blockBytes) {
      const want = Math.min(blockBytes, end - position);
      const bytes = await readAt(file, position, want);
      const whole = bytes.subarray(0, bytes.length - (bytes.length % format.blockAlign));
      if (whole.length > 0) yield framesToMono(whole, format);
      if (bytes.length < want) break; // file shrank while reading
    }
  } finally {
    await file.close();
  }
}
