/**
 * End-to-end test of the live adjudication session (web/lib/session, server/sessions) with two
 * reviewers in two browser contexts against the real server: A starts a session and invites B,
 * B accepts the invitation prompt; A seeks and plays and B's player follows; B asks for control,
 * A hands it over, B seeks and A's player follows.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';
import {
  ARTIFACTS,
  WEB_DIR,
  lanes,
  makeProject,
  openWorkspace,
  person,
  point,
  Visitors,
  until,
  type Person,
  type Setup,
} from './helpers-workspace.ts';

interface SessionHook {
  playhead: number;
  playing: boolean;
  session: { leaderId: string; joined: boolean; following: boolean } | null;
}

function hook(page: Page): Promise<SessionHook> {
  return page.evaluate(() =>
    (window as unknown as { __concordWorkspace: { state(): SessionHook } }).__concordWorkspace.state(),
  );
}

/** Playhead tolerance (s) while both play: the relay (≤ 50 ms), a 250 ms send interval, drift. */
const PLAYING_TOLERANCE = 0.6;

describe('live adjudication session (Chromium, two reviewers)', () => {
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
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'off', WEB_DIR });
    const manager = await person(server, 'maya', 'Maya Manager');
    const ada = await person(server, 'ada', 'Ada Lovelace');
    rita = await person(server, 'rita', 'Rita Reviewer');
    rob = await person(server, 'rob', 'Rob Reviewer');
    setup = await makeProject(server, data.dir, {
      name: 'Session',
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
    browser = await launchChromium();
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

  async function seek(page: Page, t: number): Promise<void> {
    const lane = (await lanes(page))[0]!.id;
    const p = await point(page, lane, t);
    await page.mouse.click(p.x, p.y);
  }

  it('the follower’s playhead tracks the leader’s; control changes hands and the other follows', async () => {
    const A = await pageAs(rita);
    const B = await pageAs(rob);
    await openWorkspace(A, setup.taskId);
    await openWorkspace(B, setup.taskId);

    // A starts a session and invites B from the picker.
    await A.getByTestId('session-start-open').click();
    await A.getByRole('checkbox', { name: /Rob Reviewer/ }).check();
    await A.getByTestId('session-start').click();
    await expect.poll(() => A.getByTestId('session-leader').textContent()).toBe('You lead');

    // B has the task open: the invitation prompt appears; B joins.
    const prompt = B.getByTestId('session-invitation');
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain('Rita Reviewer invites you');
    await B.getByTestId('session-join').click();
    await expect.poll(() => B.getByTestId('session-leader').textContent()).toBe('Rita Reviewer leads');
    await A.getByTestId('session-chip').click();
    await until(
      'B connected in A’s participant list',
      async () =>
        (await A.locator(`[data-testid="session-participant"][data-user="${rob.id}"]`).getAttribute(
          'data-connected',
        )) === 'true',
    );
    await A.getByTestId('session-chip').click();

    // A seeks (paused): B's playhead goes exactly there.
    await seek(A, 12);
    const sought = (await hook(A)).playhead;
    expect(sought).toBeCloseTo(12, 0);
    await until('B follows A’s seek', async () => Math.abs((await hook(B)).playhead - sought) < 1e-3);

    // A plays: B plays along and stays within tolerance.
    await A.keyboard.press('Space');
    await until('A plays', async () => (await hook(A)).playing);
    await until('B plays along', async () => (await hook(B)).playing, { timeout: 10_000 });
    await until('A past 13 s', async () => (await hook(A)).playhead > sought + 1, { timeout: 15_000 });
    for (let i = 0; i < 5; i++) {
      const [a, b] = await Promise.all([hook(A), hook(B)]);
      expect(Math.abs(a.playhead - b.playhead), `sample ${i}: A ${a.playhead} B ${b.playhead}`).toBeLessThan(
        PLAYING_TOLERANCE,
      );
      expect(b.playing).toBe(true);
      await A.waitForTimeout(200);
    }
    // A pauses: B stops on the same spot.
    await A.keyboard.press('Space');
    await until('A paused', async () => !(await hook(A)).playing);
    const stopped = (await hook(A)).playhead;
    await until('B paused where A stopped', async () => {
      const b = await hook(B);
      return !b.playing && Math.abs(b.playhead - stopped) < 1e-3;
    });

    // B asks for control; A sees the request and gives it.
    await B.getByTestId('session-chip').click();
    await B.getByTestId('session-request').click();
    await A.getByTestId('session-chip').click();
    const row = A.locator(`[data-testid="session-participant"][data-user="${rob.id}"]`);
    await row.getByText('asks for control').waitFor();
    await row.getByTestId('session-grant').click();
    await expect.poll(() => B.getByTestId('session-leader').textContent()).toBe('You lead');
    await expect.poll(() => A.getByTestId('session-leader').textContent()).toBe('Rob Reviewer leads');
    expect((await hook(A)).session).toMatchObject({ leaderId: rob.id, following: true });

    // B seeks: A follows.
    await B.getByTestId('session-chip').click();
    await A.getByTestId('session-chip').click();
    await seek(B, 25);
    const target = (await hook(B)).playhead;
    expect(target).toBeCloseTo(25, 0);
    await until('A follows B', async () => Math.abs((await hook(A)).playhead - target) < 1e-3);

    // B selects a range and puts it under discussion: A sees B's selection in the participant
    // list, the focus in the panel, and (following) gets the range selected too.
    await B.keyboard.press('[');
    for (let i = 0; i < 15; i++) await B.keyboard.press('ArrowRight');
    await B.keyboard.press(']');
    const range = (await B.evaluate(
      () =>
        (window as unknown as { __concordWorkspace: { state(): { selection: unknown } } }).__concordWorkspace.state()
          .selection,
    )) as { start: number; end: number };
    expect(range.end).toBeGreaterThan(range.start);
    await A.getByTestId('session-chip').click();
    const robRow = A.locator(`[data-testid="session-participant"][data-user="${rob.id}"]`);
    await until('B’s selection in A’s panel', async () =>
      /\d:\d\d\.\d–\d:\d\d\.\d/.test((await robRow.textContent()) ?? ''),
    );
    await B.getByTestId('session-chip').click();
    await B.getByTestId('session-discuss').click();
    await expect
      .poll(() => A.getByTestId('session-focus').textContent())
      .toBe(`${range.start.toFixed(2)}–${range.end.toFixed(2)} s`);
    await until('A shows the focused range', async () => {
      const sel = await A.evaluate(
        () =>
          (window as unknown as { __concordWorkspace: { state(): { selection: unknown } } }).__concordWorkspace.state()
            .selection,
      );
      return JSON.stringify(sel) === JSON.stringify(range);
    });

    expect(pageErrors).toEqual([]);
  }, 90_000);
});
