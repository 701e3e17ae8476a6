import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import app, { serverOptions } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { AuthorizeDocument } from '../../server/routes/sync/index.ts';
import { CLOSE_GOING_AWAY, CloseCode } from '../../shared/protocol/close-codes.ts';
import { until } from '../helpers/memory-socket.ts';
import { provider, rawSocket, whenSynced } from '../helpers/providers.ts';
import { backends, startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

for (const backend of backends()) {
  describe(`sync server over real WebSockets (${backend.name})`, () => {
    let env: Record<string, string>;
    let cleanup: () => Promise<void>;
    let server: TestServer;

    beforeAll(async () => {
      ({ env, cleanup } = await backend.create());
      server = await startServer({
        ...env,
        SYNC_AUTH: 'none',
        MAX_MESSAGE_BYTES: String(256 * 1024),
        MAX_BUFFERED_BYTES: String(1 << 20),
      });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await cleanup?.();
    });

    it('R1 three y-websocket providers converge', async () => {
      const providers = [0, 1, 2].map(() => provider(server.syncUrl, 'it/converge'));
      await Promise.all(providers.map((p) => whenSynced(p)));
      providers.forEach((p, i) => p.doc.getArray<string>('segments').push([`from-${i}`]));
      providers[0]!.doc.getText('transcript').insert(0, 'hello ');
      providers[2]!.doc.getText('transcript').insert(0, 'world ');
      const state = (p: (typeof providers)[number]) =>
        JSON.stringify([p.doc.getArray<string>('segments').toArray().sort(), p.doc.getText('transcript').toString()]);
      await until(
        () => providers.every((p) => p.doc.getArray('segments').length === 3 && state(p) === state(providers[0]!)),
        'convergence',
      );
      expect(providers[0]!.doc.getText('transcript').length).toBe(12);
      providers.forEach((p) => p.destroy());
    });

    it('R6 a restarted server has everything (durable before restart)', async () => {
      const p = provider(server.syncUrl, 'it/restart');
      await whenSynced(p);
      p.doc.getMap('labels').set('speaker', 'A');
      p.doc.getText('t').insert(0, 'persist me');
      await until(() => server.app.rooms.commits.pending === 0, 'commit');
      p.destroy();
      await server.close();
      server = await startServer({
        ...env,
        SYNC_AUTH: 'none',
        MAX_MESSAGE_BYTES: String(256 * 1024),
        MAX_BUFFERED_BYTES: String(1 << 20),
      });
      const fresh = provider(server.syncUrl, 'it/restart');
      await whenSynced(fresh);
      expect(fresh.doc.getMap('labels').get('speaker')).toBe('A');
      expect(fresh.doc.getText('t').toString()).toBe('persist me');
      fresh.destroy();
    }, 60_000);

    it('R7 malformed bytes, a truncated varint and an oversized frame get documented codes; the server stays healthy', async () => {
      const cases: Array<[string, Uint8Array, number]> = [
        ['garbage', new Uint8Array([0xff, 0xfe, 0xfd]), CloseCode.MalformedMessage],
        ['truncated varint', new Uint8Array([0x80]), CloseCode.MalformedMessage],
        ['oversized frame', new Uint8Array(300 * 1024), CloseCode.MessageTooLarge],
      ];
      const witness = provider(server.syncUrl, 'it/hardening');
      await whenSynced(witness);
      witness.doc.getText('t').insert(0, 'before');
      for (const [what, bytes, code] of cases) {
        const raw = rawSocket(`${server.syncUrl}/it/hardening`);
        await raw.opened;
        raw.ws.send(bytes);
        expect(await raw.closed, what).toBe(code);
      }
      const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
      expect(text).toMatch(/concord_ws_closes_total\{code="4400"\} [1-9]/);
      expect(text).toMatch(/concord_ws_closes_total\{code="4413"\} 1/);
      const health = await fetch(`${server.httpUrl}/api/health`);
      expect(health.status).toBe(200);
      witness.doc.getText('t').insert(6, ' after');
      const check = provider(server.syncUrl, 'it/hardening');
      await until(() => check.doc.getText('t').toString() === 'before after', 'witness edits still flow');
      witness.destroy();
      check.destroy();
    });

    it('R7 a reader that stops reading is disconnected with 4429 and server memory stays bounded', async () => {
      const slow = rawSocket(`${server.syncUrl}/it/slow`);
      await slow.opened;
      // Stop reading at the TCP level: the kernel buffers fill, then ws's send buffer grows.
      const tcp = (slow.ws as unknown as { _socket: Socket })._socket;
      tcp.pause();
      const writer = provider(server.syncUrl, 'it/slow');
      await whenSynced(writer);
      const heapBefore = process.memoryUsage().heapUsed;
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      while (server.app.rooms.connectionCount > 1 && sent < 400) {
        writer.doc.getArray<string>('blobs').push([chunk]);
        sent += 1;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const heapAfter = process.memoryUsage().heapUsed;
      expect(server.app.rooms.connectionCount).toBe(1); // only the writer remains
      tcp.resume();
      expect(await slow.closed).toBe(CloseCode.SlowConsumer);
      // 1 MiB send-buffer bound + kernel buffers, far below the ~25 MB the writer pushed.
      expect(sent).toBeLessThan(400);
      expect(heapAfter - heapBefore).toBeLessThan(64 * 1024 * 1024);
      writer.destroy();
    }, 60_000);

    it('R8 health and metrics report the live state', async () => {
      const p = provider(server.syncUrl, 'it/metrics');
      await whenSynced(p);
      p.doc.getText('t').insert(0, 'count me');
      await until(() => server.app.rooms.commits.pending === 0, 'commit');
      const health = (await (await fetch(`${server.httpUrl}/api/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', database: env.DATABASE_URL ? 'postgres' : 'pglite' });
      expect(health.connections).toBeGreaterThanOrEqual(1);
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      for (const name of [
        'concord_ws_connections',
        'concord_documents_loaded',
        'concord_updates_total',
        'concord_group_commit_seconds_bucket',
        'concord_compactions_total',
        'concord_ws_closes_total',
      ]) {
        expect(metrics).toContain(name);
      }
      expect(metrics).toMatch(/concord_updates_total [1-9]/);
      p.destroy();
    });

    it('R8 graceful shutdown closes sockets with 1001 after flushing writes', async () => {
      const raw = rawSocket(`${server.syncUrl}/it/shutdown`);
      await raw.opened;
      const p = provider(server.syncUrl, 'it/shutdown');
      await whenSynced(p);
      p.doc.getText('t').insert(0, 'flushed on shutdown');
      await until(() => server.app.rooms.commits.pending > 0 || server.app.rooms.loadedCount > 0, 'update queued');
      p.destroy();
      await server.close();
      expect(await raw.closed).toBe(CLOSE_GOING_AWAY);
      server = await startServer({ ...env, SYNC_AUTH: 'none' });
      const check = provider(server.syncUrl, 'it/shutdown');
      await whenSynced(check);
      expect(check.doc.getText('t').toString()).toBe('flushed on shutdown');
      check.destroy();
    }, 60_000);
  });
}

describe('sync authorization hook, admit and live access changes over real WebSockets', () => {
  let fastify: FastifyInstance;
  let syncUrl: string;
  const data = tempDataDir();
  const seen: Array<{ keys: string[]; url: string | undefined; user: string | undefined; docName: string }> = [];

  const hasX = (update: Uint8Array): boolean =>
    Y.decodeUpdate(update).structs.some(
      (s) => s instanceof Y.Item && s.content instanceof Y.ContentString && s.content.str.includes('x'),
    );
  const authorize: AuthorizeDocument = async (request, docName) => {
    seen.push({
      keys: Object.keys(request).sort(),
      url: request.url,
      user: request.headers['x-user'] as string | undefined,
      docName,
    });
    if (docName.startsWith('deny/')) return CloseCode.Forbidden;
    return {
      userId: new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
      access: docName.startsWith('ro/') ? 'read' : 'write',
      admit: docName.startsWith('admit/') ? (update: Uint8Array) => !hasX(update) : undefined,
    };
  };

  beforeAll(async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      PORT: '0',
      DEMO: 'off',
      SYNC_AUTH: 'none',
      DATA_DIR: data.dir,
      DATABASE_URL: '',
    });
    fastify = Fastify(serverOptions(config));
    await fastify.register(app, { config, authorizeDocument: authorize });
    await fastify.listen({ host: '127.0.0.1', port: 0 });
    const { port } = fastify.server.address() as AddressInfo;
    syncUrl = `ws://127.0.0.1:${port}/sync`;
  }, 60_000);
  afterAll(async () => {
    await fastify?.close();
    data.remove();
  });

  it('the hook gets only the upgrade request’s headers and URL; a refusal closes with its code', async () => {
    const raw = new WebSocket(`${syncUrl}/deny/doc?user=eve`, { headers: { 'x-user': 'eve' } });
    const code = await new Promise<number>((resolve) => raw.once('close', resolve));
    expect(code).toBe(CloseCode.Forbidden);
    expect(seen.at(-1)).toEqual({
      keys: ['headers', 'url'],
      url: '/sync/deny/doc?user=eve',
      user: 'eve',
      docName: 'deny/doc',
    });
  });

  it('admit: refused updates never reach the document or the other clients; the editor stays connected', async () => {
    const editor = provider(syncUrl, 'admit/doc');
    const watcher = provider(syncUrl, 'admit/doc');
    await Promise.all([whenSynced(editor), whenSynced(watcher)]);
    editor.doc.getText('t').insert(0, 'fine ');
    await until(() => watcher.doc.getText('t').toString() === 'fine ', 'admitted edit');
    editor.doc.getText('t').insert(5, 'xx');
    // Other clients' edits keep flowing, to the refused editor too.
    watcher.doc.getMap('m').set('after', 1);
    await until(() => editor.doc.getMap('m').get('after') === 1, 'edit after the refused one');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(watcher.doc.getText('t').toString()).toBe('fine ');
    const direct = await fastify.rooms.openDirect('admit/doc', 'check');
    expect(direct.doc.getText('t').toString()).toBe('fine ');
    direct.close();
    expect(editor.wsconnected).toBe(true);
    editor.destroy();
    watcher.destroy();
  });

  it('closeConnections and setAccess act on live sockets', async () => {
    const a = rawSocket(`${syncUrl}/live/doc?user=a`);
    const b = provider(syncUrl, 'live/doc', undefined);
    await a.opened;
    await whenSynced(b);
    await until(() => fastify.rooms.connectionCount >= 2, 'both connected');
    expect(
      fastify.rooms.closeConnections((doc, user) => doc === 'live/doc' && user === 'a', CloseCode.AccessChanged),
    ).toBe(1);
    expect(await a.closed).toBe(CloseCode.AccessChanged);
    expect(fastify.rooms.setAccess((doc) => doc === 'live/doc', 'read')).toBe(1);
    b.doc.getText('t').insert(0, 'dropped');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const direct = await fastify.rooms.openDirect('live/doc', 'check');
    expect(direct.doc.getText('t').toString()).toBe('');
    direct.close();
    b.destroy();
  });

  it('upgrades outside /sync/ still go through Fastify (same answer as a plain GET)', async () => {
    const httpUrl = syncUrl.replace('ws://', 'http://').replace('/sync', '');
    const plain = (await fetch(`${httpUrl}/not-sync`)).status;
    const other = new WebSocket(`${syncUrl.replace('/sync', '')}/not-sync`);
    other.on('error', () => {});
    const status = await new Promise<number>((resolve) =>
      other.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(plain);
    expect(status).not.toBe(101);
    other.terminate();
  });
});
