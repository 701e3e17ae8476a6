import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../../errors.ts';
import { chooseLevel, peaksForRange } from '../../media/peaks.ts';
import { mediaView } from '../../media/service.ts';
import { serveFile } from '../../media/serve-file.ts';
import { transcriptText } from '../../media/transcript.ts';
import { media } from '../../storage/schema.ts';
import { afterCursor, decodeCursor, page, pageQuerySchema, pageResponseSchema } from './pagination.ts';
import { authErrors, idParams, ref } from './schemas.ts';

const MEDIA_KINDS = ['video', 'audio', 'text'] as const;

const rationalSchema = {
  type: ['object', 'null'],
  required: ['num', 'den'],
  properties: { num: { type: 'integer' }, den: { type: 'integer' } },
} as const;

const mediaInfoSchema = {
  $id: 'MediaInfo',
  type: 'object',
  description: 'What the probe found (ffprobe; the built-in WAV reader; UTF-8 check for text)',
  required: ['kind', 'container', 'durationSec', 'frameRate', 'sampleRate', 'channels'],
  properties: {
    kind: { enum: MEDIA_KINDS },
    container: { type: 'string', description: 'ffprobe format name, "wav" or "text"' },
    durationSec: { type: 'number', description: 'seconds; 0 for text' },
    frameRate: { ...rationalSchema, description: 'exact frame rate as a fraction, e.g. 30000/1001' },
    frameCount: { type: ['integer', 'null'] },
    width: { type: ['integer', 'null'] },
    height: { type: ['integer', 'null'] },
    sampleRate: { type: ['integer', 'null'] },
    channels: { type: ['integer', 'null'] },
    videoCodec: { type: ['string', 'null'] },
    audioCodec: { type: ['string', 'null'] },
    characters: { type: ['integer', 'null'], description: 'Unicode code points (text only)' },
  },
} as const;

const mediaSchema = {
  $id: 'Media',
  type: 'object',
  required: [
    'id',
    'projectId',
    'filename',
    'kind',
    'contentType',
    'bytes',
    'sha256',
    'info',
    'hasPeaks',
    'createdBy',
    'createdAt',
  ],
  properties: {
    id: { type: 'string' },
    projectId: { type: 'string' },
    filename: { type: 'string', description: 'name as uploaded (display only)' },
    kind: { enum: MEDIA_KINDS },
    contentType: { type: 'string', description: 'served Content-Type, decided from the probe' },
    bytes: { type: 'integer' },
    sha256: { type: 'string', description: 'content hash; the ETag of /content' },
    info: ref('MediaInfo'),
    hasPeaks: { type: 'boolean', description: 'a waveform is available at /peaks (audio, video with sound)' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
} as const;

const peaksQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    level: { type: 'integer', minimum: 0, maximum: 64, description: '0 = finest; each level halves the rate' },
    pixelsPerSecond: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1_000_000,
      description: 'zoom of the timeline; picks the coarsest level with ≥ 1 peak per pixel (ignored if level is given)',
    },
    start: { type: 'number', minimum: 0, default: 0, description: 'seconds' },
    end: { type: 'number', minimum: 0, description: 'seconds (default: the end of the file)' },
    format: {
      enum: ['json', 'binary'],
      default: 'json',
      description: 'binary: the Int8 pairs as application/octet-stream, the numbers below in X-Peaks-* headers',
    },
  },
} as const;

const peaksSchema = {
  type: 'object',
  required: [
    'level',
    'levels',
    'sampleRate',
    'samplesPerPeak',
    'sampleCount',
    'peaksPerSecond',
    'startIndex',
    'startSec',
    'count',
    'data',
  ],
  properties: {
    level: { type: 'integer', description: 'level returned' },
    levels: { type: 'integer', description: 'levels stored (0 … levels-1)' },
    sampleRate: { type: 'integer', description: 'Hz of the audio the peaks were computed from' },
    samplesPerPeak: { type: 'integer', description: 'mono samples per pair at level 0 (level k: × 2^k)' },
    sampleCount: { type: 'integer', description: 'mono samples in the file' },
    peaksPerSecond: { type: 'number', description: 'pairs per second at this level' },
    startIndex: { type: 'integer', description: 'index of the first pair; its time is startIndex / peaksPerSecond' },
    startSec: { type: 'number' },
    count: { type: 'integer', description: 'pairs returned' },
    data: {
      type: 'array',
      items: { type: 'integer', minimum: -127, maximum: 127 },
      description: 'interleaved [min, max, min, max, …]; amplitude = value / 127 (min rounded down, max up)',
    },
  },
} as const;

