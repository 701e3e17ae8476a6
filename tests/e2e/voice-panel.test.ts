/**
 * VoicePanel in Chromium (mounted on a bare page: the live-session view that will host it is
 * another module's), against the real voice server and worker: join, participants with volume,
 * mute, push-to-talk by key, leave; and the "voice unavailable" state of a server without worker.
 */
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { VoiceService } from '../../server/voice/service.ts';
import { hubFor, session, startVoice } from '../helpers/voice.ts';
import { launchChromium } from './browser.ts';
import { MEDIA_ARGS, voicePages, type VoicePages } from './voice-page.ts';

describe('VoicePanel (Chromium)', () => {
  let voice: VoiceService;
  let browser: Browser;
  let pages: VoicePages;

  beforeAll(async () => {
    voice = await startVoice();
    browser = await launchChromium(MEDIA_ARGS);
    pages = await voicePages(browser);
  }, 120_000);

  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await voice?.close();
  });

  const status = (page: Page) => page.getByRole('region', { name: 'Voice' }).getByRole('status');

  it('join, see and set the volume of others, mute, push-to-talk, leave', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'panel'));
    const ada = hub.connect('ada', 'Ada');
    const ben = hub.connect('ben', 'Ben');
    const { page: adaPage, errors } = await pages.open(ada, 'panel');
    const { page: benPage } = await pages.open(ben, 'panel');

    await expect.poll(() => status(adaPage).textContent()).toBe('Not in voice');
    await adaPage.getByRole('button', { name: 'Join voice' }).click();
    await expect.poll(() => status(adaPage).textContent(), { timeout: 15_000 }).toBe('Connected');
    await benPage.getByRole('button', { name: 'Join voice' }).click();
    await expect.poll(() => status(benPage).textContent(), { timeout: 15_000 }).toBe('Connected');

    const list = adaPage.getByRole('list', { name: 'Participants in voice' });
    await expect
      .poll(() => list.getByRole('listitem').allTextContents())
      .toEqual([expect.stringContaining('You'), expect.stringContaining('Ben')]);
    const slider = adaPage.getByRole('slider', { name: 'Volume of Ben' });
    expect(await slider.inputValue()).toBe('1');
    await slider.fill('0.3');
    expect(await adaPage.locator('audio').count()).toBe(0); // played by Audio objects, not in the DOM
    await expect.poll(() => slider.inputValue()).toBe('0.3');

    // Mute: pressed state here, "muted" at Ben's.
    const mute = adaPage.getByRole('button', { name: 'Mute' });
    await mute.click();
    expect(await adaPage.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe('true');
    const benList = benPage.getByRole('list', { name: 'Participants in voice' });
    await expect.poll(() => benList.getByRole('listitem').nth(1).textContent()).toContain('muted');
    await adaPage.getByRole('button', { name: 'Unmute' }).click();
    await expect.poll(() => benList.getByRole('listitem').nth(1).textContent()).not.toContain('muted');

    // Push-to-talk with the default key (`): silent until held.
    await adaPage.getByRole('checkbox', { name: 'Push to talk' }).check();
    expect(await adaPage.getByRole('button', { name: 'Mute' }).isDisabled()).toBe(true);
    await expect.poll(() => benList.getByRole('listitem').nth(1).textContent()).toContain('muted');
    await adaPage.locator('body').click();
    await adaPage.keyboard.down('Backquote');
    await expect.poll(() => adaPage.getByText('Talking').count()).toBe(1);
    await expect.poll(() => benList.getByRole('listitem').nth(1).textContent()).not.toContain('muted');
    await adaPage.keyboard.up('Backquote');
    await expect.poll(() => benList.getByRole('listitem').nth(1).textContent()).toContain('muted');

    await adaPage.getByRole('button', { name: 'Leave voice' }).click();
    await expect.poll(() => status(adaPage).textContent()).toBe('Not in voice');
    await expect.poll(() => benList.getByRole('listitem').count()).toBe(1);
    expect(errors).toEqual([]);
    await benPage.getByRole('button', { name: 'Leave voice' }).click();
    await expect.poll(async () => voice.dump('panel')).toBeUndefined();
    await adaPage.close();
    await benPage.close();
  }, 120_000);

  it('says voice is unavailable when the server has no worker', async () => {
    const config = loadConfig({ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' });
    const none = new VoiceService(config.voice, pino({ level: 'silent' }));
    await none.start();
    try {
      const hub = hubFor(none, session(['ada'], 'none'));
      const { page } = await pages.open(hub.connect('ada', 'Ada'), 'panel');
      await expect.poll(() => status(page).textContent()).toBe('Voice unavailable');
      expect(await page.getByText('Everything else in the session works').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Join voice' }).count()).toBe(0);
      await page.close();
    } finally {
      await none.close();
    }
  });
});
