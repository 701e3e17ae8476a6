import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '../../shared/protocol/close-codes.ts';
import { until } from '../helpers/memory-socket.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

describe('R7 heartbeat', () => {
  let server: TestServer;
  const data = tempDataDir();
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: data.dir, DATABASE_URL: '', HEARTBEAT_INTERVAL_MS: '100' });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    data.remove();
  });

  it('a peer that stops answering pings is closed with 4408; a live one stays', async () => {
    const dead = new WebSocket(`${server.syncUrl}/hb/doc`, { autoPong: false });
    const live = new WebSocket(`${server.syncUrl}/hb/doc`);
    const deadClosed = new Promise<number>((resolve) => dead.once('close', resolve));
    let liveClosed = false;
    live.once('close', () => (liveClosed = true));
    await Promise.all([dead, live].map((ws) => new Promise((resolve) => ws.once('open', resolve))));
    await until(() => server.app.rooms.connectionCount === 2, 'both connected');
    expect(await deadClosed).toBe(CloseCode.HeartbeatTimeout);
    await until(() => server.app.rooms.connectionCount === 1, 'dead peer removed');
    await new Promise((resolve) => setTimeout(resolve, 350)); // three more heartbeats
    expect(liveClosed).toBe(false);
    live.close();
  });
});
