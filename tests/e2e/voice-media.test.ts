/**
 * Real media end to end: two Chromium pages (fake microphones: Chromium's beeping test source)
 * run the web VoiceClient with mediasoup-client's real browser handler against the real voice
 * server and mediasoup worker. ICE + DTLS complete, RTP flows both ways, and the server's
 * active-speaker and audio-level events reach every connection of the session — including a
 * participant who is not in the call.
 *
 * The session channel is the in-process test hub (tests/helpers/session-hub.ts), bridged into
 * each page; the live-session channel is another module's.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionMessage } from '../../server/sessions/extension.ts';
import type { VoiceService } from '../../server/voice/service.ts';
import type { VoiceClient } from '../../web/lib/voice/client.ts';
import type { VoiceState } from '../../web/lib/voice/state.ts';
import type { TestConnection, TestSessionHub } from '../helpers/session-hub.ts';
import { hubFor, session, startVoice } from '../helpers/voice.ts';
import { launchChromium } from './browser.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** web/lib/voice/client.ts bundled for the page as `window.Voice`. */
async function bundleClient(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: {
      write: false,
      minify: false,
      lib: { entry: `${ROOT}web/lib/voice/client.ts`, formats: ['iife'], name: 'Voice' },
    },
  });
  const results = Array.isArray(output) ? output : [output];
  for (const result of results) {
    if ('output' in result) {
      const chunk = result.output.find((o) => o.type === 'chunk');
      if (chunk !== undefined && 'code' in chunk) return chunk.code;
    }
  }
  throw new Error('no bundle produced');
}

/** The page side of the channel: requests go to the test hub, pushes come back via __push. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>voice</title><script src="/voice.js"></script>
<script>
  const params = new URLSearchParams(location.search);
  const subscribers = new Map();
  window.__push = (msg) => { for (const cb of subscribers.get(msg.type) ?? []) cb(msg); };
  const channel = {
    async request(type, data) {
      const answer = await window.voiceRequest(type, data ?? {});
      if (answer.ok) return answer.data;
      throw answer.error;
    },
    notify(type, data) { void window.voiceRequest(type, data ?? {}); },
    on(type, cb) {
      if (!subscribers.has(type)) subscribers.set(type, new Set());
      subscribers.get(type).add(cb);
      return () => subscribers.get(type).delete(cb);
    },
    connected: true,
    connectionId: params.get('connection'),
    userId: params.get('user'),
  };
  window.__client = new Voice.VoiceClient({ channel });
  window.__client.subscribe((s) => { window.__state = s; });
</script>`;

describe('voice with real media (Chromium ↔ mediasoup worker)', () => {
  let voice: VoiceService;
  let hub: TestSessionHub;
  let browser: Browser;
  let http: Server;
  let base = '';

  beforeAll(async () => {
    voice = await startVoice();
    hub = hubFor(voice, session(['ada', 'ben', 'cy'], 'media'));
    const script = await bundleClient();
    http = createServer((req, res) => {
      if (req.url?.startsWith('/voice.js')) {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      }
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => http?.close(resolve));
    await voice?.close();
  });

  /** A page whose VoiceClient talks through `connection`. */
  async function open(connection: TestConnection): Promise<Page> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.exposeFunction('voiceRequest', async (type: string, data: Record<string, unknown>) => {
      try {
        return { ok: true, data: await connection.request(type, data) };
      } catch (error) {
        return { ok: false, error };
      }
    });
    for (const type of [
      'voice.peerJoined',
      'voice.peerLeft',
      'voice.newProducer',
      'voice.consumerClosed',
      'voice.producerPaused',
      'voice.producerResumed',
      'voice.activeSpeaker',
      'voice.levels',
      'voice.closed',
    ]) {
      connection.on(type, (msg) => void page.evaluate((m) => window.__push(m), msg).catch(() => undefined));
    }
    await page.goto(`${base}/?connection=${connection.peer.connectionId}&user=${connection.peer.userId}`);
    expect(errors).toEqual([]);
    return page;
  }

  const state = (page: Page) => page.evaluate(() => window.__state as VoiceState);

  it('two browsers connect for real, hear each other, and everyone gets speaker events', async () => {
    const ada = hub.connect('ada', 'Ada');
    const ben = hub.connect('ben', 'Ben');
    const cy = hub.connect('cy', 'Cy'); // a participant who never joins the call
    const adaPage = await open(ada);
    const benPage = await open(ben);

    await adaPage.evaluate(() => window.__client.join());
    await benPage.evaluate(() => window.__client.join());
    expect((await state(adaPage)).status).toBe('connected');
    await expect.poll(async () => (await state(adaPage)).peers.map((p) => p.userId)).toEqual(['ben']);
    expect((await state(benPage)).peers.map((p) => p.userId)).toEqual(['ada']);

    // ICE and DTLS completed on all four transports (this is where an unpatched worker crashes).
    const room = await voice.existingRoom('media');
    const transports = [...(room?.peers.values() ?? [])].flatMap((p) => [...p.transports.values()]);
    expect(transports).toHaveLength(4);
    await expect
      .poll(() => transports.map((t) => t.dtlsState), { timeout: 15_000 })
      .toEqual(['connected', 'connected', 'connected', 'connected']);

    // RTP flows: each consumer forwards packets of the other's microphone.
    const consumers = [...(room?.peers.values() ?? [])].flatMap((p) => [...p.consumers.values()]);
    expect(consumers).toHaveLength(2);
    await expect
      .poll(
        async () => {
          const stats = await Promise.all(consumers.map((c) => c.getStats()));
          return stats.every((s) => s.some((r) => r.type === 'outbound-rtp' && r.packetCount > 0));
        },
        { timeout: 15_000 },
      )
      .toBe(true);

    // The observers hear the beeps; their events reach every connection, in the call or not.
    const loud = (m: SessionMessage) =>
      Array.isArray(m.levels) &&
      (m.levels as { connectionId: string }[]).some((l) => l.connectionId === ada.peer.connectionId);
    await cy.waitFor('voice.levels', loud, 20_000);
    await ben.waitFor('voice.levels', loud, 20_000);
    const dominant = await cy.waitFor('voice.activeSpeaker', () => true, 20_000);
    expect([ada.peer.connectionId, ben.peer.connectionId]).toContain(dominant.connectionId);
    await expect
      .poll(async () => (await state(benPage)).peers.some((p) => p.speaking || p.dominant), { timeout: 20_000 })
      .toBe(true);

    // Mute stops Ada's levels and shows her muted to Ben.
    await adaPage.evaluate(() => window.__client.setMuted(true));
    await expect.poll(async () => (await state(benPage)).peers[0]?.muted, { timeout: 5000 }).toBe(true);

    // Leaving frees everything; the last one out closes the router.
    await adaPage.evaluate(() => window.__client.leave());
    await benPage.evaluate(() => window.__client.leave());
    expect(room?.router.closed).toBe(true);
    await adaPage.close();
    await benPage.close();
  }, 120_000);
});

declare global {
  interface Window {
    __push(msg: unknown): void;
    __client: VoiceClient;
    __state: VoiceState;
  }
}
