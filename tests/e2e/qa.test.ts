/**
 * End-to-end test of the QA console against the real server with the demo project, in Chromium:
 * a reviewer (the QA lead) opens /projects/:id/qa and sees the demo agreement (Ada and Ben on
 * the tour clip); Ada then edits her layer from this process through a real y-websocket provider
 * authenticated with her API token, and the console shows the changed task headline within a
 * second, without a reload. Annotators get neither the console nor the agreement column.
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH); build/web is built by the global setup when stale.
 * Screenshot: tests/e2e/artifacts/qa.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createApiToken, createUser, findUserByUsername } from '../../server/accounts/accounts.ts';
import { DEMO_TAXONOMY, DEMO_TIERS } from '../../server/demo/seed.ts';
import { setMember, updateProject } from '../../server/projects/projects.ts';
import { projects } from '../../server/storage/schema.ts';
import { LayerDoc, type LayerContext } from '../../shared/model/index.ts';
import { formatValue } from '../../web/lib/qa/figures.ts';
import { whenSynced } from '../helpers/providers.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_DIR = join(ROOT, 'build/web');
const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
const PASSWORD = 'qa correct horse battery';
/** The project's agreement threshold in this test (the demo keeps the default 0.667). */
const STRICT = 0.9;

interface TaskJson {
  id: string;
  name: string;
  layers: Array<{ kind: string; userId: string | null; docName: string; access: 'read' | 'write' }>;
}

