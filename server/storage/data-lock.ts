import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is a single-process database: two processes on one data folder corrupt it. The lock
 * file holds the owner's pid; a stale lock (its process is gone, e.g. after kill -9) is taken
 * over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'concord.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DataDirLockedError(
          `the embedded database in ${dir} is in use by process ${pid}; stop it first (or use DATABASE_URL)`,
        );
      }
      rmSync(path, { force: true }); // stale: its owner died
    }
  }
  throw new DataDirLockedError(`could not lock ${dir}`);
}
