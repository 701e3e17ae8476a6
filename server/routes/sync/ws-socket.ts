import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { CloseCode, closeReason } from '../../../shared/protocol/close-codes.ts';
import type { Connection } from '../../rooms/connection.ts';
import type { RoomSocket } from '../../rooms/ports.ts';

/** ws's own code for a frame over `maxPayload` (RFC 6455 "message too big"). */
const WS_MESSAGE_TOO_BIG = 1009;

/** Peers that stopped reading get this long to finish the close handshake, then are cut. */
const TERMINATE_AFTER_MS = 1000;

/**
 * One sync socket: the `ws` WebSocket itself (the server creates this class, see the
 * `WebSocket` option of WebSocketServer) carrying the adapter state, so a connection costs no
 * wrapper object and no closures; the event listeners are shared by all sockets.
 */
export class SyncSocket extends WebSocket implements RoomSocket {
  docName = '';
  /** The room connection, once authorized. */
  connection: Connection | null = null;
  /** Frames that arrive while authorization is pending (bounded); null when none or done. */
  early: Uint8Array[] | null = null;
  earlyBytes = 0;
  /** Answered the last heartbeat ping. */
  alive = true;
  /** The upgraded TCP socket, for pre-framed broadcast sends (see `send`). */
  transport: Duplex | null = null;

  /**
   * Sends one binary message. A broadcast hands the same message to every connection of a room
   * in a row, so the WebSocket frame (header + payload) is built once for all of them and written
   * straight to each TCP socket, one write per recipient, instead of ws framing it again for
   * every socket. Only valid because the server never compresses (perMessageDeflate off), never
   * masks, and ws writes its own frames (pings, close) whole as well.
   */
  override send(data: Uint8Array): void {
    const transport = this.transport;
    if (transport === null || transport.destroyed) {
      super.send(data, { binary: true });
      return;
    }
    transport.write(serverFrame(data));
  }

  /** Close, mapping ws's 1009 to our catalogue's 4413, and cutting peers that stopped reading. */
  override close(code?: number, reason?: string | Buffer): void {
    if (code === WS_MESSAGE_TOO_BIG) {
      code = CloseCode.MessageTooLarge;
      reason = closeReason(CloseCode.MessageTooLarge);
    }
    super.close(code, reason);
    // Peers that stopped reading (slow consumer, dead heartbeat) would keep a close handshake
    // open for ws's 30 s timeout with their whole send buffer in memory.
    if (code === CloseCode.SlowConsumer || code === CloseCode.HeartbeatTimeout) {
      setTimeout(terminate, TERMINATE_AFTER_MS, this).unref();
    }
  }
}

function terminate(socket: SyncSocket): void {
  if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
}

let lastPayload: Uint8Array | null = null;
let lastFrame: Buffer | null = null;

/** An unmasked, final, binary WebSocket frame; the last one is reused for the same payload. */
function serverFrame(payload: Uint8Array): Buffer {
  if (payload === lastPayload) return lastFrame!;
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x82; // FIN + binary
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, header);
  lastPayload = payload;
  lastFrame = frame;
  return frame;
}
