import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFile } from '../../../server/media/serve-file.ts';

const SIZE = 100_003; // odd, and larger than one 64 KiB stream chunk
let dir: string;
let app: FastifyInstance;
let body: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concord-serve-'));
  body = Buffer.alloc(SIZE);
  let x = 12345;
  for (let i = 0; i < SIZE; i++) body[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  await writeFile(join(dir, 'clip.bin'), body);
  await utimes(join(dir, 'clip.bin'), new Date('2024-05-01T12:00:00Z'), new Date('2024-05-01T12:00:00Z'));
  await writeFile(join(dir, 'empty.bin'), Buffer.alloc(0));
  app = Fastify();
  app.get('/media/:name', (request, reply) =>
    serveFile(request, reply, join(dir, (request.params as { name: string }).name), 'video/mp4'),
  );
  app.get('/tagged', (request, reply) =>
    serveFile(request, reply, join(dir, 'clip.bin'), 'video/mp4', {
      etag: '"abc"',
      cacheControl: 'public, max-age=31536000, immutable',
    }),
  );
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (headers: Record<string, string> = {}, url = '/media/clip.bin') =>
  app.inject({ method: 'GET', url, headers });

describe('serveFile over a real Fastify instance', () => {
  it('serves the whole file with 200 and validators when no Range is sent', async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe(String(SIZE));
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['last-modified']).toBe('Wed, 01 May 2024 12:00:00 GMT');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.rawPayload.equals(body)).toBe(true);
  });

  it.each([
    ['bytes=0-0', 0, 0],
    ['bytes=1000-70999', 1000, 70999],
    ['bytes=99000-', 99000, SIZE - 1],
    ['bytes=-3', SIZE - 3, SIZE - 1],
    ['bytes=65530-65545', 65530, 65545],
  ])('%s → 206 with the exact bytes', async (range, start, end) => {
    const res = await get({ range });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(res.rawPayload.equals(body.subarray(start, end + 1))).toBe(true);
  });

  it('answers an unsatisfiable range with 416 and bytes */size', async () => {
    const res = await get({ range: `bytes=${SIZE}-` });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${SIZE}`);
    expect(res.rawPayload.length).toBe(0);
  });

  it('ignores a malformed range and sends 200 with the full body', async () => {
    const res = await get({ range: 'bytes=10-5' });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(body)).toBe(true);
  });

  it('honours If-Range only while the validator matches', async () => {
    const { headers } = await get();
    const etag = String(headers.etag);
    const hit = await get({ range: 'bytes=10-19', 'if-range': etag });
    expect(hit.statusCode).toBe(206);
    expect(hit.rawPayload.equals(body.subarray(10, 20))).toBe(true);
    const byDate = await get({ range: 'bytes=10-19', 'if-range': String(headers['last-modified']) });
    expect(byDate.statusCode).toBe(206);
    const stale = await get({ range: 'bytes=10-19', 'if-range': '"something-else"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.equals(body)).toBe(true);
    const weak = await get({ range: 'bytes=10-19', 'if-range': `W/${etag}` });
    expect(weak.statusCode).toBe(200);
    const oldDate = await get({ range: 'bytes=10-19', 'if-range': 'Tue, 30 Apr 2024 12:00:00 GMT' });
    expect(oldDate.statusCode).toBe(200);
  });

  it('uses a supplied ETag, answers If-None-Match with 304, and HEAD without a body', async () => {
    const res = await get({}, '/tagged');
    expect(res.headers.etag).toBe('"abc"');
    expect(res.headers['cache-control']).toContain('immutable');
    expect((await get({ 'if-none-match': '"x", W/"abc"' }, '/tagged')).statusCode).toBe(304);
    const head = await app.inject({ method: 'HEAD', url: '/media/clip.bin', headers: { range: 'bytes=0-9' } });
    expect(head.statusCode).toBe(206);
    expect(head.headers['content-range']).toBe(`bytes 0-9/${SIZE}`);
    expect(head.rawPayload.length).toBe(0);
  });

  it('coalesces close multiple ranges into one 206 and ignores far-apart ones', async () => {
    const near = await get({ range: 'bytes=0-9, 20-29' });
    expect(near.statusCode).toBe(206);
    expect(near.headers['content-range']).toBe(`bytes 0-29/${SIZE}`);
    expect(near.rawPayload.equals(body.subarray(0, 30))).toBe(true);
    const far = await get({ range: 'bytes=0-9, 90000-90009' });
    expect(far.statusCode).toBe(200);
    expect(far.rawPayload.length).toBe(SIZE);
  });

  it('serves an empty file with 200 and 416 for any range', async () => {
    const res = await get({}, '/media/empty.bin');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect((await get({ range: 'bytes=0-' }, '/media/empty.bin')).statusCode).toBe(416);
  });
});
