/**
 * End-to-end test of annotations on the media themselves (web/lib/workspace/BoxOverlay.svelte,
 * CueLane.svelte, web/lib/transcript/DocumentPanel.svelte) against the real server, in Debian's
 * Chromium with one browser context per person: boxes drawn on the video with the mouse, moved,
 * resized, nudged, labelled, deleted and undone, seen live by the other annotator; the task's
 * WebVTT file as a cue lane on the timeline; a span labelled on that file's text, seen by the
 * other annotator. Open visibility: each writes their own layer and reads the other's.
 */
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/model/annotation.ts';
import { DEMO_MEDIA, DEMO_TAXONOMY, DEMO_TIERS } from '../../server/demo/seed.ts';
import { MediaService } from '../../server/media/service.ts';
import { MediaStore } from '../../server/media/store.ts';
import { createProject, setMember } from '../../server/projects/projects.ts';
import { createTask } from '../../server/tasks/tasks.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';
import {
  ARTIFACTS,
  WEB_DIR,
  lanes,
  openWorkspace,
  person,
  point,
  Visitors,
  state,
  until,
  type Person,
} from './helpers-workspace.ts';

/** A box as the overlay shows it (data-box: normalised x y w h). */
interface ShownBox {
  id: string;
  layer: string;
  label: string;
  editable: boolean;
  selected: boolean;
  box: { x: number; y: number; w: number; h: number };
}

