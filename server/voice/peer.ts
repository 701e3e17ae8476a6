import type { types } from 'mediasoup';
import type { SessionMessage } from '../sessions/extension.ts';
import { ApiError } from '../errors.ts';

/** How the room reaches a connection: its latest extension context, reduced to what voice uses. */
export interface PeerLink {
  send(msg: SessionMessage): void;
  /** To every connection of the session. */
  broadcast(msg: SessionMessage): void;
}

export type Direction = 'send' | 'recv';

/** One channel connection in a voice call, and the mediasoup objects it owns. */
export class VoicePeer {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();

  constructor(
    readonly connectionId: string,
    readonly userId: string,
    readonly displayName: string,
    public rtpCapabilities: types.RtpCapabilities,
    public link: PeerLink,
  ) {}

  transport(id: string): types.WebRtcTransport {
    return owned(this.transports, id, 'transport');
  }

  producer(id: string): types.Producer {
    return owned(this.producers, id, 'producer');
  }

  consumer(id: string): types.Consumer {
    return owned(this.consumers, id, 'consumer');
  }

  /** Every mediasoup id this peer holds (to check the router's dump after teardown). */
  ids(): Set<string> {
    return new Set([...this.transports.keys(), ...this.producers.keys(), ...this.consumers.keys()]);
  }

  /** Closing the transports closes their producers and consumers with them. */
  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}

function owned<T>(map: Map<string, T>, id: string, what: string): T {
  const value = map.get(id);
  if (value === undefined) throw new ApiError('NotFound', `no ${what} ${id} on this connection`);
  return value;
}
