/**
 * End-to-end test of the annotation workspace (web/lib/workspace) against the real server,
 * driven through Debian's Chromium with one browser context per person.
 *
 * Which edits go where follows the access rules (README "Access rules"): in open mode each
 * annotator writes only their own layer and reads the others' read-only, so "A creates, B sees"
 * runs on A's layer; "B relabels A's segment" and "both type in one transcript segment" need a
 * layer both may write, which is the gold layer of two reviewers.
 *
 * The page exposes a read-only hook, `window.__concordWorkspace` (lanes and their annotations as
 * the timeline holds them, document states, peers), used here to look inside the canvas.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerDoc } from '../../shared/model/layer.ts';
import type { LayerContext } from '../../shared/model/validate.ts';
import { DEMO_TAXONOMY, DEMO_TIERS } from '../../server/demo/seed.ts';
import { createTask } from '../../server/tasks/tasks.ts';
import { frameTime } from '../../web/lib/timeline/time.ts';
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

const NTSC = { num: 30000, den: 1001 };

describe('annotation workspace (Chromium, several people)', () => {
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
  let open: Setup;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'off', WEB_DIR });
    manager = await person(server, 'maya', 'Maya Manager');
    ada = await person(server, 'ada', 'Ada Lovelace');
    ben = await person(server, 'ben', 'Ben Okafor');
    rita = await person(server, 'rita', 'Rita Reviewer');
    rob = await person(server, 'rob', 'Rob Reviewer');
    open = await makeProject(server, data.dir, {
      name: 'Open tour',
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
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await visitors.closeAll();
    await browser?.close().catch(() => undefined);
    await server?.close();
    data?.remove();
  });

  function pageAs(who: Person): Promise<{ context: BrowserContext; page: Page }> {
    return visitors.open(browser, server, who);
  }

  /** Layer id of `who` (null: gold) in a task, from the server. */
  async function layerId(taskId: string, who: Person | null): Promise<string> {
    const r = await fetch(`${server.httpUrl}/api/tasks/${taskId}`, {
      headers: { cookie: await sessionCookie(server, manager) },
    });
    const task = (await r.json()) as { layers: Array<{ id: string; kind: string; userId: string | null }> };
    const layer = task.layers.find((l) => (who === null ? l.kind === 'gold' : l.userId === who.id));
    if (!layer) throw new Error('no such layer');
    return layer.id;
  }

  /** A layer's annotations as the server stores them. */
  async function serverAnnotations(id: string, as: Person): Promise<Array<Record<string, unknown>>> {
    const r = await fetch(`${server.httpUrl}/api/layers/${id}/annotations`, {
      headers: { cookie: await sessionCookie(server, as) },
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { annotations: Array<Record<string, unknown>> }).annotations;
  }

  /** Drags on a lane from t0 to t1 (creates a segment on an editable segment lane). */
  async function drag(page: Page, lane: string, t0: number, t1: number): Promise<void> {
    const a = await point(page, lane, t0);
    const b = await point(page, lane, t1);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 6 });
    await page.mouse.up();
  }

  async function click(page: Page, lane: string, t: number): Promise<void> {
    const p = await point(page, lane, t);
    await page.mouse.click(p.x, p.y);
  }

  it('open mode: A draws a segment on her lane, B sees it in A’s lane within a second (read-only)', async () => {
    const A = await pageAs(ada);
    const B = await pageAs(ben);
    await openWorkspace(A.page, open.taskId);
    await openWorkspace(B.page, open.taskId);
    const adaLayer = await layerId(open.taskId, ada);
    const lane = laneOf(adaLayer, 'turns');

    // Each sees every layer of the task; only their own lanes are editable.
    const lanesA = await lanes(A.page);
    const lanesB = await lanes(B.page);
    expect(lanesA.filter((l) => l.editable).every((l) => l.layerId === adaLayer)).toBe(true);
    expect(lanesB.find((l) => l.id === lane)).toMatchObject({ editable: false });
    expect(lanesB.filter((l) => l.layerId === adaLayer).length).toBeGreaterThan(0);

    await drag(A.page, lane, 2, 5.5);
    const created = await until('A’s segment on A’s page', async () => {
      const list = await items(A.page, lane);
      return list.length === 1 ? list[0] : null;
    });
    const t0 = Date.now();
    const seen = await until(
      'A’s segment on B’s page',
      async () => (await items(B.page, lane)).find((i) => i.id === created.id) ?? null,
      { timeout: 5000, interval: 10 },
    );
    const latency = Date.now() - t0;
    expect(latency).toBeLessThan(1000);
    expect(seen).toMatchObject({ start: created.start, end: created.end });
    // Frame-snapped: the edges sit on frame boundaries of the 30000/1001 video.
    expect(created.start).toBe(frameTime(Math.round((created.start * NTSC.num) / NTSC.den), NTSC));

    // A labels it by hotkey; B sees the label. B cannot edit A's lane: a hotkey there does nothing.
    await A.page.keyboard.press('s');
    await until('label on B', async () => (await items(B.page, lane))[0]?.label === 'speech');
    await click(B.page, lane, 3.5);
    await until('B selected it', async () => (await state(B.page)).selected.length === 1);
    await B.page.keyboard.press('l');
    await B.page.getByText('read-only for you').first().waitFor();
    expect((await items(A.page, lane))[0]?.label).toBe('speech');

    // Presence: each sees the other with a name, playhead and lane.
    await until('B in A’s presence', async () =>
      (await state(A.page)).peers.find((p) => p.userId === ben.id && p.laneId === lane),
    );
    const avatar = A.page.locator(`[data-testid="peer"][data-user="${ben.id}"]`);
    await avatar.waitFor();
    expect((await serverAnnotations(adaLayer, ada)).map((a) => a.label)).toEqual(['speech']);

    // A follows B's playhead: B seeks (a click on an empty stretch), A's playhead goes there.
    await avatar.click();
    await click(B.page, laneOf(adaLayer, 'visual'), 17);
    const target = (await state(B.page)).playhead;
    expect(target).toBeCloseTo(17, 1);
    await until('A follows B', async () => (await state(A.page)).playhead === target);
    await avatar.click();
    expect(await avatar.getAttribute('aria-pressed')).toBe('false');
  });

  it('gold layer, two reviewers: B relabels A’s segment and A sees it; both type in one transcript segment and converge', async () => {
    const A = await pageAs(rita);
    const B = await pageAs(rob);
    await openWorkspace(A.page, open.taskId);
    await openWorkspace(B.page, open.taskId);
    const gold = await layerId(open.taskId, null);
    const turns = laneOf(gold, 'turns');
    const transcript = laneOf(gold, 'transcript');
    expect((await lanes(A.page)).find((l) => l.id === turns)?.editable).toBe(true);
    expect((await lanes(B.page)).find((l) => l.id === turns)?.editable).toBe(true);

    // A creates and labels a turn; B selects it and relabels it by hotkey; A sees the new label.
    await drag(A.page, turns, 10, 14);
    await A.page.keyboard.press('s');
    const seg = await until('B sees the gold turn', async () => {
      const list = await items(B.page, turns);
      return list[0]?.label === 'speech' ? list[0] : null;
    });
    await click(B.page, turns, (seg.start + seg.end) / 2);
    await until('B selected it', async () => (await state(B.page)).selected[0]?.id === seg.id);
    await B.page.keyboard.press('l');
    await until('A sees the relabel', async () => (await items(A.page, turns))[0]?.label === 'laughter', {
      timeout: 2000,
    });

    // A transcript segment on gold; both open it in the transcript panel.
    await drag(A.page, transcript, 10.2, 13.8);
    const line = await until('B sees the transcript segment', async () => (await items(B.page, transcript))[0]);
    await click(B.page, transcript, (line.start + line.end) / 2);
    await until('B selected it', async () => (await state(B.page)).selected[0]?.id === line.id);
    // The transcript panel shows gold's transcript tier; the segment's text is a textarea there.
    for (const p of [A.page, B.page]) await p.getByRole('tab', { name: 'Transcript' }).click();
    const fieldA = A.page.locator(`textarea[data-segment-id="${line.id}"]`);
    const fieldB = B.page.locator(`textarea[data-segment-id="${line.id}"]`);
    await fieldA.click();
    await A.page.keyboard.type('middle');
    await until('B has the first words', async () => (await fieldB.inputValue()) === 'middle');
    // Both type at once: A at the start, B at the end.
    await fieldB.click();
    await A.page.keyboard.press('Control+Home');
    await B.page.keyboard.press('Control+End');
    await Promise.all([
      A.page.keyboard.type('Rita says hello, ', { delay: 12 }),
      B.page.keyboard.type(' and Rob adds this.', { delay: 12 }),
    ]);
    const expected = 'Rita says hello, middle and Rob adds this.';
    await until('both fields converge', async () => {
      const [a, b] = [await fieldA.inputValue(), await fieldB.inputValue()];
      return a === expected && b === expected;
    });
    await until('the server has it', async () =>
      (await serverAnnotations(gold, rita)).some((a) => a.id === line.id && a.text === expected),
    );
    expect((await items(A.page, transcript))[0]?.text).toBe(expected);
    expect((await items(B.page, transcript))[0]?.text).toBe(expected);
  });

  it('offline: A edits without a network, comes back, both end identical; a closed tab loses nothing', async () => {
    const A = await pageAs(ada);
    const B = await pageAs(ben);
    await openWorkspace(A.page, open.taskId);
    await openWorkspace(B.page, open.taskId);
    const adaLayer = await layerId(open.taskId, ada);
    const lane = laneOf(adaLayer, 'turns');
    const before = (await items(A.page, lane)).length;

    await A.context.setOffline(true);
    const chip = A.page.getByTestId('sync-status');
    await A.page.locator('[data-testid="sync-status"][data-state="offline"]').waitFor();
    await drag(A.page, lane, 20, 23);
    await A.page.keyboard.press('v');
    await until('A has it', async () => (await items(A.page, lane)).length === before + 1);
    // Kept in the browser (IndexedDB), not on the server, not at B.
    await A.page.locator('[data-testid="sync-status"][data-saving="false"]:not([data-pending="0"])').waitFor();
    expect(await chip.textContent()).toMatch(/Offline · \d+ changes? saved in this browser/);
    expect((await items(B.page, lane)).length).toBe(before);

    await A.context.setOffline(false);
    await A.page.locator('[data-testid="sync-status"][data-state="synced"]').waitFor();
    await until('B has it', async () => (await items(B.page, lane)).length === before + 1);
    expect(await items(B.page, lane)).toEqual(await items(A.page, lane));

    // Offline again, edit, close the tab; later, online, open the task again: the edit arrives.
    await A.context.setOffline(true);
    await A.page.locator('[data-testid="sync-status"][data-state="offline"]').waitFor();
    await drag(A.page, lane, 26, 28);
    await until('A has the second', async () => (await items(A.page, lane)).length === before + 2);
    await A.page.locator('[data-testid="sync-status"][data-saving="false"]:not([data-pending="0"])').waitFor();
    expect((await items(B.page, lane)).length).toBe(before + 1);
    await A.page.close();
    await A.context.setOffline(false);
    const again = await A.context.newPage();
    again.on('pageerror', (error) => pageErrors.push(`ada (reopened): ${error.message}`));
    await openWorkspace(again, open.taskId);
    await until('B has the edit from the closed tab', async () => (await items(B.page, lane)).length === before + 2);
    const [onA, onB, stored] = [
      await items(again, lane),
      await items(B.page, lane),
      await serverAnnotations(adaLayer, ada),
    ];
    expect(onB).toEqual(onA);
    expect(
      stored
        .filter((a) => a.tierId === 'turns')
        .map((a) => a.id)
        .sort(),
    ).toEqual(onA.map((i) => i.id).sort());
  });

  it('blind mode: annotator B never sees A’s lane, and A’s layer document is refused to B with 4403', async () => {
    const cara = await person(server, 'cara', 'Cara Blind');
    const dan = await person(server, 'dan', 'Dan Blind');
    const blind = await makeProject(server, data.dir, {
      name: 'Blind tour',
      manager,
      visibility: 'blind',
      members: [
        { who: cara, role: 'annotator' },
        { who: dan, role: 'annotator' },
      ],
      annotators: [cara, dan],
      reviewers: [],
    });
    const A = await pageAs(cara);
    const B = await pageAs(dan);
    await openWorkspace(A.page, blind.taskId);
    await openWorkspace(B.page, blind.taskId);
    const caraLayer = await layerId(blind.taskId, cara);
    const danLayer = await layerId(blind.taskId, dan);
    await drag(A.page, laneOf(caraLayer, 'turns'), 3, 6);
    await until('A’s segment', async () => (await items(A.page, laneOf(caraLayer, 'turns'))).length === 1);
    // B draws too, so both are live in the task at once.
    await drag(B.page, laneOf(danLayer, 'turns'), 8, 9);
    await until('B’s segment', async () => (await items(B.page, laneOf(danLayer, 'turns'))).length === 1);

    const seen = await lanes(B.page);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((l) => l.layerId === danLayer)).toBe(true);
    const st = await state(B.page);
    expect(st.layers.map((l) => l.id)).toEqual([danLayer]);
    expect(st.docs.some((d) => d.name.includes(caraLayer))).toBe(false);
    expect(st.peers).toEqual([]);
    expect(await B.page.locator(`[data-layer="${caraLayer}"]`).count()).toBe(0);

    const code = await B.page.evaluate(
      (url) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(url);
          ws.onclose = (e) => resolve(e.code);
        }),
      `${server.syncUrl}/layers/${caraLayer}`,
    );
    expect(code).toBe(4403);
  });

  it('keyboard only: create, label, adjust, undo and redo without a mouse', async () => {
    const db = server.app.database.db;
    const task = await createTask(
      db,
      open.projectId,
      { name: 'Keyboard task', media: [{ mediaId: open.media.video }], annotators: [ada.id], reviewers: [] },
      manager.id,
    );
    const { page } = await pageAs(ada);
    await openWorkspace(page, task.id);
    const own = await layerId(task.id, ada);
    const lane = laneOf(own, 'turns');
    const f = (k: number) => frameTime(k, NTSC);

    // Focus reaches the timeline by keyboard (it also takes focus when the page opens).
    await page.getByRole('application', { name: 'Annotation timeline' }).focus();
    const press = async (...keys: string[]) => {
      for (const k of keys) await page.keyboard.press(k);
    };
    await press('Home', 'Shift+ArrowRight', 'Shift+ArrowRight', '[');
    await press('Shift+ArrowRight', 'Shift+ArrowRight', ']');
    expect((await state(page)).selection).toEqual({ start: f(60), end: f(120) });
    await press('Enter');
    const seg = await until('created', async () => (await items(page, lane))[0]);
    expect(seg).toMatchObject({ start: f(60), end: f(120), label: null });
    expect((await state(page)).selected).toEqual([{ layerId: own, id: seg.id }]);

    await press('s');
    await until('labelled', async () => (await items(page, lane))[0]?.label === 'speech');
    // Adjust: three frames on, end the segment there; then move it one frame later.
    await press('ArrowRight', 'ArrowRight', 'ArrowRight', '}');
    await until('trimmed', async () => (await items(page, lane))[0]?.end === f(123));
    await press('Control+ArrowRight');
    await until('nudged', async () => {
      const it = (await items(page, lane))[0];
      return it?.start === f(61) && it.end === f(124);
    });

    // Undo, step by step, only our own edits; then redo one.
    await press('Control+z');
    await until('nudge undone', async () => {
      const it = (await items(page, lane))[0];
      return it?.start === f(60) && it.end === f(123);
    });
    await press('Control+z');
    await until('trim undone', async () => (await items(page, lane))[0]?.end === f(120));
    await press('Control+z');
    await until('label undone', async () => (await items(page, lane))[0]?.label === null);
    await press('Control+Shift+z');
    await until('label redone', async () => (await items(page, lane))[0]?.label === 'speech');
    // Two undone steps (trim, nudge) are still there to redo.
    expect(await state(page)).toMatchObject({ canUndo: true, canRedo: true });

    // The server holds the same.
    await until('server copy', async () => {
      const [a] = await serverAnnotations(own, ada);
      return a?.label === 'speech' && a.start === f(60) && a.end === f(120);
    });
  });

  it('player: Space plays the video with the audio, pauses on a frame; loops a range; waveform zooms; submit turns the layer read-only live', async () => {
    const task = await createTask(
      server.app.database.db,
      open.projectId,
      {
        name: 'Player task',
        media: [{ mediaId: open.media.video }, { mediaId: open.media.speech, offsetSec: 0.5 }],
        annotators: [ada.id],
        reviewers: [],
      },
      manager.id,
    );
    const { page } = await pageAs(ada);
    await openWorkspace(page, task.id);
    const own = await layerId(task.id, ada);
    await page.getByRole('application', { name: 'Annotation timeline' }).focus();
    const media = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLMediaElement>('video, audio')].map((e) => ({
          tag: e.tagName,
          time: e.currentTime,
          paused: e.paused,
        })),
      );

    // Play: the playhead runs with the video; the speech track (offset 0.5 s) follows it.
    await page.keyboard.press('Space');
    await until('playing past 1 s', async () => (await state(page)).playhead > 1, { timeout: 15_000 });
    const playing = await media();
    expect(playing.every((m) => !m.paused)).toBe(true);
    const [video, audio] = [playing.find((m) => m.tag === 'VIDEO')!, playing.find((m) => m.tag === 'AUDIO')!];
    expect(Math.abs(audio.time + 0.5 - video.time)).toBeLessThan(0.5);
    await page.keyboard.press('Space');
    await page.locator('[data-testid="play"][aria-label="Play"]').waitFor();
    // Paused on a frame boundary, with the video showing that very frame.
    const { playhead } = await state(page);
    const k = Math.round((playhead * NTSC.num) / NTSC.den);
    expect(playhead).toBe(frameTime(k, NTSC));
    await until('the video shows frame k', async () => {
      const v = (await media()).find((m) => m.tag === 'VIDEO')!;
      return v.paused && Math.floor((v.time * NTSC.num) / NTSC.den) === k;
    });
    expect(await page.getByTestId('timecode').textContent()).toMatch(/^0:0\d\.\d{3}$/);

    // Loop a range of half a second: the playhead comes back to its start.
    const f = (n: number) => frameTime(n, NTSC);
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('[');
    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press(']');
    expect((await state(page)).selection).toEqual({ start: f(30), end: f(45) });
    await page.getByRole('button', { name: 'Loop' }).click();
    await page.getByRole('application', { name: 'Annotation timeline' }).focus();
    await page.keyboard.press('Space');
    await until('near the end of the range', async () => (await state(page)).playhead > f(40), { timeout: 15_000 });
    await until('looped back', async () => (await state(page)).playhead < f(36), { timeout: 15_000 });
    expect((await state(page)).playhead).toBeGreaterThanOrEqual(f(30));
    await page.keyboard.press('Space');

    // Zoom in to single frames: the waveform asks the server for the finest peaks level.
    const finest = page.waitForRequest((r) => /\/peaks\?.*level=0\b/.test(r.url()));
    for (let i = 0; i < 14; i++) await page.keyboard.press('=');
    await finest;
    await page.locator('[data-testid="waveform-lane"][data-state="ready"]').first().waitFor();

    // Submit: the server closes the layer with 4409, the workspace reconnects read-only.
    expect((await lanes(page)).filter((l) => l.layerId === own).some((l) => l.editable)).toBe(true);
    await page.locator('[data-action="submit"]').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit my layer' }).click();
    await until('own lanes read-only', async () =>
      (await lanes(page)).filter((l) => l.layerId === own).every((l) => !l.editable),
    );
    await until('own layer synced read-only', async () =>
      (await state(page)).docs.some((d) => d.name === `layers/${own}` && d.status === 'read-only'),
    );
  });

  it('saves a screenshot of the workspace', async () => {
    // Both annotators' layers filled like the demo, Ada selects a turn, Ben is elsewhere.
    const task = await createTask(
      server.app.database.db,
      open.projectId,
      {
        name: 'Tour clip: turns and transcript',
        media: [{ mediaId: open.media.video }, { mediaId: open.media.speech }],
        annotators: [ada.id, ben.id],
        reviewers: [rita.id],
      },
      manager.id,
    );
    const lines: Array<[number, number, 'Ada' | 'Ben', string]> = [
      [1, 4.573, 'Ada', 'Welcome to Concord, a shared place to annotate video.'],
      [5.373, 7.624, 'Ben', 'Two of us are marking this clip.'],
      [8.4, 12.1, 'Ada', 'Every frame counts: thirty thousand over one thousand and one.'],
      [13, 15.6, 'Ben', 'The colour bars are a test pattern.'],
      [16.3, 20.2, 'Ada', 'We label speech, laughter and what we see.'],
      [21, 24.4, 'Ben', 'And we see each other live.'],
      [25.1, 29.3, 'Ada', 'Offline edits wait in the browser.'],
      [30, 33, 'Ben', 'Then they sync when we are back.'],
    ];
    for (const [who, shift] of [
      [ada, 0],
      [ben, 0.18],
    ] as const) {
      const id = await layerId(task.id, who);
      const handle = await server.app.rooms.openDirect(`layers/${id}`, 'e2e-seed', who.id);
      const ctx: LayerContext = {
        tiers: DEMO_TIERS,
        taxonomy: DEMO_TAXONOMY,
        mediaDuration: 40.04,
        now: () => Date.now(),
        author: who.id,
      };
      handle.transact((doc) => {
        const layer = new LayerDoc(doc);
        lines.forEach(([start, end, speaker, text], i) => {
          const s = Math.max(0, start + (i % 2 === 0 ? shift : -shift));
          layer.create(
            {
              kind: 'segment',
              tierId: 'turns',
              start: s,
              end: end + shift / 2,
              label: i === 6 && who === ben ? 'laughter' : 'speech',
              attributes: { speaker },
            },
            ctx,
          );
          if (who === ada) layer.create({ kind: 'segment', tierId: 'transcript', start: s, end, text }, ctx);
        });
        layer.create({ kind: 'event', tierId: 'visual', start: who === ada ? 0 : 0.033, label: 'timecode' }, ctx);
        layer.create({ kind: 'event', tierId: 'visual', start: 20.02, label: 'scene_cut' }, ctx);
      });
      handle.close();
    }
    const A = await pageAs(ada);
    const B = await pageAs(ben);
    await openWorkspace(A.page, task.id);
    await openWorkspace(B.page, task.id);
    const adaLayer = await layerId(task.id, ada);
    const benLayer = await layerId(task.id, ben);
    await until('seeded', async () => (await items(A.page, laneOf(adaLayer, 'turns'))).length === lines.length);
    // Seek on an empty stretch, then select a turn.
    await click(B.page, laneOf(benLayer, 'visual'), 23.5);
    await click(B.page, laneOf(benLayer, 'turns'), 22);
    await click(A.page, laneOf(adaLayer, 'visual'), 11);
    await click(A.page, laneOf(adaLayer, 'turns'), 10);
    await until('Ben’s presence', async () => (await state(A.page)).peers.some((p) => p.userId === ben.id));
    await A.page.getByRole('tab', { name: 'Inspector' }).click();
    await A.page.screenshot({ path: join(ARTIFACTS, 'workspace.png') });
  });

  it('raised no uncaught errors in the pages', () => {
    expect(pageErrors).toEqual([]);
  });
});
