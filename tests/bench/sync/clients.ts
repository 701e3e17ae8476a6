import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/**
 * One real client per connection, the way an application would connect: y-websocket's
 * WebsocketProvider for Concord and @y/websocket-server, HocuspocusProvider for Hocuspocus
 * (Hocuspocus prefixes every frame with the document name, so y-websocket clients cannot talk to it).
 */
export type Protocol = 'y-websocket' | 'hocuspocus';

export interface SyncClient {
  readonly doc: Y.Doc;
  /** Resolves on the provider's first `synced`. */
  readonly synced: Promise<void>;
  destroy(): void;
}

/** Called with each incoming frame's size before the provider handles it. */
export type FrameListener = (bytes: number) => void;

function rawLength(data: WebSocket.RawData): number {
  return Array.isArray(data) ? data.reduce((sum, b) => sum + b.byteLength, 0) : data.byteLength;
}

/** ws's WebSocket, optionally reporting frames before the provider's own message handler runs. */
function socketClass(onFrame: FrameListener | undefined): unknown {
  if (!onFrame) return WebSocket;
  const report = onFrame;
  return class TimedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      // Prepended, so it runs before the provider decodes and applies the frame.
      this.prependListener('message', (data: WebSocket.RawData) => report(rawLength(data)));
    }
  };
}

export function connectClient(protocol: Protocol, url: string, docName: string, onFrame?: FrameListener): SyncClient {
  const doc = new Y.Doc();
  const Socket = socketClass(onFrame);
  if (protocol === 'hocuspocus') {
    // One socket per document, like the y-websocket clients (Hocuspocus could multiplex them).
    const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: Socket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: docName, document: doc });
    provider.attach();
    const synced = new Promise<void>((resolve) => provider.on('synced', () => resolve()));
    return {
      doc,
      synced,
      destroy: () => {
        provider.destroy();
        socket.destroy();
      },
    };
  }
  const provider = new WebsocketProvider(url, docName, doc, {
    WebSocketPolyfill: Socket as unknown as typeof globalThis.WebSocket,
    // Node 20 has BroadcastChannel: without this, clients of one document in this process would
    // exchange updates directly and bypass the server under test.
    disableBc: true,
  });
  const synced = new Promise<void>((resolve) => {
    const onSync = (state: boolean): void => {
      if (!state) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
  return { doc, synced, destroy: () => provider.destroy() };
}

/** Rejects if `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens clients `batch` at a time so a few hundred connects do not arrive as one burst. */
export async function connectMany(
  protocol: Protocol,
  url: string,
  names: readonly string[],
  onFrame?: FrameListener,
  batch = 50,
  timeoutMs = 60_000,
): Promise<SyncClient[]> {
  const clients: SyncClient[] = [];
  for (let i = 0; i < names.length; i += batch) {
    const group = names.slice(i, i + batch).map((name) => connectClient(protocol, url, name, onFrame));
    clients.push(...group);
    await within(Promise.all(group.map((c) => c.synced)), timeoutMs, `syncing ${group.length} clients`);
  }
  return clients;
}
