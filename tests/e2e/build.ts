/** Builds the web app (build/web) unless the build is newer than every source it comes from. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['web', 'shared', 'svelte.config.js', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when build/web/index.html is missing or older than a source file. */
export function buildIsStale(root: string): boolean {
  const built = statSync(join(root, 'build/web/index.html'), { throwIfNoEntry: false });
  if (!built) return true;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built.mtimeMs);
}

/** Runs `vite build` when needed; returns whether it built. Throws when the build fails. */
export function ensureWebBuild(root: string, force = false): boolean {
  if (!force && !buildIsStale(root)) return false;
  const r = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
  return true;
}
