/**
 * A bare page for voice e2e tests: the web voice code (tests/e2e/voice-entry.ts) bundled with
 * Vite + Svelte, served from 127.0.0.1 (a secure context: getUserMedia works), with a session
 * channel bridged to a TestConnection of the in-process hub (requests through an exposed
 * function, pushed messages through page.evaluate).
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import type { VoiceClient } from '../../web/lib/voice/client.ts';
import type { VoiceState } from '../../web/lib/voice/state.ts';
import type { TestConnection } from '../helpers/session-hub.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Chromium flags: fake microphone (a beeping test source), no permission prompt, autoplay. */
export const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

const PUSHED = [
  'voice.peerJoined',
  'voice.peerLeft',
  'voice.newProducer',
  'voice.consumerClosed',
  'voice.producerPaused',
  'voice.producerResumed',
  'voice.activeSpeaker',
  'voice.levels',
  'voice.closed',
];

const PAGE = `<!doctype html><meta charset="utf-8"><title>voice</title><script src="/voice.js"></script>
<main id="app"></main>
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
  if (params.get('mode') === 'panel') {
    Voice.mountPanel(document.getElementById('app'), channel);
  } else {
    window.__client = new Voice.VoiceClient({ channel });
    window.__client.subscribe((s) => { window.__state = s; });
  }
</script>`;

async function bundle(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    plugins: [svelte({ compilerOptions: { css: 'injected' } })],
    build: {
      write: false,
      minify: false,
      lib: { entry: `${ROOT}tests/e2e/voice-entry.ts`, formats: ['iife'], name: 'Voice' },
    },
  });
  for (const result of Array.isArray(output) ? output : [output]) {
    if (!('output' in result)) continue;
    const chunk = result.output.find((o) => o.type === 'chunk');
    if (chunk !== undefined && 'code' in chunk) return chunk.code;
  }
  throw new Error('no bundle produced');
}

export interface VoicePages {
  /** A page whose voice code talks through `connection`: the bare client, or the panel. */
  open(connection: TestConnection, mode: 'client' | 'panel'): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function voicePages(browser: Browser): Promise<VoicePages> {
  const script = await bundle();
  const http = createServer((req, res) => {
    if (req.url?.startsWith('/voice.js')) res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    async open(connection, mode) {
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
      for (const type of PUSHED) {
        connection.on(type, (msg) => void page.evaluate((m) => window.__push(m), msg).catch(() => undefined));
      }
      const { connectionId, userId } = connection.peer;
      await page.goto(`${base}/?connection=${connectionId}&user=${userId}&mode=${mode}`);
      return { page, errors };
    },
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

declare global {
  interface Window {
    __push(msg: unknown): void;
    __client: VoiceClient;
    __state: VoiceState;
  }
}
