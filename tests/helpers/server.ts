import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import app, { serverOptions } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createTestDatabase, testPostgresUrl } from './postgres.ts';

export interface TestServer {
  app: FastifyInstance;
  httpUrl: string;
  /** Base URL for y-websocket providers: `new WebsocketProvider(syncUrl, docName, doc)`. */
  syncUrl: string;
  port: number;
  close(): Promise<void>;
}

/** A fresh temporary DATA_DIR; removed by the returned function. */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'concord-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Builds the real app (same plugin as main.ts) and listens on 127.0.0.1 (port 0 unless given). */
export async function startServer(env: Record<string, string | undefined>): Promise<TestServer> {
  // No demo project unless a test asks for it: most tests want an empty database. No voice
  // workers either (VOICE: 'on' for tests that talk): the others should not spawn media processes.
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', DEMO: 'off', VOICE: 'off', ...env });
  const fastify = Fastify(serverOptions(config));
  await fastify.register(app, { config });
  await fastify.listen({ host: '127.0.0.1', port: config.port });
  const address = fastify.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const { port } = address;
  return {
    app: fastify,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    close: () => fastify.close(),
  };
}

/** A TCP port that was free a moment ago (for servers that must come back on the same port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Backend {
  name: string;
  /** Environment for a server on this backend (DATA_DIR and maybe DATABASE_URL), and its cleanup. */
  create(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

/** Embedded PGlite always; real Postgres when TEST_DATABASE_URL/DATABASE_URL is set (CI sets it). */
export function backends(): Backend[] {
  const list: Backend[] = [
    {
      name: 'PGlite',
      async create() {
        const data = tempDataDir();
        return { env: { DATA_DIR: data.dir, DATABASE_URL: '' }, cleanup: async () => data.remove() };
      },
    },
  ];
  if (testPostgresUrl) {
    const base = testPostgresUrl;
    list.push({
      name: 'Postgres',
      async create() {
        const data = tempDataDir();
        const database = await createTestDatabase(base);
        return {
          env: { DATA_DIR: data.dir, DATABASE_URL: database.url },
          cleanup: async () => {
            data.remove();
            await database.drop();
          },
        };
      },
    });
  }
  return list;
}
