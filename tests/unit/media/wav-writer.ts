/**
 * A deliberately naive WAV writer for tests, independent of server/media/wav.ts, so the decoder
 * is checked against bytes whose meaning the test spells out itself.
 */
export type SampleFormat = 'u8' | 's16' | 's24' | 's32' | 'f32';

export interface WavSpec {
  format: SampleFormat;
  channels: number;
  sampleRate: number;
  /** frames[i][c]: integer sample values for int formats (u8 raw 0–255), floats for f32. */
  frames: number[][];
  extensible?: boolean;
  /** Chunks inserted between fmt and data; odd sizes get the RIFF pad byte. */
  extraChunks?: { id: string; body: Buffer }[];
  /** Write 0xFFFFFFFF as the data size, like a WAV streamed to a pipe. */
  unknownDataSize?: boolean;
}

export const BITS: Record<SampleFormat, number> = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32 };

function chunk(id: string, body: Buffer, sizeOverride?: number): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(sizeOverride ?? body.length, 4);
  return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function writeWav(spec: WavSpec): Buffer {
  const bits = BITS[spec.format];
  const width = bits / 8;
  const blockAlign = width * spec.channels;
  const tag = spec.format === 'f32' ? 3 : 1;
  const fmt = Buffer.alloc(spec.extensible ? 40 : 16);
  fmt.writeUInt16LE(spec.extensible ? 0xfffe : tag, 0);
  fmt.writeUInt16LE(spec.channels, 2);
  fmt.writeUInt32LE(spec.sampleRate, 4);
  fmt.writeUInt32LE(spec.sampleRate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bits, 14);
  if (spec.extensible) {
    fmt.writeUInt16LE(22, 16); // cbSize
    fmt.writeUInt16LE(bits, 18); // valid bits
    fmt.writeUInt32LE(0, 20); // channel mask
    // SubFormat GUID {0000000X-0000-0010-8000-00aa00389b71}, X = the real format tag.
    fmt.writeUInt32LE(tag, 24);
    fmt.writeUInt16LE(0x0000, 28);
    fmt.writeUInt16LE(0x0010, 30);
    Buffer.from('800000aa00389b71', 'hex').copy(fmt, 32);
  }
  const data = Buffer.alloc(spec.frames.length * blockAlign);
  spec.frames.forEach((frame, i) => {
    frame.forEach((v, c) => {
      const at = i * blockAlign + c * width;
      if (spec.format === 'u8') data.writeUInt8(v, at);
      else if (spec.format === 's16') data.writeInt16LE(v, at);
      else if (spec.format === 's24') data.writeIntLE(v, at, 3);
      else if (spec.format === 's32') data.writeInt32LE(v, at);
      else data.writeFloatLE(v, at);
    });
  });
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    ...(spec.extraChunks ?? []).map((c) => chunk(c.id, c.body)),
    chunk('data', data, spec.unknownDataSize ? 0xffffffff : undefined),
  ]);
  return Buffer.concat([chunk('RIFF', Buffer.alloc(0), body.length).subarray(0, 8), body]);
}

/** Full-scale divisor and offset per format: value = (raw - offset) / scale. */
export function toFloat(format: SampleFormat, raw: number): number {
  switch (format) {
    case 'u8':
      return (raw - 128) / 128;
    case 's16':
      return raw / 32768;
    case 's24':
      return raw / 8388608;
    case 's32':
      return raw / 2147483648;
    case 'f32':
      return Math.fround(raw);
  }
}

/** Expected mono float32 value of a frame: channel average, stored as float32. */
export function expectedMono(format: SampleFormat, frame: number[]): number {
  return Math.fround(frame.reduce((s, v) => s + toFloat(format, v), 0) / frame.length);
}

/** A sine (channel 0) and a ramp (channel 1, …) in the integer range of the format. */
export function testSignal(format: SampleFormat, channels: number, frames: number, rate: number): number[][] {
  const max = { u8: 127, s16: 32767, s24: 8388607, s32: 2147483647, f32: 1 }[format];
  const out: number[][] = [];
  for (let i = 0; i < frames; i++) {
    const frame: number[] = [];
    for (let c = 0; c < channels; c++) {
      const x = c === 0 ? 0.9 * Math.sin((2 * Math.PI * 440 * i) / rate) : ((i % 1000) / 999) * 1.6 - 0.8;
      const v = format === 'f32' ? Math.fround(x) : Math.round(x * max);
      frame.push(format === 'u8' ? v + 128 : v);
    }
    out.push(frame);
  }
  return out;
}
