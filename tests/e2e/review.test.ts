/**
 * End-to-end test of the review workflow and exports in Chromium, three people in their own
 * browser contexts: the annotator submits from their home page queue, the reviewer finds the task
 * in "To review", starts the review and rejects it with a reason; the annotator sees the reason
 * (who, when) in their queue, on the task and in the project's task list, submits again, and the
 * reviewer accepts. Exports are downloaded through the export dialog (Playwright download event)
 * and their content checked against the annotations written into the layers.
 *
 * The project uses the speech track only (WAV needs no ffprobe).
 */
import { createReadStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEDIA, DEMO_TAXONOMY, DEMO_TIERS } from '../../server/demo/seed.ts';
import { MediaService } from '../../server/media/service.ts';
import { MediaStore } from '../../server/media/store.ts';
import { createProject, setMember } from '../../server/projects/projects.ts';
import { createTask } from '../../server/tasks/tasks.ts';
import { writeAnnotations } from '../helpers/layers.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';
import { ARTIFACTS, WEB_DIR, person, signedIn, type Person } from './helpers-workspace.ts';

const REASON = 'The second turn starts too early.\nPlease check 00:02 again.';

describe('review workflow and exports (Chromium)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let manager: Person, annotator: Person, reviewer: Person;
  let projectId = '';
  let taskId = '';
  let annotatorLayer = '';
  let goldLayer = '';
  let annotatorPage: Page;
  let reviewerPage: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'off', WEB_DIR });
    const db = server.app.database.db;
    manager = await person(server, 'mia', 'Mia Manager');
    annotator = await person(server, 'ana', 'Ana Annotator');
    reviewer = await person(server, 'rex', 'Rex Reviewer');
    const project = await createProject(
      db,
      {
        name: 'Review flow',
        taxonomy: DEMO_TAXONOMY,
        tiers: DEMO_TIERS,
        settings: { visibility: 'reveal_after_submit' },
      },
      manager.id,
    );
    projectId = project.id;
    await setMember(db, projectId, annotator.id, 'annotator', ['linguist'], manager.id);
    await setMember(db, projectId, reviewer.id, 'reviewer', [], manager.id);
    const speech = await new MediaService(db, new MediaStore(data.dir)).upload({
      projectId,
      actorId: manager.id,
      filename: 'speech.wav',
      source: createReadStream(`${DEMO_MEDIA}speech.wav`),
      maxBytes: 64 * 1024 * 1024,
    });
    const task = await createTask(
      db,
      projectId,
      { name: 'Interview 7', media: [{ mediaId: speech.id }], annotators: [annotator.id], reviewers: [reviewer.id] },
      manager.id,
    );
    taskId = task.id;
    const { layers } = await import('../../server/storage/schema.ts');
    const { eq } = await import('drizzle-orm');
    const rows = await db.select().from(layers).where(eq(layers.taskId, taskId));
    annotatorLayer = rows.find((l) => l.userId === annotator.id)!.id;
    goldLayer = rows.find((l) => l.kind === 'gold')!.id;
    const schema = { taxonomy: DEMO_TAXONOMY, tiers: DEMO_TIERS };
    await writeAnnotations(server, annotatorLayer, annotator.id, schema, [
      { kind: 'segment', tierId: 'turns', start: 0.5, end: 1.75, label: 'speech', attributes: { speaker: 'Ada' } },
      { kind: 'segment', tierId: 'turns', start: 2, end: 3.5, label: 'speech', attributes: { speaker: 'Ben' } },
    ]);
    await writeAnnotations(server, goldLayer, reviewer.id, schema, [
      { kind: 'segment', tierId: 'turns', start: 0.5, end: 1.8, label: 'speech', attributes: { speaker: 'Ada' } },
    ]);

    browser = await launchChromium();
    for (const who of [annotator, reviewer]) {
      const context = await signedIn(browser, server, who);
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${who.username}: ${error.message}`));
      if (who === annotator) annotatorPage = page;
      else reviewerPage = page;
    }
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close();
    data?.remove();
  });

  const queueRow = (page: Page, kind: 'review' | 'work') =>
    page.getByTestId(`queue-${kind}`).getByTestId('queue-row').filter({ hasText: 'Interview 7' });

  /** Opens the task from a home page queue. */
  async function openFromQueue(page: Page, kind: 'review' | 'work') {
    await page.goto('/');
    const row = queueRow(page, kind);
    await row.waitFor();
    await row.getByRole('link', { name: 'Interview 7' }).click();
    await page.waitForURL(`**/tasks/${taskId}`);
    await page.getByRole('heading', { name: 'Interview 7' }).waitFor();
  }

  async function pressWorkflow(page: Page, action: string, status: string, confirm?: string) {
    await page.locator(`[data-action="${action}"]`).click();
    if (confirm) await page.getByRole('dialog').getByRole('button', { name: confirm }).click();
    await page.locator(`.status[data-status="${status}"]`).first().waitFor();
  }

  it("lists the task in the annotator's queue only; nothing waits for the reviewer yet", async () => {
    await annotatorPage.goto('/');
    const row = queueRow(annotatorPage, 'work');
    await row.waitFor();
    expect(await row.textContent()).toContain('Review flow');
    expect(await row.locator('.status').getAttribute('data-status')).toBe('open');
    // An annotator reviews nowhere: no review section at all.
    await annotatorPage.getByTestId('project-card').first().waitFor();
    expect(await annotatorPage.getByTestId('queue-review').count()).toBe(0);

    await reviewerPage.goto('/');
    await reviewerPage.getByTestId('queue-review').getByTestId('queue-empty').waitFor();
    expect(await reviewerPage.getByTestId('queue-review').textContent()).toContain('Nothing waits for your review.');
    await reviewerPage.getByTestId('queue-work').getByTestId('queue-empty').waitFor();
  });

  it('annotator submits; the reviewer finds it in "To review", starts the review and rejects with a reason', async () => {
    await openFromQueue(annotatorPage, 'work');
    await pressWorkflow(annotatorPage, 'submit', 'submitted', 'Submit my layer');
    await annotatorPage.goto('/');
    await annotatorPage.getByTestId('queue-work').getByTestId('queue-empty').waitFor();

    await reviewerPage.goto('/');
    const row = queueRow(reviewerPage, 'review');
    await row.waitFor();
    expect(await row.locator('.status').getAttribute('data-status')).toBe('submitted');
    expect(await row.textContent()).toContain('1/1');
    await reviewerPage.screenshot({ path: join(ARTIFACTS, 'review-queue.png'), fullPage: true });
    await openFromQueue(reviewerPage, 'review');
    await pressWorkflow(reviewerPage, 'start_review', 'in_review');
    await reviewerPage.goto('/');
    await queueRow(reviewerPage, 'review').getByText('in review by Rex Reviewer').waitFor();

    await openFromQueue(reviewerPage, 'review');
    await reviewerPage.locator('[data-action="reject"]').click();
    const dialog = reviewerPage.getByRole('dialog', { name: 'Reject the task' });
    await dialog.getByLabel('Reason').fill(REASON);
    await dialog.getByRole('button', { name: 'Reject task' }).click();
    await reviewerPage.locator('.status[data-status="rejected"]').first().waitFor();
    await reviewerPage.goto('/');
    await reviewerPage.getByTestId('queue-review').getByTestId('queue-empty').waitFor();
  });

  it('annotator sees the reason, the reviewer and when, in the queue, on the task and in the project list', async () => {
    await annotatorPage.goto('/');
    const row = queueRow(annotatorPage, 'work');
    await row.waitFor();
    expect(await row.locator('.status').getAttribute('data-status')).toBe('rejected');
    const inQueue = await row.getByTestId('queue-rejection').textContent();
    expect(inQueue).toContain('Rex Reviewer');
    expect(inQueue).toContain('The second turn starts too early.');

    await openFromQueue(annotatorPage, 'work');
    const banner = annotatorPage.getByTestId('rejection-banner');
    await banner.waitFor();
    expect(await banner.getByRole('alert').textContent()).toContain('Rejected by Rex Reviewer');
    expect(await banner.getByTestId('rejection-reason').innerText()).toBe(REASON);
    expect(await banner.locator('time').textContent()).toMatch(/just now|second|minute/);
    await annotatorPage.screenshot({ path: join(ARTIFACTS, 'review-rejected.png') });

    // Resuming keeps the reason in view while the layer is reworked.
    await pressWorkflow(annotatorPage, 'start', 'in_progress');
    expect(await banner.getByRole('alert').textContent()).toContain('Reworking after a rejection by Rex Reviewer');

    await annotatorPage.goto(`/projects/${projectId}`);
    const listed = annotatorPage.getByTestId('task-row').filter({ hasText: 'Interview 7' });
    expect(await listed.getByTestId('task-rejection').textContent()).toContain('The second turn starts too early.');
  });

  it('annotator submits again (the rejection goes), and the reviewer accepts', async () => {
    await openFromQueue(annotatorPage, 'work');
    await pressWorkflow(annotatorPage, 'submit', 'submitted', 'Submit my layer');
    expect(await annotatorPage.getByTestId('rejection-banner').count()).toBe(0);

    await openFromQueue(reviewerPage, 'review');
    await pressWorkflow(reviewerPage, 'start_review', 'in_review');
    await pressWorkflow(reviewerPage, 'accept', 'accepted', 'Accept');
    await reviewerPage.goto('/');
    await reviewerPage.getByTestId('queue-review').getByTestId('queue-empty').waitFor();
    await annotatorPage.goto('/');
    await annotatorPage.getByTestId('queue-work').getByTestId('queue-empty').waitFor();
  });

  it("downloads a layer, the task's gold and the project's gold as JSON files with the annotations", async () => {
    await reviewerPage.goto(`/tasks/${taskId}`);
    await reviewerPage.getByRole('heading', { name: 'Interview 7' }).waitFor();

    async function download(opener: Page, choice: string) {
      await opener.getByRole('button', { name: 'Export…' }).click();
      const dialog = opener.getByRole('dialog', { name: /^Export the/ });
      await dialog.getByRole('radio', { name: choice }).check();
      const [file] = await Promise.all([
        opener.waitForEvent('download'),
        dialog.getByRole('button', { name: 'Download JSON' }).click(),
      ]);
      await dialog.locator('[data-testid="export-progress"][data-phase="done"]').waitFor();
      expect(await dialog.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
      const content = JSON.parse(readFileSync((await file.path())!, 'utf8'));
      await dialog.getByRole('button', { name: 'Close', exact: true }).click();
      return { name: file.suggestedFilename(), content };
    }

    const layer = await download(reviewerPage, 'Layer of Ana Annotator');
    expect(layer.name).toBe(`task-${taskId}-layer-${annotatorLayer}.json`);
    expect(layer.content).toMatchObject({ format: 'concord-export', selection: { include: 'layer' }, gold: null });
    expect(layer.content.layers).toHaveLength(1);
    const turns = layer.content.layers[0].annotations
      .map((a: { start: number; end: number; attributes: { speaker: string }; author: string }) => [
        a.start,
        a.end,
        a.attributes.speaker,
        a.author,
      ])
      .sort();
    expect(turns).toEqual([
      [0.5, 1.75, 'Ada', annotator.id],
      [2, 3.5, 'Ben', annotator.id],
    ]);

    const gold = await download(reviewerPage, 'Gold layer');
    expect(gold.name).toBe(`task-${taskId}-gold.json`);
    expect(gold.content.layers).toEqual([]);
    expect(gold.content.gold.annotations.map((a: { end: number }) => a.end)).toEqual([1.8]);
    expect(gold.content.task.status).toBe('accepted');

    await reviewerPage.goto(`/projects/${projectId}`);
    await reviewerPage.getByTestId('task-row').first().waitFor();
    const project = await download(reviewerPage, 'Gold of every task');
    expect(project.name).toBe(`project-${projectId}-gold.json`);
    expect(project.content.tasks.map((t: { gold: { annotations: unknown[] } }) => t.gold.annotations.length)).toEqual([
      1,
    ]);
  });

  it('offers no project export to an annotator', async () => {
    await annotatorPage.goto(`/projects/${projectId}`);
    await annotatorPage.getByTestId('task-row').first().waitFor();
    expect(await annotatorPage.getByRole('button', { name: 'Export…' }).count()).toBe(0);
  });

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