const transcriptSchema = {
  type: 'object',
  required: ['mediaId', 'format', 'segments', 'text'],
  properties: {
    mediaId: { type: 'string' },
    format: { enum: ['vtt', 'srt', 'json', 'text'] },
    segments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['start', 'end', 'text'],
        properties: {
          start: { type: ['number', 'null'], description: 'seconds; null for untimed plain text' },
          end: { type: ['number', 'null'] },
          text: { type: 'string' },
          speaker: { type: 'string' },
        },
      },
    },
    text: { type: 'string', description: 'the segments’ text, one per line' },
  },
} as const;

/** Errors of the multipart parser (FST_* with a 4xx status) in the API's catalogue. */
function multipartError(error: unknown): unknown {
  const e = error as { code?: unknown; statusCode?: unknown; message?: string };
  if (error instanceof ApiError || typeof e.code !== 'string' || !e.code.startsWith('FST_')) return error;
  if (e.statusCode === 413) return new ApiError('PayloadTooLarge', e.message);
  return new ApiError('ValidationFailed', `multipart: ${e.message}`);
}

const binary = (description: string) => ({ description, type: 'string', format: 'binary' }) as const;

/**
 * Media: streaming multipart upload (probe, transcript check, waveform peaks, all at upload),
 * listing, metadata, HTTP Range streaming, peaks at a zoom level, transcripts, deletion.
 */
