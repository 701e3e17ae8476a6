import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseRange } from './range.ts';

export interface ServeFileOptions {
  /** Strong validator to use instead of the size/mtime one (e.g. the content hash). */
  etag?: string;
  /** Cache-Control value; content-addressed media can be immutable. */
  cacheControl?: string;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Strong comparison of an entity-tag list against our ETag (weak tags never match, §8.8.3.2). */
function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag;
  });
}

/**
 * If-Range (§13.1.5): the range applies only when the validator still matches — a strong ETag
 * equal to ours, or an HTTP-date exactly equal to Last-Modified. Otherwise the client's partial
 * copy is stale and it must get the whole file.
 */
function ifRangeAllows(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  const date = Date.parse(value);
  return Number.isFinite(date) && date === Date.parse(lastModified);
}

/**
 * Sends a file with Range support: 200 (full), 206 (one range), 304 (If-None-Match hit) or 416.
 * The body is streamed from disk; HEAD gets the same headers without a body.
 */
export async function serveFile(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  mime: string,
  options: ServeFileOptions = {},
): Promise<FastifyReply> {
  const info = await stat(path);
  const size = info.size;
  const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString();
  const etag = options.etag ?? `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;

  reply.header('Accept-Ranges', 'bytes').header('ETag', etag).header('Last-Modified', lastModified);
  if (options.cacheControl) reply.header('Cache-Control', options.cacheControl);

  const ifNoneMatch = header(request, 'if-none-match');
  if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch.replace(/W\//g, ''), etag)) {
    // If-None-Match uses weak comparison (§13.1.2), hence stripping W/ on their side.
    return reply.code(304).send();
  }

  const range = ifRangeAllows(header(request, 'if-range'), etag, lastModified)
    ? parseRange(header(request, 'range'), size)
    : ({ type: 'ignore' } as const);

  if (range.type === 'unsatisfiable') {
    return reply.code(416).header('Content-Range', `bytes */${size}`).header('Content-Length', '0').send();
  }
  reply.header('Content-Type', mime);
  const isHead = request.method === 'HEAD';
  if (range.type === 'range') {
    const length = range.end - range.start + 1;
    reply
      .code(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
      .header('Content-Length', String(length));
    return reply.send(isHead ? undefined : createReadStream(path, { start: range.start, end: range.end }));
  }
  reply.code(200).header('Content-Length', String(size));
  return reply.send(isHead || size === 0 ? undefined : createReadStream(path));
}