describe('QA console (Chromium)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let server: TestServer;
  let browser: Browser;
  let lead: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  let projectId = '';
  let tourId = '';
  let ada: { id: string; token: string };

  async function signIn(context: BrowserContext, username: string): Promise<void> {
    const res = await context.request.post('/api/auth/sign-in', { data: { username, password: PASSWORD } });
    expect(res.status(), `sign in ${username}`).toBe(200);
  }

  /** The tour task's agreement headline over REST, as the console formats it. */
  async function restHeadline(): Promise<string> {
    const res = await lead.request.get(`/api/tasks/${tourId}/agreement`);
    expect(res.status()).toBe(200);
    return formatValue(((await res.json()) as { headline: { value: number | null } }).headline.value);
  }

  const headlineText = async () => ((await page.getByTestId('task-headline').textContent()) ?? '').trim();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    // DEMO=on: the admin, ada, ben and the demo project, whose tour task both annotators filled.
    server = await startServer({
      DATA_DIR: data.dir,
      DATABASE_URL: '',
      DEMO: 'on',
      WEB_DIR,
      AGREEMENT_DEBOUNCE_MS: '50',
    });
    const db = server.app.database.db;
    const [project] = await db.select().from(projects).where(eq(projects.name, 'Demo: a 40-second tour'));
    projectId = project!.id;
    // The QA lead is a reviewer of the project; Cara is an annotator (no console for her).
    const qa = await createUser(db, { username: 'qa-lead', displayName: 'Quinn (QA lead)', password: PASSWORD }, null);
    await setMember(db, projectId, qa.id, 'reviewer', [], qa.id);
    const cara = await createUser(db, { username: 'cara', displayName: 'Cara', password: PASSWORD }, null);
    await setMember(db, projectId, cara.id, 'annotator', [], qa.id);
    // A strict QA lead: α ≥ 0.9 required, so the tour (Ben's drifting turns) is flagged.
    const { settings, revision } = project!;
    await updateProject(
      db,
      project!,
      revision,
      { settings: { ...settings, agreement: { ...settings.agreement, thresholds: { minAlpha: STRICT } } } },
      qa.id,
    );
    const adaRow = await findUserByUsername(db, 'ada');
    ada = { id: adaRow!.id, token: (await createApiToken(db, adaRow!.id, 'e2e', null, null)).token };

    browser = await launchChromium();
    lead = await browser.newContext({ baseURL: server.httpUrl, viewport: { width: 1360, height: 900 } });
    lead.setDefaultTimeout(15_000);
    await signIn(lead, 'qa-lead');
    page = await lead.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await lead?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close();
    data?.remove();
  });

  it('shows the demo agreement to a reviewer', async () => {
    await page.goto(`/projects/${projectId}`);
    // The task list has an Agreement column for reviewers, with the tour flagged below STRICT.
    const tourRow = page.getByTestId('task-row').filter({ hasText: 'Tour clip' });
    await tourRow.getByTestId('task-agreement').waitFor();
    await expect.poll(() => tourRow.getByTestId('task-agreement').getAttribute('data-below')).toBe('true');
    expect(await page.getByRole('columnheader', { name: 'Agreement' }).count()).toBe(1);

    await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'QA' }).click();
    await page.waitForURL(/\/qa(\?|$)/);
    tourId = (await page.getByTestId('qa-task-row').filter({ hasText: 'Tour clip' }).getAttribute('data-task-id'))!;
    expect(tourId).toMatch(/^[0-9a-f-]{36}$/);

    // The worst task is selected: the tour, with the same headline as the REST report.
    const expected = await restHeadline();
    await expect.poll(headlineText).toBe(expected);
    expect(await page.getByTestId('qa-task-row').count()).toBe(2);
    expect(
      await page
        .getByTestId('qa-task-row')
        .filter({ hasText: 'Tour clip' })
        .getByTestId('qa-task-agreement')
        .textContent(),
    ).toContain(expected);
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();

    // Headline per tier, pairwise heat map, confusion, per label, diagnostics, drift, annotators.
    expect(await page.getByTestId('tier-card').count()).toBe(5);
    expect(await page.getByTestId('tier-button').count()).toBe(5);
    const matrix = page.getByTestId('pair-matrix');
    await matrix.waitFor();
    // Ada × Ben on speaker turns: a value cell with its figure in the accessible name.
    const pair = matrix.getByRole('gridcell', { name: /× .*Cohen's κ on time slices: \d/ }).first();
    expect(await pair.getAttribute('aria-label')).toMatch(/^(Ada.* × Ben|Ben.* × Ada)/);
    await pair.hover();
    await page.locator('.tooltip').filter({ hasText: "Cohen's κ" }).waitFor();
    await page.getByTestId('confusion-matrix').waitFor();
    expect(await page.getByTestId('label-table').textContent()).toContain('Speech');
    expect(await page.getByTestId('diagnostics').textContent()).toContain('too_few_units');
    // Diagnostic messages name people, not ids.
    expect(await page.getByTestId('diagnostics').textContent()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    // A tier without figures: hatched cells that say why.
    await page.getByTestId('tier-button').filter({ hasText: 'Entities' }).click();
    await matrix
      .getByRole('gridcell', { name: /not available\. Nothing is annotated/ })
      .first()
      .waitFor();
    expect(await matrix.textContent()).toMatch(/no\s*annotations/);
    await page.getByTestId('tier-button').filter({ hasText: 'Speaker turns' }).click();
    await matrix
      .getByRole('gridcell', { name: /Cohen's κ on time slices: \d/ })
      .first()
      .waitFor();

    await page.getByTestId('drift-chart').waitFor();
    const annotators = page.getByTestId('annotator-row');
    expect(await annotators.count()).toBe(2);
    expect(await annotators.first().textContent()).toContain('Ada');

    // Agreement descending: the tour first; tasks without a figure sort last either way.
    const table = page.getByTestId('qa-task-table');
    await table.getByRole('button', { name: /^Agreement/ }).click();
    expect(await table.getByRole('columnheader', { name: /^Agreement/ }).getAttribute('aria-sort')).toBe('descending');
    expect(await page.getByTestId('qa-task-row').first().textContent()).toContain('Tour clip');
    expect(pageErrors).toEqual([]);
  });

  it('shows an annotator edit within a second, without a reload', async () => {
    // The QA lead sends the tour back to the annotators (reject), so Ada may edit her layer again.
    const reject = await lead.request.post(`/api/tasks/${tourId}/transitions`, {
      data: { action: 'reject', reason: 'Speaker turns disagree; please re-check' },
    });
    expect(reject.status(), await reject.text()).toBe(200);

    // Ada's layer, as Ada sees it.
    const res = await fetch(`${server.httpUrl}/api/tasks/${tourId}`, {
      headers: { authorization: `Bearer ${ada.token}` },
    });
    expect(res.status).toBe(200);
    const task = (await res.json()) as TaskJson;
    const layer = task.layers.find((l) => l.kind === 'annotator' && l.userId === ada.id)!;
    expect(layer.access).toBe('write');

    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const before = await headlineText();
    expect(before).toBe(await restHeadline());

    const doc = new Y.Doc();
    const provider = authedProvider(server.syncUrl, ada.token, layer.docName, doc);
    try {
      await whenSynced(provider);
      const layerDoc = new LayerDoc(doc);
      const turn = layerDoc.list().find((a) => a.kind === 'segment' && a.tierId === 'turns')!;
      const ctx: LayerContext = {
        tiers: DEMO_TIERS,
        taxonomy: DEMO_TAXONOMY,
        mediaDuration: 40.04,
        now: () => Date.now(),
        author: ada.id,
      };
      // The project aggregates are re-fetched (debounced) once a live report arrives.
      const refetched = page.waitForResponse(
        (r) => r.url().includes(`/api/projects/${projectId}/agreement?`) && r.status() === 200,
      );
      // Ada hears laughter where Ben (and she, before) heard speech: turn agreement drops.
      const sentAt = Date.now();
      // (Sentiment is an attribute of speech only: it goes with the label.)
      layerDoc.update(turn.id, { label: 'laughter', attributes: { sentiment: null } }, ctx);
      await page.waitForFunction(
        (prev) => document.querySelector('[data-testid="task-headline"]')?.textContent?.trim() !== prev,
        before,
        { timeout: 5000, polling: 'raf' },
      );
      const latency = Date.now() - sentAt;
      const after = await headlineText();
      expect(after).not.toBe(before);
      expect(after).toBe(await restHeadline());
      expect(latency, `the console showed ${after} after ${latency} ms`).toBeLessThan(1000);
      await refetched;
    } finally {
      provider.destroy();
      doc.destroy();
    }

    // Same page (no reload); the table row follows too.
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    const after = await headlineText();
    await expect
      .poll(async () =>
        page.getByTestId('qa-task-row').filter({ hasText: 'Tour clip' }).getByTestId('qa-task-agreement').textContent(),
      )
      .toContain(after);
    await page.getByTestId('qa-task-row').filter({ hasText: 'Tour clip' }).getByText('Rejected').waitFor();
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'qa.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('gives annotators neither the console nor the agreement column', async () => {
    const context = await browser.newContext({ baseURL: server.httpUrl, viewport: { width: 1360, height: 900 } });
    try {
      await signIn(context, 'cara');
      const annotatorPage = await context.newPage();
      await annotatorPage.goto(`/projects/${projectId}`);
      const nav = annotatorPage.getByRole('navigation', { name: 'Project' });
      await nav.getByRole('link', { name: 'Tasks' }).waitFor();
      expect(await nav.getByRole('link', { name: 'QA' }).count()).toBe(0);
      expect(await annotatorPage.getByRole('columnheader', { name: 'Agreement' }).count()).toBe(0);
      await annotatorPage.goto(`/projects/${projectId}/qa`);
      const notice = annotatorPage.getByTestId('qa-unavailable');
      await notice.waitFor();
      expect(await notice.textContent()).toContain('not available');
      // And the API agrees.
      expect((await context.request.get(`/api/projects/${projectId}/agreement`)).status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});

/** A real y-websocket provider in Node that authenticates with a Bearer token. */
function authedProvider(syncUrl: string, token: string, docName: string, doc: Y.Doc): WebsocketProvider {
  class AuthedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
    }
  }
  return new WebsocketProvider(syncUrl, docName, doc, {
    WebSocketPolyfill: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
}
