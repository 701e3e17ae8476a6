import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { spawnSync } from 'node:child_process';

/**
 * Puts a local Postgres on one core for the run (by default the server's, BENCH_POSTGRES_CORE),
 * and restores it afterwards.
 *
 * The database is part of the server side of the benchmark (Concord commits every update to it,
 * Hocuspocus stores through it). Left unpinned, its backends run wherever the scheduler puts
 * them, often on the load generator's core, and that core's stalls are then measured as the
 * server's latency (seen as the load generator's send lag rising only while Concord runs).
 * On the server's core it preempts the server instead (see README.md, "Where the p99 gap is").
 * New backends fork from the postmaster and inherit its CPU mask, so pinning the postmaster and
 * its current children covers every process the run will use.
 */
export interface PostgresPin {
  note: string;
  restore(): void;
}

const none = (why: string): PostgresPin => ({ note: `Postgres NOT pinned (${why})`, restore: () => {} });

/** `sharedWith` names who else runs on `core`, for the note (null: nobody the bench starts). */
export async function pinPostgres(adminUrl: string, core: number, sharedWith: string | null): Promise<PostgresPin> {
  const host = new URL(adminUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return none('not on this machine');
  let dataDirectory: string;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    [{ setting: dataDirectory }] = await sql<
      { setting: string }[]
    >`select setting from pg_settings where name = 'data_directory'`;
  } catch (err) {
    return none(`data_directory unreadable: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return none('postmaster.pid unreadable (run as root or postgres)');
  }
  const pids = [postmaster, ...childrenOf(postmaster)];
  const before = new Map<number, string>();
  for (const pid of pids) {
    const mask = spawnSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' });
    const current = /list: (\S+)/.exec(mask.stdout)?.[1];
    if (mask.status !== 0 || !current) continue;
    if (spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' }).status === 0)
      before.set(pid, current);
  }
  if (!before.has(postmaster)) return none('taskset refused');
  return {
    note: `Postgres (postmaster ${postmaster} and ${before.size - 1} processes) on core ${core}${sharedWith ? ` with ${sharedWith}` : ''}`,
    restore: () => {
      // Backends started during the run inherited the pinned mask; most have exited by now.
      const original = before.get(postmaster)!;
      for (const pid of new Set([...before.keys(), ...childrenOf(postmaster)]))
        spawnSync('taskset', ['-a', '-p', '-c', before.get(pid) ?? original, String(pid)], { stdio: 'ignore' });
    },
  };
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