const mediaRoutes: FastifyPluginAsync = async (fastify) => {
  const { config } = fastify;
  const service = fastify.media;

  // Registered in this plugin's scope only: other routes keep refusing multipart bodies. Busboy
  // cuts a file off at fileSize and keeps reading (discarding) the rest of the request, so the
  // client gets a clean 413 instead of a reset connection; the service sees `truncated`.
  await fastify.register(multipart, {
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 20, parts: 21, fieldSize: 64 * 1024 },
  });
  // Any other body type reaches the handler (which says what to send) instead of Fastify's 415.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  fastify.addSchema(mediaInfoSchema);
  fastify.addSchema(mediaSchema);

  fastify.post<{ Params: { id: string } }>(
    '/api/projects/:id/media',
    {
      schema: {
        tags: ['media'],
        summary: 'Upload a media file (managers): multipart/form-data with one file part',
        description:
          'Send `multipart/form-data` with one file part (any field name); the bytes are streamed to disk ' +
          '(browsers can show progress with XMLHttpRequest upload events). Video and audio are probed with ' +
          'ffprobe (WAV works without it) and get waveform peaks; `.txt`, `.vtt`, `.srt` and `.json` files are ' +
          'transcripts and must parse. Larger than MAX_UPLOAD_BYTES → 413; unreadable → 415; a broken ' +
          'transcript → 422; ffprobe/ffmpeg missing → 501. Nothing is kept from a refused upload.',
        consumes: ['multipart/form-data'],
        params: idParams,
        response: {
          201: ref('Media'),
          400: ref('Error'),
          413: ref('Error'),
          415: ref('Error'),
          422: ref('Error'),
          501: ref('Error'),
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const { project } = await fastify.access.project(request.actor, request.params.id, 'write');
      if (!request.isMultipart()) {
        throw new ApiError('ValidationFailed', 'send the file as multipart/form-data with one file part');
      }
      const part = await request.file().catch((error: unknown) => {
        // Anything the parser refuses before the file starts is a malformed request.
        const mapped = multipartError(error);
        throw mapped instanceof ApiError ? mapped : new ApiError('ValidationFailed', `multipart: ${String(error)}`);
      });
      if (!part) throw new ApiError('ValidationFailed', 'the form has no file part');
      const length = Number(request.headers['content-length']);
      request.log.debug(
        { projectId: project.id, filename: part.filename, contentLength: length },
        'media upload started',
      );
      let row;
      try {
        row = await service.upload({
          projectId: project.id,
          actorId: request.actor.userId,
          filename: part.filename,
          source: part.file,
          maxBytes: config.maxUploadBytes,
          ...(Number.isFinite(length) ? { expectedBytes: length } : {}),
          truncated: () => part.file.truncated,
          log: request.log,
        });
      } catch (error) {
        // The rest of the request may be unread (a failed write): don't reuse the connection.
        if (!part.file.readableEnded) reply.header('connection', 'close');
        throw multipartError(error);
      }
      return reply.status(201).send(mediaView(row));
    },
  );

  fastify.get<{
    Params: { id: string };
    Querystring: { limit: number; cursor?: string; kind?: 'video' | 'audio' | 'text' };
  }>(
    '/api/projects/:id/media',
    {
      schema: {
        tags: ['media'],
        summary: 'Media of a project, newest first (members)',
        params: idParams,
        querystring: { type: 'object', properties: { ...pageQuerySchema, kind: { enum: MEDIA_KINDS } } },
        response: { 200: pageResponseSchema(ref('Media')), ...authErrors },
      },
    },
    async (request) => {
      const { project } = await fastify.access.project(request.actor, request.params.id, 'read');
      const { limit, kind } = request.query;
      const after = afterCursor(media.createdAt, media.id, decodeCursor(request.query.cursor), 'desc');
      const rows = await service.list(project.id, limit, after, kind);
      const result = page(rows, limit, (m) => ({ t: m.createdAt, id: m.id }));
      return { items: result.items.map(mediaView), nextCursor: result.nextCursor };
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/api/media/:id',
    {
      schema: {
        tags: ['media'],
        summary: 'One media file’s metadata and probe result',
        params: idParams,
        response: { 200: ref('Media'), ...authErrors },
      },
    },
    async (request) => {
      const found = await fastify.access.media(request.actor, request.params.id, 'read');
      return mediaView(found.media);
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/api/media/:id/content',
    {
      schema: {
        tags: ['media'],
        summary: 'The file, with HTTP Range support (for <video>/<audio> elements)',
        description:
          'Accept-Ranges: bytes. One range → 206 with Content-Range; several ranges are merged when close ' +
          'together, otherwise the whole file is sent (200). A range outside the file → 416 with ' +
          '`Content-Range: bytes */size`. ETag is the quoted sha256 (If-None-Match → 304, If-Range honoured).',
        params: idParams,
        response: {
          200: binary('the whole file'),
          206: binary('the requested byte range'),
          304: { description: 'not modified', type: 'null' },
          416: { description: 'range not satisfiable (empty body)', type: 'null' },
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const { media: row } = await fastify.access.media(request.actor, request.params.id, 'read');
      reply.header('X-Content-Type-Options', 'nosniff');
      try {
        return await serveFile(request, reply, service.pathOf(row), row.contentType, {
          etag: `"${row.sha256}"`,
          // The id always names the same bytes; private: access is per user.
          cacheControl: 'private, max-age=31536000, immutable',
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          request.log.error({ mediaId: row.id, sha256: row.sha256 }, 'media file missing from the store');
          throw new ApiError('NotFound', 'the media file is missing from the server’s store');
        }
        throw error;
      }
    },
  );

  fastify.get<{
    Params: { id: string };
    Querystring: { level?: number; pixelsPerSecond?: number; start: number; end?: number; format: 'json' | 'binary' };
  }>(
    '/api/media/:id/peaks',
    {
      schema: {
        tags: ['media'],
        summary: 'Waveform peaks at a zoom level, for a time range',
        description:
          'Min/max pairs of the mono mix, stored at several resolutions (level 0: `samplesPerPeak` samples ' +
          'per pair; each further level halves that). Pick a level with `level`, or let the server pick the ' +
          'coarsest with at least one pair per pixel with `pixelsPerSecond`; neither → the coarsest level ' +
          '(an overview of at most ~1000 pairs). `start`/`end` (seconds) cut the range. `format=json` (default) ' +
          'returns the object below; `format=binary` returns just `data` as raw Int8 bytes ' +
          '(application/octet-stream, 2 bytes per pair) with the other fields as headers `X-Peaks-Level`, ' +
          '`X-Peaks-Levels`, `X-Peaks-Sample-Rate`, `X-Peaks-Samples-Per-Peak`, `X-Peaks-Sample-Count`, ' +
          '`X-Peaks-Per-Second`, `X-Peaks-Start-Index` — `new Int8Array(await response.arrayBuffer())`. ' +
          'Media without audio → 404.',
        params: idParams,
        querystring: peaksQuery,
        response: { 200: peaksSchema, 400: ref('Error'), 422: ref('Error'), 501: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { media: row } = await fastify.access.media(request.actor, request.params.id, 'read');
      const peaks = await service.peaks(row);
      if (!peaks) throw new ApiError('NotFound', `this ${row.kind} media has no audio, so no waveform`);
      const q = request.query;
      const level =
        q.level ?? (q.pixelsPerSecond !== undefined ? chooseLevel(peaks, q.pixelsPerSecond) : peaks.levels.length - 1);
      if (level >= peaks.levels.length) {
        throw new ApiError('ValidationFailed', `level: this file has levels 0–${peaks.levels.length - 1}`);
      }
      const end = q.end ?? Math.max(q.start, peaks.sampleCount / peaks.sampleRate + 1);
      if (end < q.start) throw new ApiError('ValidationFailed', 'end: must not be before start');
      const slice = peaksForRange(peaks, level, q.start, end);
      const meta = {
        level,
        levels: peaks.levels.length,
        sampleRate: peaks.sampleRate,
        samplesPerPeak: peaks.samplesPerPeak,
        sampleCount: peaks.sampleCount,
        peaksPerSecond: slice.peaksPerSecond,
        startIndex: slice.startIndex,
      };
      // Content-addressed and computed once: stable for a day at least.
      reply.header('Cache-Control', 'private, max-age=86400');
      if (q.format === 'binary') {
        reply
          .type('application/octet-stream')
          .header('X-Peaks-Level', String(meta.level))
          .header('X-Peaks-Levels', String(meta.levels))
          .header('X-Peaks-Sample-Rate', String(meta.sampleRate))
          .header('X-Peaks-Samples-Per-Peak', String(meta.samplesPerPeak))
          .header('X-Peaks-Sample-Count', String(meta.sampleCount))
          .header('X-Peaks-Per-Second', String(meta.peaksPerSecond))
          .header('X-Peaks-Start-Index', String(meta.startIndex));
        return reply.send(Buffer.from(slice.data.buffer, slice.data.byteOffset, slice.data.byteLength));
      }
      return {
        ...meta,
        startSec: slice.startIndex / slice.peaksPerSecond,
        count: slice.data.length / 2,
        data: Array.from(slice.data),
      };
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/api/media/:id/transcript',
    {
      schema: {
        tags: ['media'],
        summary: 'A text media file as a transcript: timed segments and the plain text',
        description:
          'WebVTT (with `<v Speaker>` voices), SRT, JSON `{segments: [{start, end, text}]}` or plain text (one untimed segment per line). Audio/video → 404.',
        params: idParams,
        response: { 200: transcriptSchema, 422: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { media: row } = await fastify.access.media(request.actor, request.params.id, 'read');
      const transcript = await service.transcript(row);
      if (!transcript) throw new ApiError('NotFound', `this is ${row.kind} media, not a transcript`);
      return {
        mediaId: row.id,
        format: transcript.format,
        segments: transcript.segments,
        text: transcriptText(transcript),
      };
    },
  );

  fastify.delete<{ Params: { id: string } }>(
    '/api/media/:id',
    {
      schema: {
        tags: ['media'],
        summary: 'Delete a media file (managers); refused while a task uses it',
        params: idParams,
        response: { 204: { type: 'null' }, 409: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { media: row } = await fastify.access.media(request.actor, request.params.id, 'admin');
      await service.remove(row, request.actor.userId);
      return reply.status(204).send();
    },
  );
};

export default mediaRoutes;
