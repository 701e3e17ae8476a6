import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './build.ts';

/** Browser tests serve the built app: build it once per run when a source is newer. */
export default function setup(): void {
  ensureWebBuild(fileURLToPath(new URL('../../', import.meta.url)));
}
