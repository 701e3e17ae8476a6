import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import { ApiError } from '../errors.ts';
import type { SessionMessage, SessionPeer } from '../sessions/extension.ts';
import type { VoiceConfig } from './config.ts';
import {
  activeSpeakerIntervalMs,
  audioLevelIntervalMs,
  audioLevelThreshold,
  transportOptions,
  voiceCodecs,
} from './media.ts';
import { VoicePeer, type Direction, type PeerLink } from './peer.ts';

/** A participant as the others see it in the call. */
export interface PeerView {
  connectionId: string;
  userId: string;
  displayName: string;
  producers: { id: string; paused: boolean }[];
}

export interface TransportView {
  id: string;
  direction: Direction;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ConsumerView {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  connectionId: string;
  userId: string;
}

/**
 * The voice call of one live session: a router on one worker, the participants' transports,
 * producers and consumers, and two observers — the dominant speaker (ActiveSpeakerObserver) and
 * per-producer levels (AudioLevelObserver) — whose events go to every connection of the session.
 */
export class VoiceRoom {
  readonly peers = new Map<string, VoicePeer>();
  #closed = false;
  #activeSpeaker: string | null = null;

  private constructor(
    readonly sessionId: string,
    readonly router: types.Router,
    private readonly activeSpeaker: types.ActiveSpeakerObserver,
    private readonly audioLevel: types.AudioLevelObserver,
    private readonly config: VoiceConfig,
    private readonly log: FastifyBaseLogger,
  ) {
    activeSpeaker.on('dominantspeaker', ({ producer }) => {
      const owner = this.#ownerOf(producer.id);
      if (owner === undefined) return;
      this.#activeSpeaker = owner.connectionId;
      this.#broadcast({ type: 'voice.activeSpeaker', connectionId: owner.connectionId, userId: owner.userId });
    });
    audioLevel.on('volumes', (volumes) => {
      const levels = volumes.flatMap(({ producer, volume }) => {
        const owner = this.#ownerOf(producer.id);
        return owner === undefined ? [] : [{ connectionId: owner.connectionId, userId: owner.userId, volume }];
      });
      this.#broadcast({ type: 'voice.levels', levels });
    });
    audioLevel.on('silence', () => this.#broadcast({ type: 'voice.levels', levels: [] }));
    // The worker died (the pool replaces it): clients are told, and rejoin on a fresh router.
    router.on('workerclose', () => this.close('media server restarted'));
  }

  static async create(
    sessionId: string,
    worker: types.Worker,
    config: VoiceConfig,
    log: FastifyBaseLogger,
  ): Promise<VoiceRoom> {
    const router = await worker.createRouter({ mediaCodecs: voiceCodecs, appData: { sessionId } });
    try {
      const activeSpeaker = await router.createActiveSpeakerObserver({ interval: activeSpeakerIntervalMs });
      const audioLevel = await router.createAudioLevelObserver({
        maxEntries: config.maxParticipants,
        threshold: audioLevelThreshold,
        interval: audioLevelIntervalMs,
      });
      return new VoiceRoom(sessionId, router, activeSpeaker, audioLevel, config, log);
    } catch (err) {
      router.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed || this.router.closed;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  /** The connection in the call, or `voice_not_joined`. */
  peer(connectionId: string): VoicePeer {
    const peer = this.peers.get(connectionId);
    if (peer === undefined) throw new ApiError('VoiceNotJoined');
    return peer;
  }

  /** Enters the call (again: refreshes capabilities). Limited to maxParticipants distinct users. */
  join(
    who: SessionPeer,
    rtpCapabilities: types.RtpCapabilities,
    link: PeerLink,
  ): { peers: PeerView[]; activeSpeaker: string | null } {
    this.#assertOpen();
    let peer = this.peers.get(who.connectionId);
    if (peer === undefined) {
      const users = new Set([...this.peers.values()].map((p) => p.userId));
      if (!users.has(who.userId) && users.size >= this.config.maxParticipants) {
        throw new ApiError('VoiceFull', `the voice call is full (${this.config.maxParticipants} participants)`);
      }
      peer = new VoicePeer(who.connectionId, who.userId, who.displayName, rtpCapabilities, link);
      this.peers.set(who.connectionId, peer);
      link.broadcast({
        type: 'voice.peerJoined',
        connectionId: who.connectionId,
        userId: who.userId,
        displayName: who.displayName,
      });
    } else {
      peer.rtpCapabilities = rtpCapabilities;
      peer.link = link;
    }
    const others = [...this.peers.values()].filter((p) => p !== peer).map(view);
    return { peers: others, activeSpeaker: this.#activeSpeaker };
  }

  async createTransport(peer: VoicePeer, direction: Direction): Promise<TransportView> {
    this.#assertOpen();
    let held = 0;
    for (const p of this.peers.values()) if (p.userId === peer.userId) held += p.transports.size;
    if (held >= this.config.maxTransportsPerUser) {
      throw new ApiError(
        'VoiceTransportLimit',
        `a user may hold ${this.config.maxTransportsPerUser} voice transports in a session`,
      );
    }
    const transport = await this.router.createWebRtcTransport(
      transportOptions(this.config, { connectionId: peer.connectionId, direction }),
    );
    if (!this.#holds(peer)) {
      transport.close();
      throw new ApiError('VoiceNotJoined', 'left the voice call meanwhile');
    }
    peer.transports.set(transport.id, transport);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        this.log.info({ sessionId: this.sessionId, transportId: transport.id, state }, 'voice transport DTLS ended');
      }
    });
    transport.observer.on('close', () => peer.transports.delete(transport.id));
    return {
      id: transport.id,
      direction,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peer: VoicePeer, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const transport = peer.transport(transportId);
    await rejecting(() => transport.connect({ dtlsParameters }));
  }

  /** New ICE credentials after a network change; the client restarts ICE with them. */
  async restartIce(peer: VoicePeer, transportId: string): Promise<types.IceParameters> {
    return peer.transport(transportId).restartIce();
  }

  async produce(
    peer: VoicePeer,
    transportId: string,
    kind: types.MediaKind,
    rtpParameters: types.RtpParameters,
    paused: boolean,
  ): Promise<{ id: string }> {
    const transport = peer.transport(transportId);
    if (direction(transport) !== 'send') throw new ApiError('ValidationFailed', 'produce on a send transport');
    if (kind !== 'audio') throw new ApiError('ValidationFailed', 'voice carries audio only');
    if (peer.producers.size > 0) {
      throw new ApiError('ValidationFailed', 'one microphone per connection: close the current producer first');
    }
    const producer = await rejecting(() =>
      transport.produce({ kind, rtpParameters, paused, appData: { connectionId: peer.connectionId } }),
    );
    if (!this.#holds(peer) || producer.closed) {
      producer.close();
      throw new ApiError('VoiceNotJoined', 'left the voice call meanwhile');
    }
    peer.producers.set(producer.id, producer);
    producer.observer.on('close', () => peer.producers.delete(producer.id));
    await this.activeSpeaker.addProducer({ producerId: producer.id });
    await this.audioLevel.addProducer({ producerId: producer.id });
    for (const other of this.peers.values()) {
      if (other === peer) continue;
      other.link.send({
        type: 'voice.newProducer',
        connectionId: peer.connectionId,
        userId: peer.userId,
        displayName: peer.displayName,
        producerId: producer.id,
        paused,
      });
    }
    return { id: producer.id };
  }

  /** A paused consumer of another participant's producer; the client resumes it once ready. */
  async consume(peer: VoicePeer, transportId: string, producerId: string): Promise<ConsumerView> {
    const transport = peer.transport(transportId);
    if (direction(transport) !== 'recv') throw new ApiError('ValidationFailed', 'consume on a receive transport');
    const owner = this.#ownerOf(producerId);
    if (owner === undefined) throw new ApiError('NotFound', `no producer ${producerId} in this call`);
    if (owner === peer) throw new ApiError('ValidationFailed', 'a connection does not consume itself');
    if (!this.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) {
      throw new ApiError('VoiceMediaRejected', 'your device cannot receive this producer (codecs)');
    }
    const consumer = await rejecting(() =>
      transport.consume({
        producerId,
        rtpCapabilities: peer.rtpCapabilities,
        paused: true,
        appData: { connectionId: peer.connectionId },
      }),
    );
    if (!this.#holds(peer) || consumer.closed) {
      consumer.close();
      throw new ApiError('VoiceNotJoined', 'left the voice call meanwhile');
    }
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.on('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      peer.link.send({ type: 'voice.consumerClosed', consumerId: consumer.id, producerId });
    });
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      connectionId: owner.connectionId,
      userId: owner.userId,
    };
  }

