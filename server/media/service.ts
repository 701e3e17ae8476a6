import { readFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { newId } from '../../shared/model/index.ts';
import { audit } from '../audit/audit.ts';
import { ApiError } from '../errors.ts';
import type { Database } from '../storage/database.ts';
import { media, taskMedia, tasks } from '../storage/schema.ts';
import { MediaError } from './errors.ts';
import { ensurePeaks, type Peaks } from './peaks.ts';
import { probeMedia, type MediaInfo } from './probe.ts';
import type { MediaStore, StoredMedia } from './store.ts';
import { parseTranscript, type Transcript } from './transcript.ts';
import type { ToolPaths } from './tools.ts';

export type MediaRow = typeof media.$inferSelect;

/** The subset of a pino/Fastify logger the service uses. */
export interface MediaLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const silent: MediaLog = { debug() {}, info() {}, warn() {} };

/** MediaError codes → the REST error catalogue (shared/errors.ts). */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof MediaError)) return error;
  switch (error.code) {
    case 'tool_missing':
      return new ApiError('ToolMissing', error.message);
    case 'tool_failed':
    case 'invalid_transcript':
      return new ApiError('MediaProcessingFailed', error.message);
    case 'unsupported_media':
    case 'probe_failed':
      // ffprobe refusing a file means it is not audio or video we can read.
      return new ApiError('UnsupportedMedia', error.message);
    case 'too_large':
      return new ApiError('PayloadTooLarge', error.message);
    case 'invalid_range':
      return new ApiError('ValidationFailed', error.message);
    case 'invalid_peaks':
      return new ApiError('InternalError', error.message);
  }
}

/** Browser-facing Content-Type from what the probe found (the client's claim is never trusted). */
export function contentTypeFor(info: MediaInfo, ext: string): string {
  if (info.kind === 'text') {
    if (ext === 'vtt') return 'text/vtt; charset=utf-8';
    if (ext === 'json') return 'application/json; charset=utf-8';
    return 'text/plain; charset=utf-8';
  }
  const video = info.kind === 'video';
  const formats = info.container.split(',');
  if (formats.includes('mp4') || formats.includes('mov')) {
    if (ext === 'mov' || ext === 'qt') return 'video/quicktime';
    return video ? 'video/mp4' : 'audio/mp4';
  }
  if (formats.includes('webm') || formats.includes('matroska')) {
    if (ext === 'mkv') return 'video/x-matroska';
    return video ? 'video/webm' : 'audio/webm';
  }
  if (formats.includes('ogg')) return video ? 'video/ogg' : 'audio/ogg';
  if (formats.includes('wav')) return 'audio/wav';
  if (formats.includes('mp3')) return 'audio/mpeg';
  if (formats.includes('flac')) return 'audio/flac';
  if (formats.includes('aac')) return 'audio/aac';
  if (formats.includes('avi')) return 'video/x-msvideo';
  if (formats.includes('mpegts')) return 'video/mp2t';
  return 'application/octet-stream';
}

/** A display name from an untrusted upload filename: last path segment, no control characters. */
export function cleanFilename(raw: string | undefined, ext: string): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' ? `upload.${ext}` : [...clean].slice(0, 255).join('');
}

