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
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionMessage } from '../../server/sessions/extension.ts';
import type { VoiceService } from '../../server/voice/service.ts';
import type { VoiceState } from '../../web/lib/voice/state.ts';
import type { TestConnection, TestSessionHub } from '../helpers/session-hub.ts';
import { hubFor, session, startVoice } from '../helpers/voice.ts';
import { launchChromium } from './browser.ts';
import { MEDIA_ARGS, voicePages, type VoicePages } from './voice-page.ts';

describe('voice with real media (Chromium ↔ mediasoup worker)', () => {
  let voice: VoiceService;
  let hub: TestSessionHub;
  let browser: Browser;
  let pages: VoicePages;

  beforeAll(async () => {
    voice = await startVoice();
    hub = hubFor(voice, session(['ada', 'ben', 'cy'], 'media'));
    browser = await launchChromium(MEDIA_ARGS);
    pages = await voicePages(browser);
  }, 120_000);

  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await voice?.close();
  });

  async function open(connection: TestConnection): Promise<Page> {
    const { page, errors } = await pages.open(connection, 'client');
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
    // With Ben muted, Ada is the one speaker: the dominant one, for everyone.
    await benPage.evaluate(() => window.__client.setMuted(true));
    await cy.waitFor('voice.activeSpeaker', (m) => m.connectionId === ada.peer.connectionId, 20_000);
    await expect
      .poll(async () => (await state(benPage)).peers.find((p) => p.userId === 'ada')?.dominant, { timeout: 20_000 })
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