describe('annotations on the media (Chromium, two annotators)', () => {
  let data: ReturnType<typeof tempDataDir>;
  let server: TestServer;
  let browser: Browser;
  const visitors = new Visitors();
  const pageErrors = visitors.pageErrors;
  let ada: Person;
  let ben: Person;
  let taskId: string;
  let vttId: string;
  let adaLayer: string;
  let A: Page;
  let B: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDataDir();
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', DEMO: 'off', WEB_DIR });
    const db = server.app.database.db;
    const manager = await person(server, 'maya', 'Maya Manager');
    ada = await person(server, 'ada', 'Ada Lovelace');
    ben = await person(server, 'ben', 'Ben Okafor');
    const project = await createProject(
      db,
      { name: 'Media tour', taxonomy: DEMO_TAXONOMY, tiers: DEMO_TIERS, settings: { visibility: 'open' } },
      manager.id,
    );
    for (const who of [ada, ben]) await setMember(db, project.id, who.id, 'annotator', [], manager.id);
    const service = new MediaService(db, new MediaStore(data.dir));
    const upload = (filename: string) =>
      service.upload({
        projectId: project.id,
        actorId: manager.id,
        filename,
        source: createReadStream(`${DEMO_MEDIA}${filename}`),
        maxBytes: 64 * 1024 * 1024,
      });
    const video = await upload('demo.mp4');
    const vtt = await upload('demo.vtt');
    vttId = vtt.id;
    const task = await createTask(
      db,
      project.id,
      {
        name: 'Media tour task',
        // The transcript file starts 0.5 s into the task timeline.
        media: [{ mediaId: video.id }, { mediaId: vtt.id, offsetSec: 0.5 }],
        annotators: [ada.id, ben.id],
        reviewers: [],
      },
      manager.id,
    );
    taskId = task.id;
    browser = await launchChromium();
    A = await pageAs(ada);
    B = await pageAs(ben);
    await openWorkspace(A, taskId);
    await openWorkspace(B, taskId);
    adaLayer = (await state(A)).layers.find((l) => l.userId === ada.id)!.id;
  }, 120_000);

  afterAll(async () => {
    await visitors.closeAll();
    await browser?.close().catch(() => undefined);
    await server?.close();
    data?.remove();
    expect(pageErrors).toEqual([]);
  });

  async function pageAs(who: Person): Promise<Page> {
    return (await visitors.open(browser, server, who)).page;
  }

  function boxes(page: Page): Promise<ShownBox[]> {
    return page.$$eval('[data-testid="video-box"]', (els) =>
      els.map((el) => {
        const e = el as HTMLElement;
        const [x, y, w, h] = (e.dataset.box ?? '').split(' ').map(Number);
        return {
          id: e.dataset.id!,
          layer: e.dataset.layer!,
          label: e.dataset.label!,
          editable: e.dataset.editable === 'true',
          selected: e.dataset.selected === 'true',
          box: { x: x!, y: y!, w: w!, h: h! },
        };
      }),
    );
  }

  /** Client coordinates of a normalised frame point on a page's video overlay. */
  async function at(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
    const overlay = page.getByTestId('box-overlay');
    const r = (await overlay.boundingBox())!;
    const [left, top, width, height] = (await overlay.getAttribute('data-frame'))!.split(' ').map(Number);
    return { x: r.x + left! + x * width!, y: r.y + top! + y * height! };
  }

  async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
    const a = await at(page, ...from);
    const b = await at(page, ...to);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.up();
  }

  function annotation(page: Page, layerId: string, id: string): Promise<Annotation | null> {
    return page.evaluate(
      ([l, i]) =>
        (
          window as unknown as { __concordWorkspace: { annotation(l: string, i: string): Annotation | null } }
        ).__concordWorkspace.annotation(l!, i!),
      [layerId, id],
    );
  }

  const near = (a: number, b: number, eps = 0.01) => Math.abs(a - b) <= eps;

  it('A draws a box on the video with the mouse; B sees it drawn on B’s video, read-only', async () => {
    const boxLanes = (await lanes(A)).filter((l) => l.tierId === 'regions');
    // One box lane per layer (A's, B's, the gold one); only A's own is editable, and it comes first.
    expect(boxLanes.map((l) => [l.layerId === adaLayer, l.editable])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    const overlay = A.getByTestId('box-overlay');
    await overlay.waitFor();
    expect(await overlay.getAttribute('data-drawing')).toBe(`${adaLayer}/regions`);
    // The frame sits letterboxed in the element: 16:9 (640×360) inside the stage.
    const [, , fw, fh] = (await overlay.getAttribute('data-frame'))!.split(' ').map(Number);
    expect(fw! / fh!).toBeCloseTo(640 / 360, 2);

    await drag(A, [0.2, 0.3], [0.5, 0.6]);
    const drawn = await until('the box on A', async () => {
      const list = await boxes(A);
      return list.length === 1 ? list[0] : null;
    });
    expect(drawn).toMatchObject({ layer: adaLayer, editable: true, selected: true });
    expect(near(drawn.box.x, 0.2) && near(drawn.box.y, 0.3) && near(drawn.box.w, 0.3) && near(drawn.box.h, 0.3)).toBe(
      true,
    );
    const stored = (await annotation(A, adaLayer, drawn.id))!;
    expect(stored).toMatchObject({ kind: 'box', tierId: 'regions', start: 0 });
    if (stored.kind !== 'box') throw new Error('not a box');
    expect(stored.end).toBeCloseTo(2, 1);
    // Its time range is on A's box lane, and it is the selection of the workspace.
    expect((await state(A)).selected).toEqual([{ layerId: adaLayer, id: drawn.id }]);
    await until('on A’s box lane', async () =>
      (await lanes(A)).find((l) => l.id === `${adaLayer}/regions`)?.items.some((i) => i.id === drawn.id),
    );

    const seen = await until('the box on B', async () => (await boxes(B)).find((b) => b.id === drawn.id) ?? null, {
      timeout: 5000,
    });
    expect(seen).toMatchObject({ layer: adaLayer, editable: false });
    expect(seen.box).toEqual(drawn.box);
    // Drawn where it belongs on B's own video (same normalised place on a differently sized frame).
    const el = B.locator(`[data-testid="video-box"][data-id="${drawn.id}"]`);
    const r = (await el.boundingBox())!;
    const p = await at(B, drawn.box.x, drawn.box.y);
    expect(Math.abs(r.x - p.x)).toBeLessThan(2);
    expect(Math.abs(r.y - p.y)).toBeLessThan(2);
    await B.getByTestId('video-stage').screenshot({ path: join(ARTIFACTS, 'media-box-seen-by-b.png') });
  });

  it('A moves and resizes it with the mouse, nudges it with arrows, labels it; B follows each step', async () => {
    const [b0] = await boxes(A);
    const id = b0!.id;
    const onB = async () => (await boxes(B)).find((b) => b.id === id)!;

    // Move: drag the body by (+0.1, +0.05).
    await drag(A, [b0!.box.x + 0.15, b0!.box.y + 0.15], [b0!.box.x + 0.25, b0!.box.y + 0.2]);
    await until('moved on B', async () => {
      const b = await onB();
      return near(b.box.x, b0!.box.x + 0.1) && near(b.box.y, b0!.box.y + 0.05) && near(b.box.w, b0!.box.w);
    });
    const [b1] = await boxes(A);

    // Resize: drag the bottom-right handle by (+0.1, +0.1); the top-left corner stays.
    await A.locator(`[data-testid="video-box"][data-id="${id}"] [data-handle="se"]`).waitFor();
    await drag(
      A,
      [b1!.box.x + b1!.box.w, b1!.box.y + b1!.box.h],
      [b1!.box.x + b1!.box.w + 0.1, b1!.box.y + b1!.box.h + 0.1],
    );
    await until('resized on B', async () => {
      const b = await onB();
      return near(b.box.x, b1!.box.x, 1e-6) && near(b.box.w, b1!.box.w + 0.1) && near(b.box.h, b1!.box.h + 0.1);
    });
    const [b2] = await boxes(A);

    // Nudge: the overlay has the focus after the drag; ArrowRight moves by 0.5 %, Shift+ArrowDown by 5 %.
    await A.keyboard.press('ArrowRight');
    await A.keyboard.press('Shift+ArrowDown');
    await until('nudged on B', async () => {
      const b = await onB();
      return near(b.box.x, b2!.box.x + 0.005, 1e-6) && near(b.box.y, b2!.box.y + 0.05, 1e-6);
    });

    // Label by hotkey (Colour bars: b): B sees the label on its video.
    await A.keyboard.press('b');
    await until('labelled on B', async () => (await onB()).label === 'color_bars');
    expect(await B.locator(`[data-testid="video-box"][data-id="${id}"] .tag`).textContent()).toContain('Colour bars');

    // B cannot move A's box: a drag on it in B only selects it.
    const before = (await onB()).box;
    const c = await at(B, before.x + before.w / 2, before.y + before.h / 2);
    await B.mouse.move(c.x, c.y);
    await B.mouse.down();
    await B.mouse.move(c.x + 60, c.y + 40, { steps: 5 });
    await B.mouse.up();
    expect((await state(B)).selected).toEqual([{ layerId: adaLayer, id }]);
    expect((await boxes(A)).find((b) => b.id === id)!.box).toEqual((await boxes(A))[0]!.box);
    expect((await onB()).box).toEqual(before);
  });

  it('A deletes the box with Delete and brings it back with undo', async () => {
    const [b] = await boxes(A);
    await A.getByTestId('box-overlay').focus();
    await A.keyboard.press('Delete');
    await until('gone on B', async () => (await boxes(B)).length === 0);
    await A.keyboard.press('Control+z');
    await until('back on B', async () => (await boxes(B)).find((x) => x.id === b!.id));
    expect((await boxes(A))[0]!.box).toEqual(b!.box);
  });

  it('the WebVTT file is a cue lane on the timeline at its offset; a click on a cue seeks to it', async () => {
    const lane = A.locator(`[data-testid="cue-lane"][data-media="${vttId}"]`);
    await lane.waitFor();
    await until('cues loaded', async () => (await lane.getAttribute('data-state')) === 'ready');
    const cues = lane.locator('[data-cue]');
    await until('cues drawn', async () => (await cues.count()) >= 8);
    expect(await lane.locator('[data-cue="0"]').textContent()).toContain('Welcome to Concord');
    expect(Number(await lane.locator('[data-cue="1"]').getAttribute('data-start'))).toBeCloseTo(5.873, 6);
    // Aligned with the timeline: the cue's left edge is where the time 5.873 s is on the lanes.
    const onTimeline = await point(A, `${adaLayer}/turns`, 5.873);
    const cue = (await lane.locator('[data-cue="1"]').boundingBox())!;
    expect(Math.abs(cue.x - onTimeline.x)).toBeLessThan(1.5);
    await lane.locator('[data-cue="1"]').click();
    await until('seeked to cue 1', async () => near((await state(A)).playhead, 5.873, 0.02));
    await until('cue 1 current', async () =>
      (await lane.locator('[data-cue="1"]').getAttribute('class'))?.includes('current'),
    );
    await A.locator('.waves').screenshot({ path: join(ARTIFACTS, 'media-cue-lane.png') });
  });

  it('A labels a span on the text file in the Document tab; B sees it on A’s layer', async () => {
    await A.getByRole('tab', { name: 'Document' }).click();
    const panel = A.getByTestId('document-panel');
    await panel.waitFor();
    const mirror = panel.locator('[data-cue-row="0"] .mirror');
    await mirror.waitFor();
    // Select "Concord" (characters 11–18 of the first cue) and press its label key (Product: p).
    await mirror.evaluate((el) => {
      (el as HTMLElement).focus();
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let seen = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = n.textContent!.length;
        if (seen <= 11 && 11 < seen + len) range.setStart(n, 11 - seen);
        if (seen < 18 && 18 <= seen + len) range.setEnd(n, 18 - seen);
        seen += len;
      }
      const sel = getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
    });
    await panel.getByRole('toolbar', { name: 'Label the selected text' }).waitFor();
    await A.keyboard.press('p');
    const chip = panel.getByTestId('document-span');
    await chip.waitFor();
    expect(await chip.textContent()).toContain('“Concord”');
    const spanId = (await chip.getAttribute('data-id'))!;
    const span = (await annotation(A, adaLayer, spanId))!;
    expect(span).toMatchObject({
      kind: 'span',
      tierId: 'entities',
      label: 'product',
      mediaId: vttId,
      textAnnotationId: null,
      startOffset: 11,
      endOffset: 18,
    });

    // A second one from the label menu: "video" at the end of the first cue (Measure is not
    // a product, but the menu offers every label of the tier).
    await mirror.evaluate((el) => {
      const text = el.textContent!;
      const start = text.indexOf('video');
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let seen = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = n.textContent!.length;
        if (seen <= start && start < seen + len) range.setStart(n, start - seen);
        if (seen < start + 5 && start + 5 <= seen + len) range.setEnd(n, start + 5 - seen);
        seen += len;
      }
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
    });
    await panel
      .getByRole('toolbar', { name: 'Label the selected text' })
      .getByRole('button', { name: /Measure/ })
      .click();
    await until('two spans on A', async () => (await panel.getByTestId('document-span').count()) === 2);

    // B: the spans synced into A's layer; selecting A's box makes A's layer the one B inspects,
    // and B's Document tab shows A's labels on the text, read-only.
    await until('span on B', async () => (await annotation(B, adaLayer, spanId))?.kind === 'span');
    const [box] = await boxes(B);
    const c = await at(B, box!.box.x + box!.box.w / 2, box!.box.y + box!.box.h / 2);
    await B.mouse.click(c.x, c.y);
    await until('B selected A’s box', async () => (await state(B)).selected[0]?.layerId === adaLayer);
    await B.getByRole('tab', { name: 'Document' }).click();
    const bPanel = B.getByTestId('document-panel');
    await until('B sees both spans', async () => (await bPanel.getByTestId('document-span').count()) === 2);
    expect(await bPanel.getByText('read-only').count()).toBeGreaterThan(0);
    expect(await bPanel.locator('[data-cue-row="0"] .mirror span[style*="box-shadow"]').count()).toBeGreaterThan(0);
    expect(await bPanel.getByRole('button', { name: /Remove label/ }).count()).toBe(0);
    await B.getByTestId('side-document').screenshot({ path: join(ARTIFACTS, 'media-document-b.png') });
  });

  it('A relates the phrase on the text file to the box on the video (refers_to); B sees it on the box', async () => {
    // The playhead is past the box's time now (the cue click): take it from A's box lane.
    const box = (await lanes(A)).find((l) => l.id === `${adaLayer}/regions`)!.items[0];
    const panel = A.getByTestId('document-panel');
    await panel.getByTestId('document-span').filter({ hasText: 'Concord' }).getByRole('button').first().click();
    const spanId = (await state(A)).selected[0]!.id;
    await A.getByRole('tab', { name: 'Inspector' }).click();
    const inspector = A.getByTestId('side-inspect');
    await inspector.getByRole('button', { name: 'Add relation…' }).click();
    await inspector.getByRole('searchbox', { name: 'Find the target annotation' }).fill('colour bars');
    await inspector.getByRole('list', { name: 'Target annotations' }).getByRole('button').first().click();
    await until('the relation on B', async () =>
      (await annotation(B, adaLayer, spanId))?.relations.some((r) => r.type === 'refers_to' && r.targetId === box!.id),
    );
    // B, with A's box selected, sees where it is referred to from.
    await B.getByRole('tab', { name: 'Inspector' }).click();
    await B.getByTestId('side-inspect').getByText('← refers_to').waitFor();
  });
});
