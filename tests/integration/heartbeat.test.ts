import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '../../shared/protocol/close-codes.ts';
import { until } from '../helpers/memory-socket.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

/** Long enough that a busy test machine still answers a live peer's pings in time. */
const INTERVAL_MS = 250;

describe('R7 heartbeat', () => {
  let server: TestServer;
  const data = tempDataDir();
  beforeAll(async () => {
    server = await startServer({
      DATA_DIR: data.dir,
      DATABASE_URL: '',
      SYNC_AUTH: 'none',
      HEARTBEAT_INTERVAL_MS: String(INTERVAL_MS),
    });
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
    // Both are attached to the document once the server greets them (sync step 1). (Waiting for
    // connectionCount === 2 instead races the dead peer's removal on a slow machine.)
    await Promise.all([dead, live].map((ws) => new Promise((resolve) => ws.once('message', resolve))));
    expect(await deadClosed).toBe(CloseCode.HeartbeatTimeout);
    await until(() => server.app.rooms.connectionCount === 1, 'dead peer removed');
    await new Promise((resolve) => setTimeout(resolve, 3.5 * INTERVAL_MS)); // three more heartbeats
    expect(liveClosed).toBe(false);
    expect(server.app.rooms.connectionCount).toBe(1);
    live.close();
  });
});
