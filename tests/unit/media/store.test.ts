import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaStore, safeExtension } from '../../../server/media/store.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'concord-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under the media folder, temp folder included. */
async function allFiles(): Promise<string[]> {
  const entries = await readdir(join(root, 'media'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

function chunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(size, i));
}

describe('MediaStore.ingest', () => {
  it('stores the upload under its sha256 with the sanitised extension', async () => {
    const store = new MediaStore(root);
    const parts = chunks(10, 1000);
    const expected = createHash('sha256').update(Buffer.concat(parts)).digest('hex');
    const stored = await store.ingest(Readable.from(parts), { maxBytes: 10_000, filename: 'My Clip.MP4' });
    expect(stored).toEqual({
      sha256: expected,
      bytes: 10_000,
      ext: 'mp4',
      path: join(root, 'media', `${expected}.mp4`),
    });
    expect((await readFile(stored.path)).equals(Buffer.concat(parts))).toBe(true);
    expect(await allFiles()).toEqual([`${expected}.mp4`]);
    expect(await store.has(expected, 'mp4')).toBe(true);
  });

  it('deduplicates identical uploads', async () => {
    const store = new MediaStore(root);
    const a = await store.ingest(Readable.from(chunks(3, 10)), { maxBytes: 100, filename: 'a.wav' });
    const b = await store.ingest(Readable.from(chunks(3, 10)), { maxBytes: 100, filename: 'b.wav' });
    expect(b.path).toBe(a.path);
    expect(await allFiles()).toHaveLength(1);
  });

  it('aborts an oversized upload with too_large, stops reading, and leaves no files', async () => {
    const store = new MediaStore(root);
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced++;
        yield Buffer.alloc(64 * 1024, 1);
      }
    }
    await expect(
      store.ingest(Readable.from(endless()), { maxBytes: 1_000_000, filename: 'big.mp4' }),
    ).rejects.toMatchObject({
      name: 'MediaError',
      code: 'too_large',
    });
    expect(produced).toBeLessThan(40); // cut off near the limit, not read to exhaustion
    expect(await allFiles()).toEqual([]);
  });

  it('accepts exactly maxBytes and refuses one byte more', async () => {
    const store = new MediaStore(root);
    await expect(
      store.ingest(Readable.from([Buffer.alloc(100)]), { maxBytes: 100, filename: 'x.bin' }),
    ).resolves.toMatchObject({ bytes: 100 });
    await expect(
      store.ingest(Readable.from([Buffer.alloc(101)]), { maxBytes: 100, filename: 'y.bin' }),
    ).rejects.toMatchObject({ code: 'too_large' });
    expect(await allFiles()).toHaveLength(1);
  });

  it('removes the temp file when the source fails mid-way', async () => {
    const store = new MediaStore(root);
    async function* broken() {
      yield Buffer.alloc(1000);
      throw new Error('client went away');
    }
    await expect(store.ingest(Readable.from(broken()), { maxBytes: 1e6, filename: 'a.mp4' })).rejects.toThrow(
      'client went away',
    );
    expect(await allFiles()).toEqual([]);
  });

  it('never lets a filename choose the path', () => {
    expect(safeExtension('../../etc/passwd')).toBe('bin');
    expect(safeExtension('clip.tar.GZ')).toBe('gz');
    expect(safeExtension('x.mp4/..')).toBe('bin');
    expect(safeExtension('noext')).toBe('bin');
    expect(() => new MediaStore(root).pathFor('../x', 'mp4')).toThrow(
      expect.objectContaining({ code: 'unsupported_media' }),
    );
  });
});
