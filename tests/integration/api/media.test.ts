import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, setMember } from '../../../server/projects/projects.ts';
import { auditLog, media, tasks } from '../../../server/storage/schema.ts';
import { createTask } from '../../../server/tasks/tasks.ts';
import { api, makeUser, type TestUser } from '../../helpers/api.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';

const DEMO = join(import.meta.dirname, '../../fixtures/media/demo');

interface DemoScript {
  durationSec: number;
  frameRate: { num: number; den: number };
  frameCount: number;
  audio: { sampleRate: number; channels: number };
  speechWav: { sampleRate: number; channels: number; encoding: string };
  segments: { start: number; end: number; speaker: string; text: string }[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** POSTs one file as multipart/form-data, the way a browser form or XMLHttpRequest does. */
async function upload(server: TestServer, as: TestUser | null, projectId: string, filename: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), filename);
  const res = await fetch(`${server.httpUrl}/api/projects/${projectId}/media`, {
    method: 'POST',
    headers: as ? as.headers : {},
    body: form,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

/** Raw GET (binary bodies, Range headers). */
async function get(server: TestServer, as: TestUser | null, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.httpUrl}${path}`, { headers: { ...(as ? as.headers : {}), ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A 16-bit mono PCM WAV written by hand (the layout is the RIFF spec's, not the server's code). */
function wav16(samples: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => data.writeInt16LE(v, i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Expected peaks: per window of `span` samples, floor(min·127) and ceil(max·127) of sample/32768. */
function expectedPeaks(samples: Int16Array, span: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < samples.length; i += span) {
    let min = Infinity;
    let max = -Infinity;
    for (let j = i; j < Math.min(i + span, samples.length); j++) {
      min = Math.min(min, samples[j]! / 32768);
      max = Math.max(max, samples[j]! / 32768);
    }
    out.push(Math.max(-127, Math.floor(min * 127)), Math.min(127, Math.ceil(max * 127)));
  }
  return out;
}

describe('media over REST', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser, annotator: TestUser, outsider: TestUser;
  let projectId: string;
  let script: DemoScript;
  const uploaded: Record<string, { id: string; sha256: string; bytes: Buffer }> = {};

  const mediaDir = () => join(data.dir, 'media');
  const storedFiles = () => readdirSync(mediaDir()).filter((f) => !f.startsWith('.'));
  const rowCount = async () => (await server.app.database.db.select({ id: media.id }).from(media)).length;

  beforeAll(async () => {
    script = JSON.parse(await readFile(join(DEMO, 'demo.json'), 'utf8')) as DemoScript;
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '' });
    const db = server.app.database.db;
    [manager, annotator, outsider] = await Promise.all(
      ['m-manager', 'm-annotator', 'm-outsider'].map((n) => makeUser(server, n)),
    );
    projectId = (await createProject(db, { name: 'media' }, manager.id)).id;
    await setMember(db, projectId, annotator.id, 'annotator', [], manager.id);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  it('uploads the demo clip: a real ffprobe probe, peaks stored beside it, a row and an audit entry', async () => {
    const bytes = await readFile(join(DEMO, 'demo.mp4'));
    const res = await upload(server, manager, projectId, 'demo.mp4', bytes);
    expect(res.status).toBe(201);
    const m = res.body;
    expect(m).toMatchObject({
      projectId,
      filename: 'demo.mp4',
      kind: 'video',
      contentType: 'video/mp4',
      bytes: bytes.length,
      sha256: sha256(bytes),
      hasPeaks: true,
      createdBy: manager.id,
    });
    expect(Math.abs(m.info.durationSec - script.durationSec)).toBeLessThan(0.1);
    expect(m.info.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(m.info.frameRate).toEqual(script.frameRate);
    expect(m.info.frameCount).toBe(script.frameCount);
    expect(m.info.sampleRate).toBe(script.audio.sampleRate);
    expect(m.info.channels).toBe(script.audio.channels);
    expect([m.info.width, m.info.height]).toEqual([640, 360]);
    uploaded.mp4 = { id: m.id, sha256: m.sha256, bytes };

    expect(await readFile(join(mediaDir(), `${m.sha256}.mp4`))).toEqual(bytes);
    expect(existsSync(join(mediaDir(), `${m.sha256}.peaks`))).toBe(true);
    const meta = await api(server, 'GET', `/api/media/${m.id}`, { as: annotator });
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual(m);
    const [entry] = await server.app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.resourceId, m.id), eq(auditLog.action, 'media.upload')));
    expect(entry).toMatchObject({ actorId: manager.id, projectId, resourceType: 'media' });

    // The clip's waveform comes from its AAC track at 48 kHz.
    const peaks = await api(server, 'GET', `/api/media/${m.id}/peaks`, { as: annotator });
    expect(peaks.status).toBe(200);
    expect(peaks.body).toMatchObject({ sampleRate: 48000, samplesPerPeak: 256, level: peaks.body.levels - 1 });
    expect(peaks.body.count).toBeLessThanOrEqual(1000);
    expect(Math.max(...peaks.body.data)).toBeGreaterThan(10);
  });

  it('uploads a WAV: sample rate and channels from the file, audio/wav, peaks', async () => {
    const bytes = await readFile(join(DEMO, 'speech.wav'));
    const res = await upload(server, manager, projectId, 'speech.wav', bytes);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'audio', contentType: 'audio/wav', hasPeaks: true });
    expect(res.body.info).toMatchObject({
      container: 'wav',
      sampleRate: script.speechWav.sampleRate,
      channels: script.speechWav.channels,
      frameRate: null,
    });
    expect(res.body.info.durationSec).toBeGreaterThan(30);
    uploaded.wav = { id: res.body.id, sha256: res.body.sha256, bytes };
  });

  it('uploads the WebVTT transcript and serves it as segments and plain text', async () => {
    const bytes = await readFile(join(DEMO, 'demo.vtt'));
    const res = await upload(server, manager, projectId, 'demo.vtt', bytes);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'text', contentType: 'text/vtt; charset=utf-8', hasPeaks: false });
    expect(res.body.info.characters).toBe(bytes.toString('utf8').length);
    uploaded.vtt = { id: res.body.id, sha256: res.body.sha256, bytes };

    const t = await api(server, 'GET', `/api/media/${res.body.id}/transcript`, { as: annotator });
    expect(t.status).toBe(200);
    expect(t.body.format).toBe('vtt');
    expect(t.body.segments).toEqual(
      script.segments.map((s) => ({ start: s.start, end: s.end, speaker: s.speaker, text: s.text })),
    );
    expect(t.body.text).toBe(script.segments.map((s) => s.text).join('\n'));

    // A transcript has no waveform; a video is no transcript.
    expect((await api(server, 'GET', `/api/media/${res.body.id}/peaks`, { as: annotator })).status).toBe(404);
    expect((await api(server, 'GET', `/api/media/${uploaded.mp4!.id}/transcript`, { as: annotator })).status).toBe(404);
  });

  it('serves content with HTTP Range: first bytes, suffix, open-ended, merged ranges, 416, ETag', async () => {
    const { id, sha256: hash, bytes } = uploaded.mp4!;
    const url = `/api/media/${id}/content`;
    const size = bytes.length;

    const full = await get(server, annotator, url);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-type')).toBe('video/mp4');
    expect(full.headers.get('etag')).toBe(`"${hash}"`);
    expect(full.headers.get('content-length')).toBe(String(size));
    expect(full.bytes.equals(bytes)).toBe(true);

    const first = await get(server, annotator, url, { range: 'bytes=0-99' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
    expect(first.headers.get('content-type')).toBe('video/mp4');
    expect(first.bytes.equals(bytes.subarray(0, 100))).toBe(true);

    const suffix = await get(server, annotator, url, { range: 'bytes=-500' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(`bytes ${size - 500}-${size - 1}/${size}`);
    expect(suffix.bytes.equals(bytes.subarray(size - 500))).toBe(true);

    // What a <video> element sends first, and when it seeks.
    const open = await get(server, annotator, url, { range: 'bytes=123456-' });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes 123456-${size - 1}/${size}`);
    expect(open.bytes.equals(bytes.subarray(123456))).toBe(true);

    const merged = await get(server, annotator, url, { range: 'bytes=0-9, 20-29' });
    expect(merged.status).toBe(206);
    expect(merged.headers.get('content-range')).toBe(`bytes 0-29/${size}`);
    expect(merged.bytes.equals(bytes.subarray(0, 30))).toBe(true);

    const beyond = await get(server, annotator, url, { range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);

    const cached = await get(server, annotator, url, { 'if-none-match': `"${hash}"` });
    expect(cached.status).toBe(304);

    const head = await fetch(`${server.httpUrl}${url}`, {
      method: 'HEAD',
      headers: { ...annotator.headers, range: 'bytes=0-9' },
    });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-9/${size}`);

    const vtt = await get(server, annotator, `/api/media/${uploaded.vtt!.id}/content`);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(vtt.headers.get('x-content-type-options')).toBe('nosniff');
    expect(vtt.bytes.equals(uploaded.vtt!.bytes)).toBe(true);
  });

  it('computes peaks of a known WAV equal to min/max computed here, at every level, JSON and binary', async () => {
    // 40 s at 8 kHz: a 220 Hz tone under a rising envelope, with one isolated spike.
    const rate = 8000;
    const n = 40 * rate + 77; // a partial last window on purpose
    const samples = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      samples[i] = Math.round(30000 * (i / n) * Math.sin((2 * Math.PI * 220 * i) / rate));
    }
    samples[100_000] = -32768;
    const res = await upload(server, manager, projectId, 'tone.wav', wav16(samples, rate));
    expect(res.status).toBe(201);
    const id = res.body.id;
    const level0 = expectedPeaks(samples, 256);
    const level1 = expectedPeaks(samples, 512);
    expect(level0.length / 2).toBe(1251); // > 1000 pairs → one coarser level
    expect(level1.length / 2).toBe(626);

    const at = (query: string) => api(server, 'GET', `/api/media/${id}/peaks?${query}`, { as: annotator });
    const l0 = await at('level=0');
    expect(l0.status).toBe(200);
    expect(l0.body).toMatchObject({
      level: 0,
      levels: 2,
      sampleRate: rate,
      samplesPerPeak: 256,
      sampleCount: n,
      peaksPerSecond: rate / 256,
      startIndex: 0,
      count: 1251,
    });
    expect(l0.body.data).toEqual(level0);
    expect((await at('level=1')).body.data).toEqual(level1);
    expect((await at('')).body.level).toBe(1); // default: the overview

    // The zoom picks the coarsest level with at least one pair per pixel: 31.25 and 15.625 pairs/s.
    expect((await at('pixelsPerSecond=20')).body.level).toBe(0);
    expect((await at('pixelsPerSecond=10')).body.level).toBe(1);

    // A time range: pairs floor(10 × 31.25) = 312 up to ceil(20 × 31.25) = 625.
    const slice = await at('level=0&start=10&end=20');
    expect(slice.body).toMatchObject({ startIndex: 312, startSec: 312 / 31.25, count: 313 });
    expect(slice.body.data).toEqual(level0.slice(312 * 2, 625 * 2));

    const bin = await get(server, annotator, `/api/media/${id}/peaks?level=0&start=10&end=20&format=binary`);
    expect(bin.status).toBe(200);
    expect(bin.headers.get('content-type')).toBe('application/octet-stream');
    expect(bin.headers.get('x-peaks-start-index')).toBe('312');
    expect(bin.headers.get('x-peaks-per-second')).toBe('31.25');
    expect(bin.headers.get('x-peaks-sample-rate')).toBe(String(rate));
    expect(Array.from(new Int8Array(bin.bytes.buffer, bin.bytes.byteOffset, bin.bytes.length))).toEqual(
      slice.body.data,
    );

    const badLevel = await at('level=2');
    expect([badLevel.status, badLevel.body.error.code]).toEqual([400, 'validation_failed']);
    const backwards = await at('start=5&end=1');
    expect(backwards.status).toBe(400);
  });

  it('lists a project’s media newest first, paginated, to members only', async () => {
    const url = `/api/projects/${projectId}/media`;
    const all = await api(server, 'GET', `${url}?limit=200`, { as: annotator });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBe(4);
    expect(all.body.items[0].filename).toBe('tone.wav');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const pageRes: { body: { items: { id: string }[]; nextCursor: string | null } } = await api(
        server,
        'GET',
        `${url}?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { as: manager },
      );
      seen.push(...pageRes.body.items.map((m) => m.id));
      cursor = pageRes.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((m: { id: string }) => m.id));
    const texts = await api(server, 'GET', `${url}?kind=text`, { as: annotator });
    expect(texts.body.items.map((m: { id: string }) => m.id)).toEqual([uploaded.vtt!.id]);
    expect((await api(server, 'GET', url, { as: outsider })).status).toBe(404);
    expect((await api(server, 'GET', url)).status).toBe(401);
  });

  it('enforces access: unauthenticated 401, non-member 404, annotator may read but not upload or delete', async () => {
    const tiny = Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n');
    const anon = await upload(server, null, projectId, 'a.vtt', tiny);
    expect([anon.status, anon.body.error.code]).toEqual([401, 'unauthenticated']);
    const foreign = await upload(server, outsider, projectId, 'a.vtt', tiny);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
    const byAnnotator = await upload(server, annotator, projectId, 'a.vtt', tiny);
    expect([byAnnotator.status, byAnnotator.body.error.code]).toEqual([403, 'forbidden']);

    const { id } = uploaded.mp4!;
    for (const path of [`/api/media/${id}`, `/api/media/${id}/content`, `/api/media/${id}/peaks`]) {
      expect((await get(server, null, path)).status, path).toBe(401);
      expect((await get(server, outsider, path)).status, path).toBe(404);
      expect((await get(server, annotator, path)).status, path).toBe(200);
    }
    expect((await api(server, 'DELETE', `/api/media/${id}`, { as: annotator })).status).toBe(403);
    expect((await api(server, 'DELETE', `/api/media/${id}`, { as: outsider })).status).toBe(404);
    expect((await api(server, 'GET', `/api/media/${crypto.randomUUID()}`, { as: manager })).status).toBe(404);
    expect(await rowCount()).toBe(4);
  });

  it('refuses garbage (415), broken transcripts (422) and non-multipart bodies (400), keeping nothing', async () => {
    const before = storedFiles().sort();
    const rows = await rowCount();
    let x = 7;
    const noise = Buffer.from(
      Uint8Array.from({ length: 64 * 1024 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24),
    );
    const garbage = await upload(server, manager, projectId, 'clip.mp4', noise);
    expect([garbage.status, garbage.body.error.code]).toEqual([415, 'unsupported_media']);
    const latin1 = await upload(server, manager, projectId, 'notes.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect([latin1.status, latin1.body.error.code]).toEqual([415, 'unsupported_media']);
    const badCue = await upload(
      server,
      manager,
      projectId,
      'bad.vtt',
      Buffer.from('WEBVTT\n\n00:05.000 --> 00:01.000\nbackwards\n'),
    );
    expect([badCue.status, badCue.body.error.code]).toEqual([422, 'media_processing_failed']);
    expect(badCue.body.error.message).toMatch(/cue timing/);
    const badJson = await upload(server, manager, projectId, 'words.json', Buffer.from('{"segments": 3}'));
    expect([badJson.status, badJson.body.error.code]).toEqual([422, 'media_processing_failed']);

    const json = await api(server, 'POST', `/api/projects/${projectId}/media`, { as: manager, body: { file: 'x' } });
    expect([json.status, json.body.error.code]).toEqual([400, 'validation_failed']);
    const raw = await fetch(`${server.httpUrl}/api/projects/${projectId}/media`, {
      method: 'POST',
      headers: { ...manager.headers, 'content-type': 'video/mp4' },
      body: noise,
    });
    expect(raw.status).toBe(400);
    const empty = new FormData();
    empty.append('note', 'no file here');
    const noFile = await fetch(`${server.httpUrl}/api/projects/${projectId}/media`, {
      method: 'POST',
      headers: manager.headers,
      body: empty,
    });
    expect(noFile.status).toBe(400);

    expect(await rowCount()).toBe(rows);
    expect(storedFiles().sort()).toEqual(before);
    expect(readdirSync(join(mediaDir(), '.incoming'))).toEqual([]);
  });

  it('deletes media: 409 while a task uses it; a shared file stays until its last row goes', async () => {
    const { id, sha256: hash, bytes } = uploaded.wav!;
    const again = await upload(server, manager, projectId, 'speech-copy.wav', bytes);
    expect(again.status).toBe(201);
    expect(again.body.sha256).toBe(hash);
    const file = join(mediaDir(), `${hash}.wav`);
    const peaks = join(mediaDir(), `${hash}.peaks`);

    const db = server.app.database.db;
    const task = await createTask(
      db,
      projectId,
      { name: 'uses speech', media: [{ mediaId: id }], annotators: [], reviewers: [] },
      manager.id,
    );
    const inUse = await api(server, 'DELETE', `/api/media/${id}`, { as: manager });
    expect([inUse.status, inUse.body.error.code]).toEqual([409, 'in_use']);
    expect(inUse.body.error.message).toContain('uses speech');
    expect((await api(server, 'GET', `/api/media/${id}`, { as: manager })).status).toBe(200);
    expect(existsSync(file)).toBe(true);

    await db.delete(tasks).where(eq(tasks.id, task.id));
    expect((await api(server, 'DELETE', `/api/media/${id}`, { as: manager })).status).toBe(204);
    expect((await api(server, 'GET', `/api/media/${id}`, { as: manager })).status).toBe(404);
    expect(existsSync(file) && existsSync(peaks)).toBe(true); // the copy still uses the bytes
    const copy = await get(server, manager, `/api/media/${again.body.id}/content`, { range: 'bytes=0-43' });
    expect(copy.bytes.equals(bytes.subarray(0, 44))).toBe(true);

    expect((await api(server, 'DELETE', `/api/media/${again.body.id}`, { as: manager })).status).toBe(204);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(peaks)).toBe(false);
    const deletions = await server.app.database.db.select().from(auditLog).where(eq(auditLog.action, 'media.delete'));
    expect(deletions.map((d) => d.resourceId).sort()).toEqual([id, again.body.id].sort());
  });

  it('streams a large upload (past the progress-logging threshold) byte for byte', async () => {
    const line = 'a line of a long plain-text transcript\n';
    const bytes = Buffer.from(line.repeat(Math.ceil((17 * 1024 * 1024) / line.length)));
    const res = await upload(server, manager, projectId, 'long.txt', bytes);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'text', bytes: bytes.length, sha256: sha256(bytes) });
    const middle = await get(server, annotator, `/api/media/${res.body.id}/content`, {
      range: 'bytes=9000000-9000999',
    });
    expect(middle.bytes.equals(bytes.subarray(9_000_000, 9_001_000))).toBe(true);
  });
});

describe('media upload size limit', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  let manager: TestUser;
  let projectId: string;

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', MAX_UPLOAD_BYTES: '4096' });
    manager = await makeUser(server, 'limit-manager');
    projectId = (await createProject(server.app.database.db, { name: 'small' }, manager.id)).id;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    data?.remove();
  });

  it('answers 413 for an oversized upload and keeps no row and no file; smaller files still go in', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a'); // the rest is read and discarded, not stored
    const res = await upload(server, manager, projectId, 'big.txt', big);
    expect([res.status, res.body.error.code]).toEqual([413, 'payload_too_large']);
    // Exactly the limit plus one byte is refused too.
    const justOver = await upload(server, manager, projectId, 'over.txt', Buffer.alloc(4097, 'b'));
    expect(justOver.status).toBe(413);
    expect((await server.app.database.db.select().from(media)).length).toBe(0);
    expect(readdirSync(join(data.dir, 'media')).filter((f) => !f.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(data.dir, 'media', '.incoming'))).toEqual([]);

    const atLimit = await upload(server, manager, projectId, 'fits.txt', Buffer.alloc(4096, 'c'));
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.bytes).toBe(4096);
  });
});
