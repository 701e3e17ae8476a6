import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { media } from '../../server/storage/schema.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

/**
 * `npm start` on a machine without ffmpeg: the demo still seeds (the video's probe is recorded),
 * the video has no waveform until ffmpeg is there, and the server runs.
 */
describe('the demo on a machine without ffmpeg', () => {
  let server: TestServer;
  let data: ReturnType<typeof tempDataDir>;
  const saved = { ffprobe: process.env.FFPROBE_PATH, ffmpeg: process.env.FFMPEG_PATH };

  beforeAll(async () => {
    process.env.FFPROBE_PATH = '/nonexistent/ffprobe';
    process.env.FFMPEG_PATH = '/nonexistent/ffmpeg';
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'on' });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    data?.remove();
    for (const [k, v] of [
      ['FFPROBE_PATH', saved.ffprobe],
      ['FFMPEG_PATH', saved.ffmpeg],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it('seeds the demo with the recorded probe; peaks wait for ffmpeg', async () => {
    const db = server.app.database.db;
    const [video] = await db.select().from(media).where(eq(media.filename, 'demo.mp4'));
    expect(video).toBeDefined();
    expect(video!.info).toMatchObject({ kind: 'video', durationSec: 40.04, frameRate: { num: 30000, den: 1001 } });
    expect(video!.hasPeaks).toBe('no');
    await expect(server.app.media.peaks(video!)).rejects.toMatchObject({ code: 'tool_missing' });
    // The speech track is a WAV: probed and peaked without ffmpeg.
    const [speech] = await db.select().from(media).where(eq(media.filename, 'speech.wav'));
    expect(speech!.hasPeaks).toBe('yes');
    const health = await server.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });
});
