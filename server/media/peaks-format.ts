import { MediaError } from './errors.ts';

/**
 * Multi-resolution min/max waveform peaks.
 *
 * Level 0 holds one (min, max) pair per `samplesPerPeak` mono samples at `sampleRate`; level k
 * holds one pair per `samplesPerPeak * 2^k` samples. Values are Int8 (−127…127 ↔ −1…1): a waveform
 * is drawn a few hundred pixels tall at most, so 8 bits are visually lossless and halve the size.
 * Quantisation is conservative — min rounds down, max rounds up — so the drawn envelope never
 * hides a peak, and because floor/ceil are monotone, halving quantised levels is exact.
 */
export interface Peaks {
  sampleRate: number;
  samplesPerPeak: number;
  /** Mono samples that went in (the last peak of each level may cover fewer). */
  sampleCount: number;
  /** levels[k] = interleaved [min0, max0, min1, max1, …]. */
  levels: Int8Array[];
}

/**
 * Binary layout, little-endian ("CPKS" version 1):
 *
 *   0  char[4]  magic "CPKS"
 *   4  u16      version (1)
 *   6  u8       bits per value (8)
 *   7  u8       reserved (0)
 *   8  u32      sample rate
 *  12  u32      samples per peak at level 0
 *  16  f64      sample count (f64: exact to 2^53, u32 would overflow after 25 h at 48 kHz)
 *  24  u16      level count L
 *  26  u16      reserved (0)
 *  28  u32[L]   peaks (pairs) per level
 *  ..  int8     level 0 pairs, then level 1, …
 */
export const PEAKS_MAGIC = 'CPKS';
export const PEAKS_VERSION = 1;
const FIXED_HEADER = 28;

/** Serialises peaks to the CPKS v1 binary format. */
export function encodePeaks(peaks: Peaks): Uint8Array {
  const L = peaks.levels.length;
  const headerBytes = FIXED_HEADER + 4 * L;
  const total = headerBytes + peaks.levels.reduce((n, level) => n + level.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(PEAKS_MAGIC), 0);
  view.setUint16(4, PEAKS_VERSION, true);
  view.setUint8(6, 8);
  view.setUint32(8, peaks.sampleRate, true);
  view.setUint32(12, peaks.samplesPerPeak, true);
  view.setFloat64(16, peaks.sampleCount, true);
  view.setUint16(24, L, true);
  let at = headerBytes;
  peaks.levels.forEach((level, k) => {
    view.setUint32(FIXED_HEADER + 4 * k, level.length / 2, true);
    out.set(new Uint8Array(level.buffer, level.byteOffset, level.byteLength), at);
    at += level.length;
  });
  return out;
}

function invalid(why: string): MediaError {
  return new MediaError('invalid_peaks', `invalid peaks file: ${why}`);
}

/** Parses a CPKS v1 file; levels are copies, so the input buffer may be reused. */
export function decodePeaks(bytes: Uint8Array): Peaks {
  if (bytes.length < FIXED_HEADER) throw invalid('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== PEAKS_MAGIC) throw invalid('bad magic');
  const version = view.getUint16(4, true);
  if (version !== PEAKS_VERSION) throw invalid(`unsupported version ${version}`);
  if (view.getUint8(6) !== 8) throw invalid(`unsupported value width ${view.getUint8(6)}`);
  const sampleRate = view.getUint32(8, true);
  const samplesPerPeak = view.getUint32(12, true);
  const sampleCount = view.getFloat64(16, true);
  const L = view.getUint16(24, true);
  let at = FIXED_HEADER + 4 * L;
  if (bytes.length < at) throw invalid('truncated level table');
  const levels: Int8Array[] = [];
  for (let k = 0; k < L; k++) {
    const length = view.getUint32(FIXED_HEADER + 4 * k, true) * 2;
    if (at + length > bytes.length) throw invalid(`truncated level ${k}`);
    // Copy explicitly: Buffer#slice returns a view, so `.slice().buffer` could be the whole file.
    const level = new Int8Array(length);
    level.set(new Int8Array(bytes.buffer, bytes.byteOffset + at, length));
    levels.push(level);
    at += length;
  }
  if (at !== bytes.length) throw invalid('trailing bytes');
  return { sampleRate, samplesPerPeak, sampleCount, levels };
}
