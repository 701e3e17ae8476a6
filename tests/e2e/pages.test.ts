/**
 * End-to-end test of the web app's pages (sign-in, projects, settings, media, tasks, workflow)
 * against the real server with the demo project, driven through Debian's Chromium.
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH); build/web is built by the global setup when stale.
 * Screenshots go to tests/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/accounts/accounts.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_DIR = join(ROOT, 'build/web');
const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
const SPEECH = join(ROOT, 'tests/fixtures/media/demo/speech.wav');

const USERNAME = 'e2e-admin';
const PASSWORD = 'e2e correct horse battery';

describe('web pages (Chromium)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  let projectId = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    // DEMO=on: bootstrap creates the admin, ada, ben and the demo project with its media.
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'on', WEB_DIR });
    await createUser(
      server.app.database.db,
      { username: USERNAME, displayName: 'E2E Admin', password: PASSWORD, isAdmin: true },
      null,
    );
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: server.httpUrl, viewport: { width: 1360, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close();
    data?.remove();
  });

  /** A JSON GET with the page's session cookie. */
  async function apiGet<T>(path: string): Promise<T> {
    const response = await context.request.get(path);
    expect(response.status(), `GET ${path}`).toBe(200);
    return (await response.json()) as T;
  }

  it('signs in and lists the demo project', async () => {
    await page.goto('/');
    // Not signed in: the app sends us to the sign-in page.
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Username').fill(USERNAME);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect(page.getByTestId('current-user').textContent()).resolves.toContain('E2E Admin');
    const card = page.getByTestId('project-card').filter({ hasText: 'Demo: a 40-second tour' });
    await card.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'projects.png') });
    await card.getByRole('link').click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    projectId = page.url().split('/').at(-1)!;
    // The demo's two tasks.
    await page.getByTestId('task-row').first().waitFor();
    expect(await page.getByTestId('task-row').count()).toBe(2);
  });

  it('adds a member, and refuses then saves a taxonomy class with a duplicate hotkey', async () => {
    await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/settings$/);

    // Members: the e2e admin joins as an annotator (so it can be assigned a task below).
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByTestId('member-row').first().waitFor();
    await page.getByLabel('Username').fill(USERNAME);
    await page.getByLabel('Role', { exact: true }).selectOption('annotator');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page
      .getByTestId('member-row')
      .filter({ hasText: `@${USERNAME}` })
      .waitFor();

    // Taxonomy: a new class with the hotkey of "Speech" → inline error, save blocked.
    await page.getByRole('tab', { name: 'Taxonomy' }).click();
    await page.getByTestId('class-item').first().waitFor();
    const before = await page.getByTestId('class-item').count();
    await page.getByRole('button', { name: '+ Class' }).click();
    await expect.poll(() => page.getByTestId('class-item').count()).toBe(before + 1);
    const details = page.getByRole('region', { name: 'Class details' });
    // The new class is selected with its name field focused.
    await details.getByLabel('Name', { exact: true }).fill('Music');
    expect(await details.getByLabel('Id', { exact: true }).inputValue()).toBe('music');
    await page.getByTestId('class-hotkey').fill('s');
    const hotkeyError = page.getByTestId('hotkey-error');
    await hotkeyError.waitFor();
    expect(await hotkeyError.textContent()).toContain('used by "speech"');
    expect(await page.getByTestId('class-hotkey').getAttribute('aria-invalid')).toBe('true');
    const save = page.getByTestId('savebar').getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    expect(await page.getByTestId('save-state').textContent()).toContain('1 problem');

    // Fixed: the error goes away and the save goes through with the project revision.
    await page.getByTestId('class-hotkey').fill('u');
    await hotkeyError.waitFor({ state: 'detached' });
    const saved = page.waitForResponse(
      (r) => r.url().endsWith(`/api/projects/${projectId}/schema`) && r.request().method() === 'PUT',
    );
    await save.click();
    expect((await saved).status()).toBe(200);
    await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();

    const schema = await apiGet<{ taxonomy: { classes: Array<{ id: string; name: string; hotkey: string | null }> } }>(
      `/api/projects/${projectId}/schema`,
    );
    expect(schema.taxonomy.classes).toContainEqual(
      expect.objectContaining({ id: 'music', name: 'Music', hotkey: 'u' }),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'settings-taxonomy.png'), fullPage: true });

    // Tabs are keyboard-operable: → from Taxonomy selects Tiers.
    await page.getByRole('tab', { name: 'Taxonomy' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Tiers' }).getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('tier-item').filter({ hasText: 'Transcript' }).click();
    expect(await page.getByLabel('Parent tier').inputValue()).toBe('turns');
    await page.screenshot({ path: join(ARTIFACTS, 'settings-tiers.png'), fullPage: true });
  });

  it('uploads a media file with a progress bar', async () => {
    await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Media' }).click();
    await page.waitForURL(/\/media$/);
    const rows = page.getByTestId('media-row');
    await rows.first().waitFor();
    const before = await rows.count();
    // The demo video shows its exact frame rate.
    await page.getByTestId('media-row').filter({ hasText: 'demo.mp4' }).getByText('29.97 (30000/1001)').waitFor();

    const uploaded = page.waitForResponse(
      (r) => r.url().endsWith(`/api/projects/${projectId}/media`) && r.request().method() === 'POST',
    );
    await page.getByTestId('media-file-input').setInputFiles(SPEECH);
    const item = page.getByTestId('upload-item').filter({ hasText: 'speech.wav' });
    await item.waitFor();
    expect((await uploaded).status()).toBe(201);
    await item.getByRole('progressbar').and(page.locator('[aria-valuenow="100"]')).waitFor();
    await page.locator('[data-testid="upload-item"][data-state="done"]').waitFor();
    await expect.poll(() => rows.count()).toBe(before + 1);
    expect(await rows.filter({ hasText: 'speech.wav' }).count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'media.png'), fullPage: true });
  });

  it('creates a task and runs workflow actions on it', async () => {
    await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Tasks' }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    await page.getByTestId('task-row').first().waitFor();
    await page.getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.getByLabel('Name').fill('E2E speech task');
    // The newest upload is listed first.
    await dialog
      .getByRole('checkbox', { name: /speech\.wav/ })
      .first()
      .check();
    await dialog.getByLabel(/Offset of speech\.wav/).fill('1.5');
    await dialog
      .getByRole('group', { name: 'Annotators' })
      .getByRole('checkbox', { name: new RegExp(`@${USERNAME}`) })
      .check();
    await dialog
      .getByRole('group', { name: 'Reviewers' })
      .getByRole('checkbox', { name: /@admin\b/ })
      .check();
    const created = page.waitForResponse(
      (r) => r.url().endsWith(`/api/projects/${projectId}/tasks`) && r.request().method() === 'POST',
    );
    await dialog.getByRole('button', { name: 'Create task' }).click();
    expect((await created).status()).toBe(201);
    const row = page.getByTestId('task-row').filter({ hasText: 'E2E speech task' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Open');

    // The task page: media with its offset, the workflow buttons transition() allows.
    await row.getByRole('link', { name: 'E2E speech task' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'E2E speech task' }).waitFor();
    await page.getByRole('cell', { name: '1.5 s' }).waitFor();
    expect(await page.getByTestId('layer-row').count()).toBeGreaterThanOrEqual(1);
    await page.locator('[data-action="submit"]').waitFor();
    expect(await page.locator('[data-action="accept"]').count()).toBe(0);

    // Submit (confirmed in a dialog): the only annotator submitted, so the task is submitted.
    await page.locator('[data-action="submit"]').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit my layer' }).click();
    await page.locator('.status[data-status="submitted"]').first().waitFor();

    // As admin we may review: start review, then reject with a reason.
    await page.locator('[data-action="start_review"]').click();
    await page.locator('.status[data-status="in_review"]').first().waitFor();
    await page.locator('[data-action="reject"]').click();
    const reject = page.getByRole('dialog', { name: 'Reject the task' });
    await reject.getByLabel('Reason').fill('Turn boundaries are off by half a second.');
    await reject.getByRole('button', { name: 'Reject task' }).click();
    await page.locator('.status[data-status="rejected"]').first().waitFor();
    await page.getByText('Turn boundaries are off by half a second.').first().waitFor();

    const taskId = page.url().split('/').at(-1)!;
    const task = await apiGet<{ status: string; rejectionReason: string }>(`/api/tasks/${taskId}`);
    expect(task).toMatchObject({ status: 'rejected', rejectionReason: 'Turn boundaries are off by half a second.' });
    await page.screenshot({ path: join(ARTIFACTS, 'task.png'), fullPage: true });
  });

  it('creates an API token, shows its secret once, and revokes it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await page.waitForURL(/\/account$/);
    await page.getByLabel('Name', { exact: true }).fill('e2e export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = page.getByTestId('new-token').getByRole('textbox', { name: 'New API token' });
    expect(await secret.inputValue()).toMatch(/^cnt_/);
    const row = page.getByTestId('token-row').filter({ hasText: 'e2e export' });
    await row.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'account.png'), fullPage: true });
    await row.getByRole('button', { name: /Revoke/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('new-token').waitFor({ state: 'detached' });
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
