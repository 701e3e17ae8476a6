/**
 * Voice inside a live adjudication session, end to end through the real app: the real server
 * with the real mediasoup worker, two reviewers in two Chromium contexts with fake microphones
 * (Chromium's beeping test source), the session started and joined in the workspace, voice joined
 * from the session panel. Each hears the other (inbound RTP bytes grow in the receiving
 * transport's getStats), mute stops the flow, the speaking indicator follows the active speaker,
 * a dropped session socket (a network blip) is recovered from without a click, and leaving tears
 * down the server side (the router's dump, then the router).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { requireWorker } from '../helpers/voice.ts';
import { launchChromium } from './browser.ts';
import {
  ARTIFACTS,
  WEB_DIR,
  makeProject,
  openWorkspace,
  person,
  sessionCookie,
  Visitors,
  until,
  type Person,
  type Setup,
} from './helpers-workspace.ts';
import { MEDIA_ARGS } from './voice-page.ts';

type VoiceWindow = { __concordVoice: { receivedBytes(): Promise<number> } };

const receivedBytes = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as VoiceWindow).__concordVoice.receivedBytes());

describe('voice in a live session (Chromium fake microphones ↔ mediasoup worker)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let server: TestServer;
  let browser: Browser;
  const visitors = new Visitors();
  const pageErrors = visitors.pageErrors;
  let rita: Person;
  let rob: Person;
  let setup: Setup;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    server = await startServer({
      DATA_DIR: data.dir,
      DATABASE_URL: '',
      DEMO: 'off',
      WEB_DIR,
      VOICE: 'on',
      MEDIASOUP_WORKER_BIN: requireWorker(),
      VOICE_WORKERS: '1',
    });
    await server.app.voice.ready;
    expect(server.app.voice.available).toBe(true);
    const manager = await person(server, 'maya', 'Maya Manager');
    const ada = await person(server, 'ada', 'Ada Lovelace');
    rita = await person(server, 'rita', 'Rita Reviewer');
    rob = await person(server, 'rob', 'Rob Reviewer');
    setup = await makeProject(server, data.dir, {
      name: 'Voice',
      manager,
      visibility: 'open',
      members: [
        { who: ada, role: 'annotator' },
        { who: rita, role: 'reviewer' },
        { who: rob, role: 'reviewer' },
      ],
      annotators: [ada],
      reviewers: [rita, rob],
    });
    browser = await launchChromium(MEDIA_ARGS);
  }, 120_000);

  afterAll(async () => {
    await visitors.closeAll();
    await browser?.close().catch(() => undefined);
    await server?.close();
    data?.remove();
  });

  async function pageAs(who: Person): Promise<Page> {
    return (await visitors.open(browser, server, who)).page;
  }

  const voice = (page: Page) => page.getByRole('region', { name: 'Voice' });
  const voiceStatus = (page: Page) => voice(page).getByRole('status').textContent();
  const peerRow = (page: Page, who: Person) =>
    page.getByRole('list', { name: 'Participants in voice' }).locator(`li[data-user="${who.id}"]`);

  /** Bytes received over `ms`: what flows from the other participant right now. */
  async function flow(page: Page, ms: number): Promise<number> {
    const before = await receivedBytes(page);
    await page.waitForTimeout(ms);
    return (await receivedBytes(page)) - before;
  }

  it('two reviewers hear each other; mute stops the flow; the speaker shows; a blip heals; leaving frees the server side', async () => {
    const A = await pageAs(rita);
    const B = await pageAs(rob);
    await openWorkspace(A, setup.taskId);
    await openWorkspace(B, setup.taskId);

    // Rita starts a session inviting Rob; Rob joins from the prompt.
    await A.getByTestId('session-start-open').click();
    await A.getByRole('checkbox', { name: /Rob Reviewer/ }).check();
    await A.getByTestId('session-start').click();
    await B.getByTestId('session-invitation').waitFor();
    await B.getByTestId('session-join').click();
    await expect.poll(() => B.getByTestId('session-leader').textContent()).toBe('Rita Reviewer leads');
    const sessionId = (
      await server.app.inject({
        method: 'GET',
        url: `/api/tasks/${setup.taskId}/session`,
        headers: { cookie: await sessionCookie(server, rita) },
      })
    ).json<{ id: string }>().id;

    // Both join voice from the session panel.
    for (const page of [A, B]) {
      await page.getByTestId('session-chip').click();
      await voice(page).getByRole('button', { name: 'Join voice' }).click();
    }
    for (const page of [A, B]) await expect.poll(() => voiceStatus(page), { timeout: 20_000 }).toBe('Connected');
    await until('each sees the other in the call', async () =>
      (await peerRow(A, rob).count()) === 1 && (await peerRow(B, rita).count()) === 1 ? true : null,
    );

    // Each receives the other's audio: inbound RTP bytes grow.
    for (const page of [A, B]) {
      await until('audio arriving', async () => ((await receivedBytes(page)) > 1000 ? true : null), {
        timeout: 20_000,
      });
      expect(await flow(page, 1000)).toBeGreaterThan(1000);
    }
    const dump = await server.app.voice.dump(sessionId);
    expect(dump?.transportIds).toHaveLength(4);

    // Rob mutes: Rita stops receiving, sees him muted, and Rita (the one speaker) is dominant for Rob.
    await voice(B).getByRole('button', { name: 'Mute' }).click();
    // The chip tells Rob he is in the call, muted, without opening the panel.
    await expect.poll(() => B.getByTestId('session-voice').textContent()).toMatch(/voice \(muted\)/);
    await expect.poll(() => peerRow(A, rob).getAttribute('data-muted')).toBe('true');
    await A.waitForTimeout(500); // packets in flight when the producer paused
    expect(await flow(A, 1500)).toBe(0);
    expect(await flow(B, 1000)).toBeGreaterThan(1000);
    await expect.poll(() => peerRow(B, rita).getAttribute('data-dominant'), { timeout: 20_000 }).toBe('true');

    // Now the other way round: the indicator follows the active speaker.
    await voice(A).getByRole('button', { name: 'Mute' }).click();
    await voice(B).getByRole('button', { name: 'Unmute' }).click();
    await expect.poll(() => peerRow(A, rob).getAttribute('data-muted')).toBe('false');
    await expect.poll(() => peerRow(A, rob).getAttribute('data-dominant'), { timeout: 20_000 }).toBe('true');
    await B.waitForTimeout(500);
    expect(await flow(B, 1500)).toBe(0);
    expect(await flow(A, 1000)).toBeGreaterThan(1000);
    await A.screenshot({ path: join(ARTIFACTS, 'voice-session.png') });

    // A network blip on Rob's side: his session socket drops. The server frees his call; his
    // channel reconnects as a new connection and his client rejoins the call by itself.
    const live = server.app.sessions.get(setup.taskId)!;
    const robConnection = [...live.connections.values()].find((c) => c.userId === rob.id)!;
    // 1011 (server error): not a final code, so the client reconnects, as after a lost network.
    robConnection.socket.close(1011, 'network blip (test)');
    await until('Rob’s channel back as a new connection', async () =>
      [...live.connections.values()].some((c) => c.userId === rob.id && c.connectionId !== robConnection.connectionId)
        ? true
        : null,
    );
    await expect.poll(() => voiceStatus(B), { timeout: 30_000 }).toBe('Connected');
    await until(
      'the call whole again: four transports, nothing left of the old connection',
      async () => ((await server.app.voice.dump(sessionId))?.transportIds.length === 4 ? true : null),
      { timeout: 30_000 },
    );
    await until('Rita hears Rob again', async () => ((await flow(A, 1000)) > 1000 ? true : null), { timeout: 30_000 });
    await voice(A).getByRole('button', { name: 'Unmute' }).click();
    await until('Rob hears Rita again', async () => ((await flow(B, 1000)) > 1000 ? true : null), { timeout: 30_000 });

    // Rita leaves voice: her two transports go from the router; Rob's call ends for her.
    await voice(A).getByRole('button', { name: 'Leave voice' }).click();
    await until('Rita’s transports freed', async () =>
      (await server.app.voice.dump(sessionId))?.transportIds.length === 2 ? true : null,
    );
    await expect.poll(() => peerRow(B, rita).count()).toBe(0);
    // Rob leaves: the last one out closes the router.
    await voice(B).getByRole('button', { name: 'Leave voice' }).click();
    await until('the router closed', async () =>
      (await server.app.voice.existingRoom(sessionId)) === undefined ? true : null,
    );
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
