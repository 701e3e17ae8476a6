/**
 * Drives the timeline benchmark page (web/routes/bench/timeline) in a browser: waits for the
 * 50k-annotation dataset, runs the scripted pan/zoom, and saves screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface PhaseResult {
  name: string;
  frames: number;
  fps: number;
  frameMs: Percentiles;
  drawMs: Percentiles;
  itemsPerFrame: number;
  rectsPerFrame: number;
}

export interface TimelineBenchResult {
  annotations: number;
  lanes: number;
  buildMs: number;
  indexMs: number;
  canvas: { width: number; height: number; dpr: number };
  frames: number;
  fps: number;
  frameMs: Percentiles;
  drawMs: Percentiles;
  phases: PhaseResult[];
}

export interface BenchOptions {
  baseUrl: string;
  /** Frames per phase. */
  frames: number;
  dpr: number;
  width: number;
  height: number;
  /** Where screenshots go (created). */
  artifacts: string;
}

interface BenchWindow {
  __bench?: {
    ready: boolean;
    run(opts: { frames: number }): Promise<TimelineBenchResult>;
    show(t0: number, t1: number, at?: number): void;
  };
}

export async function runTimelineBench(
  browser: Browser,
  opts: BenchOptions,
): Promise<{ result: TimelineBenchResult; screenshots: string[]; pageErrors: string[]; consoleErrors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: opts.width, height: opts.height },
    deviceScaleFactor: opts.dpr,
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  try {
    await page.goto(`${opts.baseUrl}/bench/timeline`, { waitUntil: 'load' });
    try {
      await page.waitForFunction(
        () => (window as BenchWindow).__bench?.ready === true || document.querySelector('[data-testid="bench-error"]'),
        null,
        { timeout: 120_000 },
      );
    } catch (err) {
      const text = (await page.textContent('body').catch(() => '')) ?? '';
      throw new Error(
        `the bench page did not get ready: ${String(err)}\npage text: ${text.replace(/\s+/g, ' ').slice(0, 300)}` +
          `\npage errors: ${[...pageErrors, ...consoleErrors].join(' | ') || 'none'}`,
        { cause: err },
      );
    }
    const failed = await page.textContent('[data-testid="bench-error"]').catch(() => null);
    if (failed) throw new Error(`the bench page failed: ${failed}`);
    const result = await page.evaluate((frames) => (window as BenchWindow).__bench!.run({ frames }), opts.frames);
    mkdirSync(opts.artifacts, { recursive: true });
    const shots: [string, number, number, number][] = [
      ['timeline-bench-1h.png', 0, 3600, 1500],
      ['timeline-bench-30s.png', 1485, 1515, 1500.5],
      ['timeline-bench-frames.png', 1500, 1500.35, 1500.1],
    ];
    const screenshots: string[] = [];
    for (const [name, t0, t1, at] of shots) {
      await page.evaluate(([a, b, c]) => (window as BenchWindow).__bench!.show(a, b, c), [t0, t1, at] as const);
      const path = join(opts.artifacts, name);
      await page.screenshot({ path });
      screenshots.push(path);
    }
    return { result, screenshots, pageErrors, consoleErrors };
  } finally {
    await context.close();
  }
}
