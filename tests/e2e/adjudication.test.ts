/**
 * End-to-end test of adjudication (web/lib/adjudication) against the real server: two annotators'
 * layers seeded on the server, two reviewers in two browser contexts on the same task, in a live
 * session. One pre-merges what the annotators agree on, steps to a label disagreement (the other
 * sees it under discussion and follows there) and accepts one version with a key; both see the
 * gold annotations appear live with their provenance, and the disagreement strip follows; the
 * other reviewer rejects the last disagreement by mouse.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/model/annotation.ts';
import { LayerDoc } from '../../shared/model/layer.ts';
import type { LayerContext } from '../../shared/model/validate.ts';
import { DEMO_TAXONOMY, DEMO_TIERS } from '../../server/demo/seed.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';
import {
  ARTIFACTS,
  WEB_DIR,
  items,
  laneOf,
  lanes,
  makeProject,
  openWorkspace,
  person,
  point,
  sessionCookie,
  Visitors,
  state,
  until,
  type Person,
  type Setup,
} from './helpers-workspace.ts';

interface HookDisagreement {
  key: string;
  kind: string;
  tierId: string;
  start: number;
  current: boolean;
  members: Array<{ layerId: string; id: string }>;
}
type AdjWindow = {
  __concordWorkspace?: {
    disagreements(): HookDisagreement[];
    annotation(layerId: string, id: string): Annotation | null;
  };
};

const disagreements = (page: Page): Promise<HookDisagreement[]> =>
  page.evaluate(() => (window as unknown as AdjWindow).__concordWorkspace!.disagreements());

describe('adjudication into gold (Chromium, two reviewers)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let server: TestServer;
  let browser: Browser;
  const visitors = new Visitors();
  const pageErrors = visitors.pageErrors;
  let manager: Person;
  let ada: Person;
  let ben: Person;
  let rita: Person;
  let rob: Person;
  let setup: Setup;
  const layerIds = new Map<string, string>();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'off', WEB_DIR });
    manager = await person(server, 'maya', 'Maya Manager');
    ada = await person(server, 'ada', 'Ada Lovelace');
    ben = await person(server, 'ben', 'Ben Okafor');
    rita = await person(server, 'rita', 'Rita Reviewer');
    rob = await person(server, 'rob', 'Rob Reviewer');
    setup = await makeProject(server, data.dir, {
      name: 'Adjudication',
      manager,
      visibility: 'open',
      members: [
        { who: ada, role: 'annotator' },
        { who: ben, role: 'annotator' },
        { who: rita, role: 'reviewer' },
        { who: rob, role: 'reviewer' },
      ],
      annotators: [ada, ben],
      reviewers: [rita, rob],
    });
    const task = await server.app.inject({
      method: 'GET',
      url: `/api/tasks/${setup.taskId}`,
      headers: { cookie: await sessionCookie(server, manager) },
    });
    for (const l of (task.json() as { layers: Array<{ id: string; kind: string; userId: string | null }> }).layers)
      layerIds.set(l.kind === 'gold' ? 'gold' : l.userId!, l.id);

    // Ada and Ben on the turns tier: [1,3] agreed, [4,6] speech vs laughter, [8,10] Ada only.
    const work: Array<[Person, Array<[number, number, string]>]> = [
      [
        ada,
        [
          [1, 3, 'speech'],
          [4, 6, 'speech'],
          [8, 10, 'speech'],
        ],
      ],
      [
        ben,
        [
          [1.1, 3, 'speech'],
          [4, 6.1, 'laughter'],
        ],
      ],
    ];
    for (const [who, segs] of work) {
      const handle = await server.app.rooms.openDirect(`layers/${layerIds.get(who.id)}`, 'e2e-seed', who.id);
      const ctx: LayerContext = {
        tiers: DEMO_TIERS,
        taxonomy: DEMO_TAXONOMY,
        mediaDuration: 40.04,
        now: () => Date.now(),
        author: who.id,
      };
      handle.transact((doc) => {
        const layer = new LayerDoc(doc);
        for (const [start, end, label] of segs)
          layer.create({ kind: 'segment', tierId: 'turns', start, end, label, attributes: { speaker: 'Ada' } }, ctx);
      });
      handle.close();
    }
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

  /** Selects the gold annotation at `t` on the timeline and shows the inspector. */
  async function inspectGold(page: Page, t: number): Promise<void> {
    const p = await point(page, laneOf(layerIds.get('gold')!, 'turns'), t);
    await page.mouse.click(p.x, p.y);
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await page.getByTestId('gold-provenance').waitFor();
  }

  it('in a live session: pre-merges, discusses and accepts a disagreement by key; both see gold with provenance', async () => {
    const gold = layerIds.get('gold')!;
    const adaLayer = layerIds.get(ada.id)!;
    const benLayer = layerIds.get(ben.id)!;
    const R = await pageAs(rita);
    const O = await pageAs(rob);
    await openWorkspace(R, setup.taskId);
    await openWorkspace(O, setup.taskId);

    // A live session: Rita leads, Rob joins from the invitation and follows.
    await R.getByTestId('session-start-open').click();
    await R.getByRole('checkbox', { name: /Rob Reviewer/ }).check();
    await R.getByTestId('session-start').click();
    await O.getByTestId('session-invitation').waitFor();
    await O.getByTestId('session-join').click();
    await expect.poll(() => O.getByTestId('session-leader').textContent()).toBe('Rita Reviewer leads');

    // Both see the strip: [4,6] label, [8,10] missing (the agreed [1,3] is no disagreement).
    for (const page of [R, O]) {
      const strip = page.getByTestId('disagreement-strip');
      await until('the strip', async () => (await strip.getAttribute('data-count')) === '2');
      expect((await disagreements(page)).map((d) => [d.kind, d.start])).toEqual([
        ['label', 4],
        ['missing', 8],
      ]);
    }

    // Rita adjudicates the turns tier: annotator lanes stacked above the gold lane.
    await R.getByRole('tab', { name: 'Adjudicate' }).click();
    await R.getByTestId('adjudication-tier').selectOption('turns');
    expect((await lanes(R)).map((l) => l.id)).toEqual([
      laneOf(adaLayer, 'turns'),
      laneOf(benLayer, 'turns'),
      laneOf(gold, 'turns'),
    ]);

    // Pre-merge: the agreed region goes to gold (mean boundaries), visible to Rob live.
    await R.getByTestId('premerge').click();
    for (const page of [R, O]) {
      const merged = await until('the pre-merged gold segment', async () => {
        const got = await items(page, laneOf(gold, 'turns'));
        return got.length === 1 ? got : null;
      });
      expect(merged[0]).toMatchObject({ start: 1.05, end: 3, label: 'speech' });
    }
    expect(await R.getByTestId('open-count').textContent()).toBe('2');

    // Alt+. makes the first disagreement current (playhead and selection follow).
    await R.locator('.timeline').focus();
    await R.keyboard.press('Alt+.');
    const current = await until('a current disagreement', async () => (await disagreements(R)).find((d) => d.current));
    expect(current).toMatchObject({ kind: 'label', start: 4 });
    expect((await state(R)).playhead).toBeCloseTo(4, 6);
    // Rob sees the disagreement under discussion, and his playhead is there too.
    await O.getByTestId('session-chip').click();
    await expect
      .poll(() => O.getByTestId('session-focus').textContent())
      .toBe('label disagreement · Speaker turns · 4.00–6.10 s');
    await until('Rob follows to the disagreement', async () => Math.abs((await state(O)).playhead - 4) < 1e-3);
    await O.getByTestId('session-chip').click();

    // Accept Ben's version with its number key on the focused disagreement.
    const item = R.locator(`[data-testid="disagreement"][data-key="${current.key}"]`);
    await item.focus();
    const versions = await item
      .getByTestId('accept-version')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-layer')));
    const benKey = String(versions.indexOf(benLayer) + 1);
    expect(benKey).not.toBe('0');
    await R.keyboard.press(benKey);

    // Both: gold now holds Ben's laughter with provenance, and only the missing region is open.
    for (const page of [R, O]) {
      const goldItems = await until('the accepted gold segment', async () => {
        const got = await items(page, laneOf(gold, 'turns'));
        return got.length === 2 ? got : null;
      });
      expect(goldItems[1]).toMatchObject({ start: 4, end: 6.1, label: 'laughter' });
      const accepted = await page.evaluate(
        ([layer, id]) => (window as unknown as AdjWindow).__concordWorkspace!.annotation(layer!, id!),
        [gold, goldItems[1].id],
      );
      expect(accepted?.provenance).toMatchObject({
        decision: 'accepted',
        adjudicator: rita.id,
        disagreement: current.key,
        sources: [{ layerId: benLayer, userId: ben.id }],
      });
      await until('the strip after the decision', async () =>
        (await page.getByTestId('disagreement-strip').getAttribute('data-count')) === '1' ? true : null,
      );
    }

    // The inspector of each reviewer shows the provenance of the accepted gold annotation.
    for (const page of [R, O]) {
      await inspectGold(page, 5);
      const prov = page.getByTestId('gold-provenance');
      expect(await prov.getAttribute('data-decision')).toBe('accepted');
      expect(await prov.getByTestId('provenance-adjudicator').textContent()).toContain(
        page === R ? 'you' : 'Rita Reviewer',
      );
      expect(await prov.getByTestId('provenance-source').getAttribute('data-layer')).toBe(benLayer);
      expect(await prov.getByTestId('provenance-source').textContent()).toContain('Ben Okafor');
    }
    // Rob rejects the remaining (missing) disagreement by mouse: it leaves both lists, gold is unchanged.
    await O.getByRole('tab', { name: 'Adjudicate' }).click();
    await O.getByTestId('disagreement').getByTestId('reject').click();
    for (const page of [R, O]) {
      await until('no open disagreement', async () =>
        (await page.getByTestId('disagreement-strip').getAttribute('data-count')) === '0' ? true : null,
      );
      expect(await items(page, laneOf(gold, 'turns'))).toHaveLength(2);
    }

    await R.getByRole('tab', { name: 'Adjudicate' }).click();
    await R.screenshot({ path: join(ARTIFACTS, 'adjudication.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
