import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase } from '../../server/storage/database.ts';
import { PgDocumentStore } from '../../server/storage/document-store.ts';
import { join } from 'node:path';
import { until } from '../helpers/memory-socket.ts';
import { provider, whenSynced } from '../helpers/providers.ts';
import { backends, freePort } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = 'crash/doc';

/** Starts server/main.ts as a child process and resolves once it listens. */
async function spawnServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', WEB_DIR: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Concord listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return child;
}

/** R6: the durability contract under kill -9. */
for (const backend of backends()) {
  describe(`crash durability (${backend.name})`, () => {
    const children: ChildProcess[] = [];
    afterAll(() => {
      for (const child of children) child.kill('SIGKILL');
    });

    it('SIGKILL while clients type: committed edits are stored before anyone reconnects; after reconnect nothing is lost', async () => {
      const { env, cleanup } = await backend.create();
      const port = await freePort();
      // A wide commit window makes the open batch (the edits a crash may lose) non-trivial.
      const serverEnv = { ...env, SYNC_AUTH: 'none', DEMO: 'off', COMMIT_WINDOW_MS: '20', COMPACT_MAX_UPDATES: '50' };
      children.push(await spawnServer(serverEnv, port));
      const url = `ws://127.0.0.1:${port}/sync`;
      const clients = [0, 1, 2].map(() => provider(url, DOC));
      await Promise.all(clients.map((c) => whenSynced(c)));

      // Each client appends `client:n` every few ms; remember when each edit was sent.
      const sentAt = new Map<string, number>();
      let typing = true;
      const loops = clients.map(async (client, i) => {
        for (let n = 0; typing; n++) {
          const id = `${i}:${n}`;
          client.doc.getArray<string>('edits').push([id]);
          sentAt.set(id, Date.now());
          await new Promise((resolve) => setTimeout(resolve, 3 + i));
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const killed = children.at(-1)!;
      const gone = new Promise((resolve) => killed.once('exit', resolve));
      killed.kill('SIGKILL');
      const killedAt = Date.now();
      typing = false;
      await Promise.all(loops);
      // The clients keep typing offline; those edits must arrive after the restart too.
      clients.forEach((c, i) => c.doc.getArray<string>('edits').push([`${i}:offline`]));
      for (const c of clients) c.disconnect(); // nobody reconnects before the store is checked

      // The killed process must be gone (reaped) before its data folder is opened again.
      await gone;

      // Before any reconnect: every edit sent well before the kill is in the store. "Well
      // before" = 500 ms, far above the group-commit latency (a few ms + the 20 ms window).
      const handle = await openDatabase(
        env.DATABASE_URL ? { url: env.DATABASE_URL } : { pgliteDir: join(env.DATA_DIR!, 'pglite') },
      );
      const stored = await new PgDocumentStore(handle.db).load(DOC);
      await handle.close();
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      const durable = new Set(doc.getArray<string>('edits').toArray());
      const mustBeDurable = [...sentAt].filter(([, t]) => t < killedAt - 500).map(([id]) => id);
      expect(mustBeDurable.length).toBeGreaterThan(100);
      expect(mustBeDurable.filter((id) => !durable.has(id))).toEqual([]);

      // Restart on the same port; the providers reconnect and resend what the server lacks.
      children.push(await spawnServer(serverEnv, port));
      for (const c of clients) c.connect();
      const expected = new Set([...sentAt.keys(), '0:offline', '1:offline', '2:offline']);
      await until(
        () => clients.every((c) => c.doc.getArray('edits').length === expected.size),
        'every client sees every edit after restart',
        20_000,
      );
      for (const c of clients) expect(new Set(c.doc.getArray<string>('edits').toArray())).toEqual(expected);
      const observer = provider(url, DOC);
      await whenSynced(observer);
      expect(observer.doc.getArray('edits').length).toBe(expected.size);
      observer.destroy();
      for (const c of clients) c.destroy();
      const last = children.at(-1)!;
      const exited = new Promise((resolve) => last.once('exit', resolve));
      last.kill('SIGTERM');
      expect(await exited).toBe(0);
      await cleanup();
    }, 240_000);
  });
}
