/**
 * End-to-end test of comment threads (web/lib/threads) in the workspace against the real server,
 * one Chromium context per person: a thread on a time range with a mention, live to the other
 * person (panel, timeline strip, tab badge), a reply, resolving with who resolved it, and the state
 * after a reload and in a fresh browser (so from the server, not the browser's local copy). In
 * blind mode an anchor on a layer the viewer cannot see is shown as "on another layer".
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration } from '../../web/lib/components/format.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';
import {
  ARTIFACTS,
  WEB_DIR,
  items,
  laneOf,
  makeProject,
  openWorkspace,
  person,
  point,
  Visitors,
  state,
  until,
  type Person,
  type Setup,
} from './helpers-workspace.ts';

describe('comment threads (Chromium, two people)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let server: TestServer;
  let browser: Browser;
  const visitors = new Visitors();
  const pageErrors = visitors.pageErrors;
  let manager: Person;
  let ada: Person;
  let ben: Person;
  let open: Setup;
  let blind: Setup;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'off', WEB_DIR });
    manager = await person(server, 'maya', 'Maya Manager');
    ada = await person(server, 'ada', 'Ada Lovelace');
    ben = await person(server, 'ben', 'Ben Okafor');
    const members = [
      { who: ada, role: 'annotator' as const },
      { who: ben, role: 'annotator' as const },
    ];
    open = await makeProject(server, data.dir, {
      name: 'Open threads',
      manager,
      visibility: 'open',
      members,
      annotators: [ada, ben],
      reviewers: [],
    });
    blind = await makeProject(server, data.dir, {
      name: 'Blind threads',
      manager,
      visibility: 'blind',
      members,
      annotators: [ada, ben],
      reviewers: [],
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

  const commentsTab = (page: Page): Locator => page.getByRole('tab', { name: /^Comments/ });
  const thread = (page: Page, id: string): Locator => page.locator(`[data-testid="thread"][data-thread-id="${id}"]`);
  const marker = (page: Page, id: string): Locator =>
    page.locator(`[data-testid="thread-marker"][data-thread-id="${id}"]`);

  it('A comments on a range mentioning B; B sees it live, replies; A resolves; B sees who; it persists', async () => {
    const A = await pageAs(ada);
    const B = await pageAs(ben);
    await openWorkspace(A, open.taskId);
    await openWorkspace(B, open.taskId);

    // A marks a range 1 s – 3 s with the keyboard (the timeline has the focus on open).
    await A.locator('.timeline').focus();
    await A.keyboard.press('Shift+ArrowRight');
    await A.keyboard.press('[');
    await A.keyboard.press('Shift+ArrowRight');
    await A.keyboard.press('Shift+ArrowRight');
    await A.keyboard.press(']');
    const sel = await until('A’s selection range', async () => (await state(A)).selection);
    // Snapped to the 30000/1001 video's frames: about 1 s – 3 s.
    expect(sel.start).toBeCloseTo(1, 2);
    expect(sel.end).toBeCloseTo(3, 2);

    // The comment hotkey opens the panel with the box focused, on the selection.
    await A.keyboard.press('Control+Alt+m');
    const box = A.getByTestId('new-comment');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await A.locator('input[name="anchor"][value="range"]').isChecked()).toBe(true);

    // `@ben` offers Ben; Enter picks him; Enter then posts.
    await A.keyboard.type('Is this laughter? @ben');
    const option = A.getByTestId('mention-option').first();
    await option.waitFor();
    expect(await option.textContent()).toContain('Ben Okafor');
    await A.keyboard.press('Enter');
    expect(await box.inputValue()).toBe(`Is this laughter? @${ben.username} `);
    await A.keyboard.type('please check');
    await A.keyboard.press('Enter');

    const card = A.locator('[data-testid="thread"]');
    await card.waitFor();
    const id = (await card.getAttribute('data-thread-id'))!;
    expect(await box.inputValue()).toBe('');
    expect(await thread(A, id).getAttribute('data-state')).toBe('open');
    expect(await thread(A, id).getByTestId('mention').textContent()).toBe('@Ben Okafor');
    expect(await thread(A, id).getByTestId('thread-anchor').textContent()).toContain(
      `${formatDuration(sel.start)}–${formatDuration(sel.end)}`,
    );
    expect(await thread(A, id).getAttribute('data-mentions-me')).toBe('false');

    // B: the marker on the strip and the badge arrive without any action of B's.
    await marker(B, id).waitFor({ timeout: 5000 });
    expect(await commentsTab(B).textContent()).toMatch(/Comments\s*1/);
    const strip = await B.getByTestId('thread-strip').boundingBox();
    const m = await marker(B, id).boundingBox();
    const lane = laneOf((await state(B)).layers.find((l) => l.userId === ben.id)!.id, 'turns');
    const x1 = (await point(B, lane, sel.start)).x;
    const x3 = (await point(B, lane, sel.end)).x;
    // The marker spans the range on the same scale as the lanes below.
    expect(strip).not.toBeNull();
    expect(Math.abs(m!.x - x1)).toBeLessThan(2);
    expect(Math.abs(m!.x + m!.width - x3)).toBeLessThan(2);

    // Clicking it opens the thread in B's panel, marked as mentioning B, focus in the reply box.
    await marker(B, id).click();
    const bCard = thread(B, id);
    await bCard.waitFor();
    expect(await commentsTab(B).getAttribute('aria-selected')).toBe('true');
    expect(await bCard.getAttribute('data-mentions-me')).toBe('true');
    expect(await bCard.getByTestId('mentions-me').isVisible()).toBe(true);
    expect(await bCard.getByTestId('message-author').first().textContent()).toBe('Ada Lovelace');
    const reply = bCard.getByTestId('reply-input');
    await expect.poll(() => reply.evaluate((el) => el === document.activeElement)).toBe(true);
    // The anchor seeks B's playhead to the range.
    await bCard.getByTestId('thread-anchor').click();
    await until('B’s playhead at the start', async () => Math.abs((await state(B)).playhead - sel.start) < 1e-6);

    await reply.fill('Yes, laughter from 1.2 s.');
    await reply.press('Enter');
    await until('A sees B’s reply', async () => (await thread(A, id).getByTestId('message').count()) === 2);
    expect(await thread(A, id).getByTestId('message-author').nth(1).textContent()).toBe('Ben Okafor');
    await B.screenshot({ path: join(ARTIFACTS, 'threads.png') });

    // A resolves; B sees it resolved with A's name, the marker and the badge go.
    await thread(A, id).getByRole('button', { name: 'Resolve' }).click();
    await until('B sees it resolved', async () => (await bCard.getAttribute('data-state')) === 'resolved');
    expect(await bCard.getByTestId('resolution').textContent()).toMatch(/Resolved by\s+Ada Lovelace\s+just now/);
    await marker(B, id).waitFor({ state: 'detached' });
    expect(await commentsTab(B).textContent()).toMatch(/^\s*Comments\s*$/);
    expect(await thread(A, id).getByTestId('resolution').textContent()).toMatch(/Resolved by\s+You/);

    // Filters: B finds it under "Resolved" and "Mentioning me", not under "Open".
    await B.locator('[data-filter="open"]').click();
    expect(await bCard.count()).toBe(0);
    await B.locator('[data-filter="mentions"]').click();
    expect(await bCard.count()).toBe(1);
    await B.locator('[data-filter="resolved"]').click();
    expect(await bCard.count()).toBe(1);

    // After a reload, and in a fresh browser (nothing stored locally): still resolved, by Ada.
    await B.reload();
    await openWorkspace(B, open.taskId);
    await commentsTab(B).click();
    await thread(B, id).waitFor();
    expect(await thread(B, id).getAttribute('data-state')).toBe('resolved');
    expect(await thread(B, id).getByTestId('message').count()).toBe(2);
    const fresh = await pageAs(ben);
    await openWorkspace(fresh, open.taskId);
    await commentsTab(fresh).click();
    await thread(fresh, id).waitFor();
    expect(await thread(fresh, id).getAttribute('data-state')).toBe('resolved');
    expect(await thread(fresh, id).getByTestId('resolution').textContent()).toContain('Ada Lovelace');
    expect(await thread(fresh, id).getByTestId('message').allTextContents()).toEqual([
      expect.stringContaining('Is this laughter? @Ben Okafor please check'),
      expect.stringContaining('Yes, laughter from 1.2 s.'),
    ]);

    // Reopen brings the marker back for everyone.
    await thread(fresh, id).getByRole('button', { name: 'Reopen' }).click();
    await marker(A, id).waitFor({ timeout: 5000 });
    expect(await thread(A, id).getAttribute('data-state')).toBe('open');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('blind mode: a comment on A’s annotation shows to B as “on another layer”, without a marker', async () => {
    const A = await pageAs(ada);
    const B = await pageAs(ben);
    await openWorkspace(A, blind.taskId);
    await openWorkspace(B, blind.taskId);
    const adaLayer = (await state(A)).layers.find((l) => l.userId === ada.id)!.id;
    expect((await state(B)).layers.some((l) => l.id === adaLayer)).toBe(false);

    // A draws a segment on her lane and labels it (it stays selected), then comments on it.
    const lane = laneOf(adaLayer, 'turns');
    const a = await point(A, lane, 2);
    const b = await point(A, lane, 4);
    await A.mouse.move(a.x, a.y);
    await A.mouse.down();
    await A.mouse.move(b.x, b.y, { steps: 6 });
    await A.mouse.up();
    const seg = await until('A’s segment', async () => (await items(A, lane))[0]);
    await until('A selected it', async () => (await state(A)).selected[0]?.id === seg.id);
    await A.keyboard.press('s');
    await until('labelled', async () => (await items(A, lane))[0]?.label === 'speech');

    await A.keyboard.press('Control+Alt+m');
    expect(await A.locator('input[name="anchor"][value="annotation"]').isChecked()).toBe(true);
    await A.getByTestId('new-comment').fill('Boundary too early?');
    await A.getByRole('button', { name: 'Comment', exact: true }).click();
    const card = A.locator('[data-testid="thread"]');
    await card.waitFor();
    const id = (await card.getAttribute('data-thread-id'))!;
    expect(await card.getByTestId('thread-anchor').textContent()).toMatch(/Speech · .* · Your layer/);
    await marker(A, id).waitFor();

    // B: the thread and its text (the task document is shared), not the annotation.
    await until('B’s badge', async () => /Comments\s*1/.test((await commentsTab(B).textContent()) ?? ''));
    await commentsTab(B).click();
    const bCard = thread(B, id);
    await bCard.waitFor();
    expect((await bCard.getByTestId('thread-anchor').textContent())?.trim()).toBe('On another layer');
    expect(await bCard.getByTestId('thread-anchor').evaluate((el) => el.tagName)).toBe('SPAN');
    expect(await bCard.textContent()).not.toMatch(/Speech|0:02/);
    expect(await marker(B, id).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
