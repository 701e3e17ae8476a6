import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWavMono, readWavFormat } from '../../../server/media/wav.ts';
import { expectedMono, testSignal, writeWav, type SampleFormat, type WavSpec } from './wav-writer.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concord-wav-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function decodeAll(path: string, blockFrames?: number): Promise<number[]> {
  const out: number[] = [];
  for await (const block of decodeWavMono(path, { blockFrames })) out.push(...block);
  return out;
}

const cases: { format: SampleFormat; channels: number; extensible: boolean; encoding: string }[] = [
  { format: 'u8', channels: 1, extensible: false, encoding: 'pcm_u8' },
  { format: 's16', channels: 2, extensible: false, encoding: 'pcm_s16le' },
  { format: 's24', channels: 2, extensible: true, encoding: 'pcm_s24le' },
  { format: 's32', channels: 3, extensible: false, encoding: 'pcm_s32le' },
  { format: 'f32', channels: 2, extensible: false, encoding: 'pcm_f32le' },
  { format: 'f32', channels: 6, extensible: true, encoding: 'pcm_f32le' },
];

describe('built-in WAV decoder', () => {
  for (const c of cases) {
    it(`decodes ${c.format} × ${c.channels}ch${c.extensible ? ' (extensible)' : ''} to the channel average`, async () => {
      const frames = testSignal(c.format, c.channels, 3001, 8000);
      const path = await file(
        `${c.format}-${c.channels}-${c.extensible}.wav`,
        writeWav({ ...c, sampleRate: 8000, frames }),
      );
      const fmt = await readWavFormat(path);
      expect(fmt).toMatchObject({ encoding: c.encoding, channels: c.channels, sampleRate: 8000, frameCount: 3001 });
      expect(fmt.durationSec).toBeCloseTo(3001 / 8000, 12);
      // Small blocks make frames straddle block boundaries.
      const samples = await decodeAll(path, 257);
      expect(samples).toEqual(frames.map((f) => expectedMono(c.format, f)));
    });
  }

  it('maps full scale as documented (u8 0 → −1, s16 −32768 → −1, s16 32767 → 32767/32768)', async () => {
    const u8 = await file(
      'u8-scale.wav',
      writeWav({ format: 'u8', channels: 1, sampleRate: 8000, frames: [[0], [128], [255]] }),
    );
    expect(await decodeAll(u8)).toEqual([-1, 0, 127 / 128]);
    const s16 = await file(
      's16-scale.wav',
      writeWav({ format: 's16', channels: 1, sampleRate: 8000, frames: [[-32768], [0], [32767]] }),
    );
    expect(await decodeAll(s16)).toEqual([-1, 0, Math.fround(32767 / 32768)]);
  });

  it('skips extra chunks with odd sizes (pad byte) and tolerates an unknown data size', async () => {
    const frames = [[1000], [-2000], [3000], [-4000], [5000]];
    const spec: WavSpec = {
      format: 's16',
      channels: 1,
      sampleRate: 16000,
      frames,
      extraChunks: [
        { id: 'LIST', body: Buffer.from('INFOISFT\x05\x00\x00\x00odd!!', 'latin1') }, // 17 bytes: odd
        { id: 'fact', body: Buffer.alloc(3, 7) },
      ],
      unknownDataSize: true,
    };
    const path = await file('chunks.wav', writeWav(spec));
    expect((await readWavFormat(path)).frameCount).toBe(5);
    expect(await decodeAll(path)).toEqual(frames.map(([v]) => v / 32768));
  });

  it('drops a trailing partial frame of a truncated file', async () => {
    const whole = writeWav({
      format: 's16',
      channels: 2,
      sampleRate: 8000,
      frames: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    const path = await file('truncated.wav', whole.subarray(0, whole.length - 3));
    expect((await readWavFormat(path)).frameCount).toBe(2);
    expect(await decodeAll(path)).toEqual([1.5 / 32768, 3.5 / 32768]);
  });

  it('refuses non-PCM formats, odd bit depths and non-WAV files with unsupported_media', async () => {
    const adpcm = writeWav({ format: 's16', channels: 1, sampleRate: 8000, frames: [[0]] });
    adpcm.writeUInt16LE(2, 20); // MS ADPCM
    await expect(readWavFormat(await file('adpcm.wav', adpcm))).rejects.toMatchObject({
      code: 'unsupported_media',
      message: expect.stringContaining('format tag 0x2'),
    });
    const twelve = writeWav({ format: 's16', channels: 1, sampleRate: 8000, frames: [[0]] });
    twelve.writeUInt16LE(12, 34);
    await expect(readWavFormat(await file('12bit.wav', twelve))).rejects.toMatchObject({ code: 'unsupported_media' });
    await expect(readWavFormat(await file('text.wav', Buffer.from('hello world, not a wav')))).rejects.toMatchObject({
      code: 'unsupported_media',
      message: expect.stringContaining('not a RIFF/WAVE'),
    });
    const noData = writeWav({ format: 's16', channels: 1, sampleRate: 8000, frames: [] }).subarray(0, 36);
    await expect(readWavFormat(await file('nodata.wav', noData))).rejects.toMatchObject({
      message: expect.stringContaining('no data chunk'),
    });
  });
});
