import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type * as Y from 'yjs';
import { CLOSE_GOING_AWAY, CloseCode, closeReason } from '../../../shared/protocol/close-codes.ts';
import type { Access } from '../../rooms/connection.ts';
import { SyncSocket } from './ws-socket.ts';

export interface DocumentGrant {
  userId: string | null;
  access: Access;
  /**
   * Optional per-update admission check. When present, every update this connection sends (sync
   * step 2 and update messages) is passed to it with the live document BEFORE it is applied;
   * `false` drops the update exactly like an update from a read-only connection.
   */
  admit?: (update: Uint8Array, doc: Y.Doc) => boolean;
}

/**
 * Decides who may open a document and how. Until accounts exist every client may read and write
 * every document; the accounts issue replaces this with the project authorization function.
 * Receives only the upgrade request's headers and URL (no Fastify request: nothing of the HTTP
 * exchange is kept once the socket is open).
 */
export type AuthorizeDocument = (
  request: { headers: IncomingHttpHeaders; url?: string },
  docName: string,
) => Promise<DocumentGrant | CloseCode>;

const openAccess: AuthorizeDocument = async () => ({ userId: null, access: 'write' });

/** Where sync sockets live: `/sync/<docName>`. */
export const SYNC_PREFIX = '/sync/';

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** The document name of a `/sync/<docName>?…` URL, or null when it cannot be decoded. */
function docNameOf(url: string): string | null {
  const end = url.indexOf('?');
  const raw = url.slice(SYNC_PREFIX.length, end < 0 ? url.length : end);
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * `GET /sync/<docName>` upgraded to a WebSocket speaking the y-websocket protocol. A thin adapter:
 * the room core does the protocol; this file does the upgrade, ws events, heartbeat and
 * authorization.
 *
 * The upgrade is handled on the HTTP server's raw 'upgrade' event by a `ws` server in noServer
 * mode, not routed through Fastify: a Fastify request, reply and ServerResponse per socket would
 * stay reachable for the socket's whole life (several KiB per idle document). Listeners are shared
 * by all sockets; per-socket state lives on the socket object (SyncSocket).
 */
const syncRoutes: FastifyPluginAsync<{ authorize?: AuthorizeDocument }> = async (fastify, options) => {
  const authorize = options.authorize ?? openAccess;
  const { heartbeatIntervalMs, maxMessageBytes } = fastify.config.sync;
  const log = fastify.log.child({ component: 'sync' });
  const rooms = fastify.rooms;
  const sockets = new Set<SyncSocket>();
  let accepting = true;
  let allClosed: (() => void) | null = null;

  const wss = new WebSocketServer({
    noServer: true,
    WebSocket: SyncSocket,
    maxPayload: maxMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  // ---- shared socket listeners (`this` is the socket) ------------------------------------------

  function closeSocket(socket: SyncSocket, code: CloseCode): void {
    if (socket.connection) socket.connection.close(code, closeReason(code));
    else socket.close(code, closeReason(code));
  }

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const socket = this as SyncSocket;
    if (!isBinary) {
      // y-websocket only sends binary frames.
      log.warn({ doc: socket.docName, code: CloseCode.MalformedMessage }, 'text frame on sync socket');
      closeSocket(socket, CloseCode.MalformedMessage);
      return;
    }
    const bytes = toBytes(data);
    if (socket.connection) return socket.connection.receive(bytes);
    if (socket.readyState !== SyncSocket.OPEN) return;
    socket.earlyBytes += bytes.byteLength;
    if (socket.earlyBytes > maxMessageBytes) {
      socket.early = null;
      socket.close(CloseCode.SlowConsumer, closeReason(CloseCode.SlowConsumer));
      return;
    }
    (socket.early ??= []).push(bytes.slice());
  }

  function onPong(this: WebSocket): void {
    (this as SyncSocket).alive = true;
  }

  function onError(this: WebSocket, err: Error & { code?: string }): void {
    const socket = this as SyncSocket;
    const tooLarge = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    log.warn(
      { doc: socket.docName, err: err.message, code: tooLarge ? CloseCode.MessageTooLarge : undefined },
      'sync socket error',
    );
    if (tooLarge) socket.connection?.closedByPeer(CloseCode.MessageTooLarge);
  }

  function onClose(this: WebSocket, code: number): void {
    const socket = this as SyncSocket;
    sockets.delete(socket);
    socket.early = null;
    socket.transport = null;
    socket.connection?.closedByPeer(code);
    if (allClosed && sockets.size === 0) allClosed();
  }

  // ---- upgrade and authorization ------------------------------------------------------------------

  function admitSocket(socket: SyncSocket, request: IncomingMessage, transport: Duplex, docName: string): void {
    socket.docName = docName;
    socket.transport = transport;
    sockets.add(socket);
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    socket.on('error', onError);
    socket.on('close', onClose);
    // Only headers and URL go to authorization, so nothing else of the request is kept.
    authorize({ headers: request.headers, url: request.url }, docName).then(
      (grant) => {
        if (socket.readyState !== SyncSocket.OPEN) return;
        if (typeof grant === 'number') {
          log.info({ doc: docName, code: grant }, 'document access denied');
          socket.close(grant, closeReason(grant));
          return;
        }
        const connection = rooms.connect(docName, socket, grant);
        socket.connection = connection;
        const early = socket.early;
        socket.early = null;
        if (early) for (const bytes of early) connection.receive(bytes);
      },
      (err: unknown) => {
        log.error({ err, doc: docName }, 'authorization failed');
        if (socket.readyState === SyncSocket.OPEN) {
          socket.close(CloseCode.InternalError, closeReason(CloseCode.InternalError));
        }
      },
    );
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const docName = docNameOf(request.url!) ?? '';
    if (!accepting) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => admitSocket(ws as SyncSocket, request, socket, docName));
  }

  // /sync/* upgrades are ours; any other upgrade goes to the listeners registered by others
  // (@fastify/websocket's, which routes it through Fastify). Installed once every plugin has
  // registered, so the order of registration does not matter.
  const server = fastify.server;
  let others: UpgradeListener[] = [];
  const onUpgrade: UpgradeListener = (request, socket, head) => {
    if (request.url?.startsWith(SYNC_PREFIX)) return handleUpgrade(request, socket, head);
    for (const listener of others) listener.call(server, request, socket, head);
  };
  fastify.addHook('onReady', async () => {
    others = (server.listeners('upgrade') as UpgradeListener[]).filter((listener) => listener !== onUpgrade);
    server.removeAllListeners('upgrade');
    server.on('upgrade', onUpgrade);
  });

  // ---- heartbeat and shutdown ------------------------------------------------------------------

  // Ping every interval; a socket that has not answered the previous ping is dead.
  const heartbeat = setInterval(() => {
    for (const socket of sockets) {
      if (socket.readyState !== SyncSocket.OPEN) continue;
      if (!socket.alive) {
        log.info({ doc: socket.docName }, 'heartbeat timeout');
        closeSocket(socket, CloseCode.HeartbeatTimeout);
        continue;
      }
      socket.alive = false;
      socket.ping();
    }
  }, heartbeatIntervalMs);
  heartbeat.unref();

  // Clients are told "going away" (1001) and the server waits for their close handshakes; their
  // rooms flush in the rooms plugin's onClose.
  fastify.addHook('preClose', (done) => {
    accepting = false;
    clearInterval(heartbeat);
    if (sockets.size === 0) return done();
    allClosed = () => {
      allClosed = null;
      done();
    };
    for (const socket of [...sockets]) socket.close(CLOSE_GOING_AWAY, 'server shutting down');
  });
  fastify.addHook('onClose', async () => {
    clearInterval(heartbeat);
    server.removeListener('upgrade', onUpgrade);
    for (const listener of others) server.on('upgrade', listener);
  });
};

export default syncRoutes;
