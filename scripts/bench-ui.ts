/**
 * `npm run bench:ui`: builds the web app if needed, serves build/web, opens the timeline
 * benchmark page in headless Chromium (50,000 annotations, one hour, ten lanes), pans and zooms,
 * and prints frame times. PASS/FAIL is against 50 fps; the exit code is non-zero only on errors.
 *
 * Options: --frames N (per phase, default 400), --dpr N (default 1), --width/--height (viewport),
 * --rebuild (force vite build), --no-build, --json (print the raw result too).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runTimelineBench } from '../tests/e2e/bench-timeline.ts';
import type { Percentiles, TimelineBenchResult } from '../tests/e2e/bench-timeline.ts';
import { launchChromium } from '../tests/e2e/browser.ts';
import { ensureWebBuild } from '../tests/e2e/build.ts';
import { serveStatic } from '../tests/e2e/static-server.ts';

const TARGET_FPS = 50;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '400' },
    dpr: { type: 'string', default: '1' },
    width: { type: 'string', default: '1600' },
    height: { type: 'string', default: '900' },
    rebuild: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function row(name: string, frames: number, fps: number, frame: Percentiles, draw: Percentiles, extra = ''): string[] {
  return [
    name,
    String(frames),
    f1(fps),
    f2(frame.p50),
    f2(frame.p95),
    f2(frame.p99),
    f2(draw.p50),
    f2(draw.p95),
    f2(draw.p99),
    f2(draw.max),
    extra,
  ];
}

function report(r: TimelineBenchResult): string {
  const head = [
    'phase',
    'frames',
    'fps',
    'frame p50',
    'frame p95',
    'frame p99',
    'draw p50',
    'draw p95',
    'draw p99',
    'draw max',
    'items/rects per frame',
  ];
  const rows = [
    head,
    ...r.phases.map((p) =>
      row(p.name, p.frames, p.fps, p.frameMs, p.drawMs, `${p.itemsPerFrame} / ${p.rectsPerFrame}`),
    ),
    row('all', r.frames, r.fps, r.frameMs, r.drawMs),
  ];
  return table(rows);
}

async function main(): Promise<number> {
  if (!values['no-build']) {
    const built = ensureWebBuild(root, values.rebuild);
    console.log(built ? 'built build/web' : 'build/web is up to date');
  }
  // The app shell renders /bench/* bare (web/routes/+layout.svelte): no API server needed.
  const server = await serveStatic(join(root, 'build/web'));
  const browser = await launchChromium();
  try {
    console.log(`Chromium ${browser.version()} · serving build/web at ${server.url}`);
    const { result, screenshots, pageErrors, consoleErrors } = await runTimelineBench(browser, {
      baseUrl: server.url,
      frames: Number(values.frames),
      dpr: Number(values.dpr),
      width: Number(values.width),
      height: Number(values.height),
      artifacts: join(root, 'tests/e2e/artifacts'),
    });
    console.log(
      `\n${result.annotations.toLocaleString('en')} annotations · ${result.lanes} lanes · 1 h at 30000/1001 · ` +
        `canvas ${result.canvas.width}×${result.canvas.height} @${result.canvas.dpr}x · dataset ${result.buildMs} ms, index ${result.indexMs} ms\n`,
    );
    console.log(report(result));
    console.log('\nframe = interval between animation frames (ms); draw = timeline redraw inside the frame (ms)');
    const worst = Math.min(...result.phases.map((p) => p.fps));
    const verdict = worst >= TARGET_FPS ? 'PASS' : 'FAIL';
    console.log(`\n${verdict}: slowest phase ${f1(worst)} fps (target ≥ ${TARGET_FPS} fps)`);
    for (const s of screenshots) console.log(`screenshot: ${s}`);
    if (values.json) console.log(JSON.stringify(result, null, 2));
    if (consoleErrors.length > 0) console.warn(`\nconsole errors (not fatal):\n  ${consoleErrors.join('\n  ')}`);
    if (pageErrors.length > 0) {
      console.error(`\npage errors:\n  ${pageErrors.join('\n  ')}`);
      return 1;
    }
    return 0;
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
