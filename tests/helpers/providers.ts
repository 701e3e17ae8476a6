import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { until } from './memory-socket.ts';

/** A real, unmodified y-websocket provider in Node (ws as the WebSocket implementation). */
export function provider(syncUrl: string, docName: string, doc = new Y.Doc()): WebsocketProvider {
  return new WebsocketProvider(syncUrl, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
}

export async function whenSynced(p: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  await until(() => p.synced, `provider ${p.roomname} to sync`, timeoutMs);
}

/** Opens a raw ws client and resolves with the close code the server sends. */
export function rawSocket(url: string): { ws: WebSocket; opened: Promise<void>; closed: Promise<number> } {
  const ws = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('error', () => {});
  return { ws, opened, closed };
}
