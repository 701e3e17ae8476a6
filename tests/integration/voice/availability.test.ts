import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import app, { serverOptions } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import type { SessionExtension } from '../../../server/sessions/extension.ts';
import { VoiceService } from '../../../server/voice/service.ts';
import { startServer, tempDataDir, type TestServer } from '../../helpers/server.ts';
import { hubFor, requireWorker, session } from '../../helpers/voice.ts';

/** A logger that keeps its JSON lines, to check what an operator would read. */
function capturingLogger(): { log: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('voice fails soft without a worker', () => {
  let server: TestServer | null = null;
  let data: ReturnType<typeof tempDataDir> | null = null;
  afterEach(async () => {
    await server?.close();
    data?.remove();
    server = null;
    data = null;
  });

  it('no worker binary: one clear error line, unavailable, and voice requests say so', async () => {
    const { log, lines } = capturingLogger();
    const config = loadConfig({ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker', VOICE_WORKERS: '1' });
    const voice = new VoiceService(config.voice, log);
    await voice.start();
    expect(voice.available).toBe(false);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/^voice unavailable: .*MEDIASOUP_WORKER_BIN/);

    const hub = hubFor(voice, session(['ada'], 'no-worker'));
    const ada = hub.connect('ada');
    expect(await ada.request('voice.status')).toEqual({
      available: false,
      reason: 'the media server (mediasoup worker) could not start',
    });
    await expect(ada.request('voice.capabilities')).rejects.toMatchObject({ code: 'voice_unavailable' });
    await expect(ada.request('voice.createTransport', { direction: 'send' })).rejects.toMatchObject({
      code: 'voice_unavailable',
    });
    await voice.close();
  });

  it('VOICE=off: no worker starts and the reason says so', async () => {
    const { log, lines } = capturingLogger();
    const voice = new VoiceService(loadConfig({ VOICE: 'off' }).voice, log);
    await voice.start();
    expect(voice.available).toBe(false);
    expect(voice.unavailableReason).toBe('voice is off (VOICE=off)');
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('the server starts and serves without a worker', async () => {
    data = tempDataDir();
    server = await startServer({
      DATA_DIR: data.dir,
      VOICE: 'on',
      MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker',
    });
    const health = await fetch(`${server.httpUrl}/api/health`);
    expect(health.status).toBe(200);
    await server.app.voice.ready;
    expect(server.app.voice.available).toBe(false);
  }, 120_000);

  it('the server starts voice with the real worker, and closes it on shutdown', async () => {
    data = tempDataDir();
    server = await startServer({
      DATA_DIR: data.dir,
      VOICE: 'on',
      MEDIASOUP_WORKER_BIN: requireWorker(),
      VOICE_WORKERS: '1',
    });
    await server.app.voice.ready;
    expect(server.app.voice.available).toBe(true);
    const room = await server.app.voice.room('s');
    await server.close();
    server = null;
    expect(room.router.closed).toBe(true);
  }, 120_000);
});

describe('voice plugin', () => {
  it('hands its extension to the live-session hub, whenever the hub was registered', async () => {
    const data = tempDataDir();
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: data.dir, DEMO: 'off', VOICE: 'off' });
    const fastify = Fastify(serverOptions(config));
    try {
      await fastify.register(app, { config });
      await fastify.ready();
      const used: readonly SessionExtension[] = fastify.sessions.registered();
      expect(used.map((e) => e.prefix)).toEqual(['voice.']);
      expect(typeof used[0]?.onLeave).toBe('function');
      expect(typeof used[0]?.onEnd).toBe('function');
    } finally {
      await fastify.close();
      data.remove();
    }
  }, 120_000);
});

describe('voice configuration', () => {
  it('validates the port range', () => {
    expect(() => loadConfig({ VOICE_RTC_MIN_PORT: '50000', VOICE_RTC_MAX_PORT: '40000' })).toThrow(
      /VOICE_RTC_MIN_PORT/,
    );
    expect(() => loadConfig({ VOICE_RTC_MAX_PORT: '70000' })).toThrow(/65535/);
    expect(() => loadConfig({ VOICE: 'maybe' })).toThrow(/VOICE must be one of on, off/);
    const voice = loadConfig({ VOICE_LISTEN_IP: '0.0.0.0', VOICE_ANNOUNCED_ADDRESS: 'voice.example.org' }).voice;
    expect(voice).toMatchObject({ listenIp: '0.0.0.0', announcedAddress: 'voice.example.org', enabled: true });
    expect(voice.workers).toBeGreaterThanOrEqual(1);
  });
});