  /** Mute/unmute: every connection of the session learns it (the muted indicator). */
  async setProducerPaused(peer: VoicePeer, producerId: string, paused: boolean): Promise<void> {
    const producer = peer.producer(producerId);
    if (paused) await producer.pause();
    else await producer.resume();
    if (paused && this.#activeSpeaker === peer.connectionId) this.#activeSpeaker = null;
    this.#broadcast({
      type: paused ? 'voice.producerPaused' : 'voice.producerResumed',
      connectionId: peer.connectionId,
      userId: peer.userId,
      producerId,
    });
  }

  async setConsumerPaused(peer: VoicePeer, consumerId: string, paused: boolean): Promise<void> {
    const consumer = peer.consumer(consumerId);
    if (paused) await consumer.pause();
    else await consumer.resume();
  }

  closeProducer(peer: VoicePeer, producerId: string): void {
    peer.producer(producerId).close();
  }

  /**
   * The connection leaves the call: its transports close (with their producers and consumers;
   * others' consumers of its producers close too) and the router's dump is checked for anything
   * of it left behind. Returns the leaked ids (empty unless mediasoup misbehaves).
   */
  async leave(connectionId: string): Promise<string[]> {
    const peer = this.peers.get(connectionId);
    if (peer === undefined) return [];
    const ids = peer.ids();
    peer.close();
    this.peers.delete(connectionId);
    if (this.#activeSpeaker === connectionId) this.#activeSpeaker = null;
    const link = this.#anyLink() ?? peer.link;
    link.broadcast({ type: 'voice.peerLeft', connectionId, userId: peer.userId });
    if (this.closed) return [];
    const dump = await this.router.dump();
    const present = [
      ...dump.transportIds,
      ...dump.mapProducerIdConsumerIds.flatMap((e) => [e.key, ...e.values]),
      ...dump.mapConsumerIdProducerId.map((e) => e.key),
    ];
    const leaked = present.filter((id) => ids.has(id));
    if (leaked.length > 0) {
      this.log.error(
        { sessionId: this.sessionId, connectionId, leaked },
        'voice teardown left mediasoup objects behind',
      );
    }
    return leaked;
  }

  /** Ends the call: every connection in it is told, then the router (and all it holds) closes. */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#broadcast({ type: 'voice.closed', reason });
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.router.close();
  }

