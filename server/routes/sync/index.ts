import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CloseCode, closeReason } from '../../../shared/protocol/close-codes.ts';
import type { Access } from '../../rooms/connection.ts';
import type { Connection } from '../../rooms/connection.ts';
import { WsRoomSocket } from './ws-socket.ts';

export interface DocumentGrant {
  userId: string | null;
  access: Access;
}

/**
 * Decides who may open a document and how. Until accounts exist every client may read and write
 * every document; the accounts issue replaces this with the project authorization function.
 */
export type AuthorizeDocument = (request: FastifyRequest, docName: string) => Promise<DocumentGrant | CloseCode>;

const openAccess: AuthorizeDocument = async () => ({ userId: null, access: 'write' });

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * `GET /sync/<docName>` upgraded to a WebSocket speaking the y-websocket protocol. A thin adapter:
 * the room core does the protocol; this file does ws events, heartbeat and authorization.
 */
const syncRoutes: FastifyPluginAsync<{ authorize?: AuthorizeDocument }> = async (fastify, options) => {
  const authorize = options.authorize ?? openAccess;
  const { heartbeatIntervalMs, maxMessageBytes } = fastify.config.sync;
  const alive = new Map<WebSocket, boolean>();
  const log = fastify.log.child({ component: 'sync' });

  // Heartbeat: ping every interval; a socket that has not answered the previous ping is dead.
  const heartbeat = setInterval(() => {
    for (const [ws, answered] of alive) {
      if (!answered) {
        ws.emit('concord:heartbeat-timeout');
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, heartbeatIntervalMs);
  heartbeat.unref();
  fastify.addHook('onClose', async () => clearInterval(heartbeat));

  fastify.get('/sync/*', { websocket: true }, (ws, request) => {
    const docName = (request.params as { '*': string })['*'];
    const socket = new WsRoomSocket(ws, 1000);
    let connection: Connection | null = null;
    // Frames that arrive while authorization is pending; bounded like the loading queue.
    let early: Uint8Array[] | null = [];
    let earlyBytes = 0;

    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('concord:heartbeat-timeout', () => {
      log.info({ doc: docName }, 'heartbeat timeout');
      alive.delete(ws);
      if (connection) connection.close(CloseCode.HeartbeatTimeout, 'heartbeat_timeout');
      else socket.close(CloseCode.HeartbeatTimeout, 'heartbeat_timeout');
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        // y-websocket only sends binary frames.
        const code = CloseCode.MalformedMessage;
        log.warn({ doc: docName, code }, 'text frame on sync socket');
        if (connection) connection.close(code, closeReason(code));
        else socket.close(code, closeReason(code));
        return;
      }
      const bytes = toBytes(data);
      if (connection) return connection.receive(bytes);
      if (!early) return;
      earlyBytes += bytes.byteLength;
      if (earlyBytes > maxMessageBytes) {
        early = null;
        socket.close(CloseCode.SlowConsumer, closeReason(CloseCode.SlowConsumer));
        return;
      }
      early.push(bytes.slice());
    });
    ws.on('error', (err: Error & { code?: string }) => {
      const tooLarge = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
      log.warn(
        { doc: docName, err: err.message, code: tooLarge ? CloseCode.MessageTooLarge : undefined },
        'sync socket error',
      );
      if (tooLarge) connection?.closedByPeer(CloseCode.MessageTooLarge);
    });
    ws.on('close', (code) => {
      alive.delete(ws);
      early = null;
      connection?.closedByPeer(code);
    });

    authorize(request, docName).then(
      (grant) => {
        if (ws.readyState !== ws.OPEN) return;
        if (typeof grant === 'number') {
          log.info({ doc: docName, code: grant }, 'document access denied');
          socket.close(grant, closeReason(grant));
          return;
        }
        connection = fastify.rooms.connect(docName, socket, grant);
        const queued = early ?? [];
        early = null;
        for (const bytes of queued) connection.receive(bytes);
      },
      (err: unknown) => {
        log.error({ err, doc: docName }, 'authorization failed');
        socket.close(CloseCode.InternalError, closeReason(CloseCode.InternalError));
      },
    );
  });
};

export default syncRoutes;
