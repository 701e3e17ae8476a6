import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaError } from './errors.ts';

export interface IngestOptions {
  /** Uploads larger than this abort with `too_large`; nothing is kept. */
  maxBytes: number;
  /** Original name; only its extension is used (sanitised), the content hash names the file. */
  filename: string;
}

export interface StoredMedia {
  sha256: string;
  bytes: number;
  ext: string;
  path: string;
}

/** Lower-case alphanumeric extension of an untrusted filename, or "bin". */
export function safeExtension(filename: string): string {
  const ext = extname(filename).slice(1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(ext) ? ext : 'bin';
}

/**
 * Content-addressed media folder: `<root>/media/<sha256>.<ext>`, peaks beside it as
 * `<sha256>.peaks`. Identical uploads share one file; names never come from user input.
 */
export class MediaStore {
  readonly dir: string;
  private readonly tempDir: string;

  constructor(root: string) {
    this.dir = join(root, 'media');
    // Temp files live inside the media folder so the final rename never crosses filesystems.
    this.tempDir = join(this.dir, '.incoming');
  }

  pathFor(sha256: string, ext: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256) || !/^[a-z0-9]{1,10}$/.test(ext)) {
      throw new MediaError('unsupported_media', `invalid media id ${sha256}.${ext}`);
    }
    return join(this.dir, `${sha256}.${ext}`);
  }

  peaksPathFor(sha256: string): string {
    return this.pathFor(sha256, 'peaks');
  }

  /**
   * Streams an upload to disk while hashing it, enforcing `maxBytes` as bytes arrive (so an
   * oversized upload is cut off, not buffered), then renames it to its content address. On any
   * failure the temp file is removed and the source stream destroyed.
   */
  async ingest(source: Readable, options: IngestOptions): Promise<StoredMedia> {
    await mkdir(this.tempDir, { recursive: true });
    const temp = join(this.tempDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > options.maxBytes) {
          done(new MediaError('too_large', `upload exceeds the limit of ${options.maxBytes} bytes`));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(temp, { flags: 'wx' }));
      const sha256 = hash.digest('hex');
      const ext = safeExtension(options.filename);
      const path = this.pathFor(sha256, ext);
      await rename(temp, path); // same content → same name; replacing an identical file is harmless
      return { sha256, bytes, ext, path };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** True when the media file exists. */
  async has(sha256: string, ext: string): Promise<boolean> {
    try {
      return (await stat(this.pathFor(sha256, ext))).isFile();
    } catch {
      return false;
    }
  }
}
