import type { WebSocket } from 'ws';
import { CloseCode, closeReason } from '../../../shared/protocol/close-codes.ts';
import type { RoomSocket } from '../../rooms/ports.ts';

/** ws's own code for a frame over `maxPayload` (RFC 6455 "message too big"). */
const WS_MESSAGE_TOO_BIG = 1009;

/**
 * Adapts a `ws` WebSocket to the room core's RoomSocket.
 *
 * Peers that stopped reading (slow consumer, dead heartbeat) would keep a close handshake open
 * for ws's 30 s timeout with their whole send buffer in memory, so after those codes the socket
 * is destroyed once `terminateAfterMs` has passed.
 */
export class WsRoomSocket implements RoomSocket {
  constructor(
    private readonly ws: WebSocket,
    private readonly terminateAfterMs: number,
  ) {
    // ws enforces `maxPayload` on the frame header, before buffering the payload (good), but
    // closes with 1009 by calling this instance's close(). Route that call to our catalogue's
    // code so clients and metrics see one documented code for "too large".
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer) =>
      code === WS_MESSAGE_TOO_BIG
        ? close(CloseCode.MessageTooLarge, closeReason(CloseCode.MessageTooLarge))
        : close(code, reason);
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(data: Uint8Array): void {
    this.ws.send(data, { binary: true });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    if (code === CloseCode.SlowConsumer || code === CloseCode.HeartbeatTimeout) {
      const timer = setTimeout(() => this.ws.terminate(), this.terminateAfterMs);
      timer.unref();
      this.ws.once('close', () => clearTimeout(timer));
    }
  }
}