  #assertOpen(): void {
    // Closed under the request (emptied, session ended, worker died): a retry gets a fresh room.
    if (this.closed) throw new ApiError('VoiceNotJoined', 'this voice call has closed; join again');
  }

  #holds(peer: VoicePeer): boolean {
    return !this.closed && this.peers.get(peer.connectionId) === peer;
  }

  #ownerOf(producerId: string): VoicePeer | undefined {
    for (const peer of this.peers.values()) if (peer.producers.has(producerId)) return peer;
    return undefined;
  }

  #anyLink(): PeerLink | undefined {
    return this.peers.values().next().value?.link;
  }

  /** To every connection of the session, through any participant's channel context. */
  #broadcast(msg: SessionMessage): void {
    this.#anyLink()?.broadcast(msg);
  }
}

function view(peer: VoicePeer): PeerView {
  return {
    connectionId: peer.connectionId,
    userId: peer.userId,
    displayName: peer.displayName,
    producers: [...peer.producers.values()].map((p) => ({ id: p.id, paused: p.paused })),
  };
}

function direction(transport: types.WebRtcTransport): Direction | undefined {
  return (transport.appData as { direction?: Direction }).direction;
}

/** mediasoup's TypeError/UnsupportedError about client parameters → a stable client error. */
async function rejecting<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ApiError('VoiceMediaRejected', message);
  }
}