/** The API representation of a media row. */
export function mediaView(row: MediaRow) {
  return {
    id: row.id,
    projectId: row.projectId,
    filename: row.filename,
    kind: row.kind,
    contentType: row.contentType,
    bytes: row.bytes,
    sha256: row.sha256,
    info: row.info,
    hasPeaks: row.hasPeaks !== 'none',
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Serialises async work per key (a content hash): uploads and deletes of the same bytes. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export interface UploadInput {
  projectId: string;
  actorId: string | null;
  /** The client's filename: its extension decides text vs. binary probing, the rest is shown. */
  filename: string;
  source: Readable;
  maxBytes: number;
  /** Bytes expected (Content-Length), for progress logging of large uploads; optional. */
  expectedBytes?: number;
  /** True when the transport cut the file off at its own limit (multipart `file.truncated`). */
  truncated?: () => boolean;
  /** The request's logger (progress and outcome lines carry its request id). */
  log?: MediaLog;
  /**
   * What a probe of these exact bytes returned on another machine (the demo's video), used only
   * when ffprobe is missing here: the app then starts with its demo on a machine without ffmpeg.
   * Peaks are left to be computed on first request (unavailable without ffmpeg).
   */
  recorded?: { sha256: string; info: MediaInfo };
}

/** Uploads at least this large log their progress at debug level. */
const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

/**
 * The database-facing media operations: upload (store → probe → transcript check → peaks → row +
 * audit, all or nothing), delete, peaks and transcripts. Files are content-addressed and may be
 * shared by several rows (the same clip in two projects); a file is removed only when no row
 * names it any more. One lock per content hash keeps an upload and a delete of the same bytes
 * from interleaving (one server process owns DATA_DIR).
 */
export class MediaService {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly db: Database,
    readonly store: MediaStore,
    private readonly tools: ToolPaths = {},
    private readonly log: MediaLog = silent,
  ) {}

  pathOf(row: Pick<MediaRow, 'sha256' | 'ext'>): string {
    return this.store.pathFor(row.sha256, row.ext);
  }

  async get(id: string): Promise<MediaRow | undefined> {
    const [row] = await this.db.select().from(media).where(eq(media.id, id));
    return row;
  }

  /**
   * Up to `limit` + 1 media rows of a project, newest first; `after` is the keyset condition on
   * (createdAt, id) of the page before (routes/api/pagination.ts).
   */
  async list(projectId: string, limit: number, after: SQL | undefined, kind?: MediaInfo['kind']): Promise<MediaRow[]> {
    return this.db
      .select()
      .from(media)
      .where(and(eq(media.projectId, projectId), kind ? eq(media.kind, kind) : undefined, after))
      .orderBy(desc(media.createdAt), desc(media.id))
      .limit(limit + 1);
  }

  /** Streams the upload to disk, then processes it; see the class comment. Throws ApiError. */
  async upload(input: UploadInput): Promise<MediaRow> {
    let stored: StoredMedia;
    try {
      stored = await this.store.ingest(this.withProgress(input), {
        maxBytes: input.maxBytes,
        filename: input.filename,
      });
    } catch (error) {
      throw toApiError(error);
    }
    return this.lock.run(stored.sha256, async () => {
      try {
        if (input.truncated?.()) {
          throw new ApiError('PayloadTooLarge', `upload exceeds the limit of ${input.maxBytes} bytes`);
        }
        // A concurrent delete of the same bytes may have removed the file before we got the lock.
        if (!(await this.store.has(stored.sha256, stored.ext))) {
          throw new ApiError('MediaProcessingFailed', 'the uploaded file was removed concurrently; upload it again');
        }
        const row = await this.process(input, stored);
        (input.log ?? this.log).info(
          { mediaId: row.id, kind: row.kind, bytes: row.bytes, sha256: row.sha256, hasPeaks: row.hasPeaks },
          'media uploaded',
        );
        return row;
      } catch (error) {
        await this.discardUnused(stored.sha256, stored.ext);
        throw toApiError(error);
      }
    });
  }

  private async process(input: UploadInput, stored: StoredMedia): Promise<MediaRow> {
    const recorded = input.recorded?.sha256 === stored.sha256 ? input.recorded.info : null;
    let info: MediaInfo;
    let probed = true;
    try {
      info = await probeMedia(stored.path, this.tools);
    } catch (error) {
      if (!(recorded && error instanceof MediaError && error.code === 'tool_missing')) throw error;
      (input.log ?? this.log).warn(
        { sha256: stored.sha256 },
        'ffprobe missing: using the recorded probe of these bytes',
      );
      [info, probed] = [recorded, false];
    }
    if (info.kind === 'text') {
      // Refuse a broken transcript now, not when someone opens it.
      parseTranscript(await readFile(stored.path, 'utf8'), `transcript.${stored.ext}`);
    }
    const withAudio = info.kind !== 'text' && info.sampleRate !== null;
    if (withAudio && probed) await this.storedPeaks(stored.path, info, stored.sha256);
    const id = newId();
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(media)
        .values({
          id,
          projectId: input.projectId,
          filename: cleanFilename(input.filename, stored.ext),
          contentType: contentTypeFor(info, stored.ext),
          kind: info.kind,
          sha256: stored.sha256,
          ext: stored.ext,
          bytes: stored.bytes,
          info,
          hasPeaks: withAudio ? (probed ? 'yes' : 'no') : 'none',
          createdBy: input.actorId,
        })
        .returning();
      await audit(tx, {
        actorId: input.actorId,
        action: 'media.upload',
        resourceType: 'media',
        resourceId: id,
        projectId: input.projectId,
        details: { filename: row!.filename, kind: info.kind, bytes: stored.bytes, sha256: stored.sha256 },
      });
      return row!;
    });
  }

  /** Wraps the upload stream to log progress of large uploads at debug level. */
  private withProgress(input: UploadInput): Readable {
    const expected = input.expectedBytes;
    const large = expected === undefined || expected >= PROGRESS_MIN_BYTES;
    if (!large) return input.source;
    const log = input.log ?? this.log;
    const step = expected === undefined ? 64 * 1024 * 1024 : Math.max(PROGRESS_MIN_BYTES / 4, Math.ceil(expected / 10));
    const started = Date.now();
    async function* counted(source: Readable) {
      let bytes = 0;
      let next = step;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes >= next) {
          next += step;
          const percent = expected ? Math.min(100, Math.round((bytes / expected) * 100)) : undefined;
          log.debug(
            { projectId: input.projectId, bytes, expectedBytes: expected, percent, elapsedMs: Date.now() - started },
            'media upload progress',
          );
        }
        yield chunk;
      }
    }
    return Readable.from(counted(input.source), { objectMode: false });
  }

  /** Removes a media file (and its peaks) unless a row still names it. Call under the hash lock. */
  private async discardUnused(sha256: string, ext: string): Promise<void> {
    const sameFile = await this.db
      .select({ id: media.id })
      .from(media)
      .where(and(eq(media.sha256, sha256), eq(media.ext, ext)))
      .limit(1);
    if (sameFile.length === 0) await rm(this.store.pathFor(sha256, ext), { force: true });
    const sameBytes = await this.db.select({ id: media.id }).from(media).where(eq(media.sha256, sha256)).limit(1);
    if (sameBytes.length === 0) await rm(this.store.peaksPathFor(sha256), { force: true });
  }

  /** Deletes a media row (409 in_use while a task uses it) and its file when no other row shares it. */
  async remove(row: MediaRow, actorId: string | null): Promise<void> {
    await this.lock.run(row.sha256, async () => {
      await this.db.transaction(async (tx) => {
        const users = await tx
          .select({ id: tasks.id, name: tasks.name })
          .from(taskMedia)
          .innerJoin(tasks, eq(tasks.id, taskMedia.taskId))
          .where(eq(taskMedia.mediaId, row.id))
          .limit(5);
        if (users.length > 0) {
          throw new ApiError(
            'InUse',
            `media is used by task${users.length > 1 ? 's' : ''} ${users.map((t) => `"${t.name}"`).join(', ')}; ` +
              'remove it from them first',
          );
        }
        await tx.delete(media).where(eq(media.id, row.id));
        await audit(tx, {
          actorId,
          action: 'media.delete',
          resourceType: 'media',
          resourceId: row.id,
          projectId: row.projectId,
          details: { filename: row.filename, kind: row.kind, sha256: row.sha256 },
        });
      });
      await this.discardUnused(row.sha256, row.ext);
    });
  }

  /**
   * The stored peaks of a media row; computed (once) when the row has none yet. Null when the
   * media has no audio (text, silent video).
   */
  async peaks(row: MediaRow): Promise<Peaks | null> {
    if (row.hasPeaks === 'none' || row.kind === 'text' || row.info.sampleRate === null) return null;
    let peaks: Peaks;
    try {
      peaks = await this.storedPeaks(this.pathOf(row), row.info, row.sha256);
    } catch (error) {
      throw toApiError(error);
    }
    if (row.hasPeaks !== 'yes') await this.db.update(media).set({ hasPeaks: 'yes' }).where(eq(media.id, row.id));
    return peaks;
  }

  /** ensurePeaks, except that a damaged peaks file is recomputed from the media (once). */
  private async storedPeaks(path: string, info: MediaInfo, sha256: string): Promise<Peaks> {
    const peaksPath = this.store.peaksPathFor(sha256);
    try {
      return await ensurePeaks(path, info, peaksPath, this.tools);
    } catch (error) {
      if (!(error instanceof MediaError && error.code === 'invalid_peaks')) throw error;
      this.log.warn({ sha256, err: error }, 'stored peaks unreadable; recomputing');
      await rm(peaksPath, { force: true });
      return ensurePeaks(path, info, peaksPath, this.tools);
    }
  }

  /** A text media file parsed as a transcript; null for audio/video. */
  async transcript(row: MediaRow): Promise<Transcript | null> {
    if (row.kind !== 'text') return null;
    try {
      return parseTranscript(await readFile(this.pathOf(row), 'utf8'), `transcript.${row.ext}`);
    } catch (error) {
      throw toApiError(error);
    }
  }
}
