import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import { serveBenchServer } from './server-ipc.ts';

/**
 * @y/websocket-server as its own src/server.js sets it up (http server, ws in noServer mode,
 * setupWSConnection). Persistence is whatever the environment says: none by default, y-leveldb
 * when YPERSISTENCE is set (utils.js reads it at import time).
 */
const wss = new WebSocketServer({ noServer: true });
const server = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
wss.on('connection', setupWSConnection);
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(0, process.env.HOST || '127.0.0.1', () => {
  serveBenchServer((server.address() as AddressInfo).port, async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
