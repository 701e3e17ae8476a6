import { Device, type types } from 'mediasoup-client';
import type { SessionChannel } from '../session/channel.ts';
import {
  audioElementSink,
  localSpeakingLevel,
  openMicrophone,
  webAudioMeter,
  type AudioSink,
  type LevelMeter,
} from './media.ts';
import { initialVoiceState, speakingThresholdDb, type VoicePeerState, type VoiceState } from './state.ts';

export interface VoiceClientOptions {
  channel: SessionChannel;
  /** mediasoup-client handler; default: detected from the browser (tests: FakeHandler). */
  handlerFactory?: types.HandlerFactory;
  openMicrophone?: (deviceId: string | null) => Promise<MediaStreamTrack>;
  createSink?: (track: MediaStreamTrack, peer: { connectionId: string; userId: string }) => AudioSink;
  /** Local level meter for the own speaking indicator; null: none. */
  createMeter?: ((track: MediaStreamTrack, onLevel: (level: number) => void) => LevelMeter) | null;
  /** How long a transport may stay `disconnected` before its ICE is restarted. */
  disconnectGraceMs?: number;
  /** How often the channel is checked for a drop or a new connection. */
  watchIntervalMs?: number;
  /** Waits between rejoin attempts (the last one repeats while the user stays in the call). */
  retryDelaysMs?: readonly number[];
}

/** A rejected channel request, as SessionChannel.request reports it. */
interface RequestError {
  code?: string;
  message?: string;
}

/** Errors after which retrying cannot help: the user must act (or an admin). */
const finalCodes = new Set(['forbidden', 'voice_full', 'voice_transport_limit', 'voice_unavailable', 'microphone']);

interface JoinAnswer {
  peers: { connectionId: string; userId: string; displayName: string; producers: { id: string; paused: boolean }[] }[];
  activeSpeaker: string | null;
}

interface ConsumerAnswer {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  connectionId: string;
  userId: string;
}

interface Playing {
  consumer: types.Consumer;
  connectionId: string;
  userId: string;
  sink: AudioSink;
}

/**
 * One browser's voice in a live session: a mediasoup-client Device with a send transport (the
 * microphone) and a receive transport (everyone else), signalled over the session channel's
 * `voice.*` messages (server/voice/README.md). Publishes a VoiceState snapshot on every change.
 *
 * Recovery: a transport that goes `disconnected` past a grace period, or `failed`, restarts ICE
 * with fresh server credentials; if that fails, or the channel comes back as a new connection
 * (the server then tore the old one's voice down), the client rejoins from scratch, with backoff,
 * keeping the microphone, mute and volumes.
 */
export class VoiceClient {
  readonly #channel: SessionChannel;
  readonly #options: VoiceClientOptions;
  #state: VoiceState = { ...initialVoiceState };
  readonly #listeners = new Set<(state: VoiceState) => void>();

  /** Incremented by every (re)join and leave: continuations of an older attempt stop. */
  #generation = 0;
  /** The user wants to be in the call (survives reconnects). */
  #wanted = false;
  #attempt = 0;
  #device: Device | null = null;
  #sendTransport: types.Transport | null = null;
  #recvTransport: types.Transport | null = null;
  #producer: types.Producer | null = null;
  #track: MediaStreamTrack | null = null;
  #meter: LevelMeter | null = null;
  /** The channel connection the call was joined on. */
  #joinedOn: string | null = null;
  readonly #playing = new Map<string, Playing>();
  /** Producers announced before the receive transport existed. */
  #pending: string[] = [];
  readonly #volumes = new Map<string, number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #iceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Transports whose ICE restart is under way. */
  readonly #restarting = new Set<string>();
  #watch: ReturnType<typeof setInterval> | null = null;
  #unsubscribe: (() => void)[] = [];

  constructor(options: VoiceClientOptions) {
    this.#channel = options.channel;
    this.#options = options;
    const on = (type: string, handler: (msg: Record<string, unknown>) => void) => {
      this.#unsubscribe.push(
        this.#channel.on(type, (msg) => {
          if (this.#wanted) handler(msg);
        }),
      );
    };
    on('voice.peerJoined', (msg) => this.#peerJoined(msg));
    on('voice.peerLeft', (msg) => this.#peerLeft(String(msg.connectionId)));
    on('voice.newProducer', (msg) => this.#newProducer(msg));
    on('voice.consumerClosed', (msg) => this.#closeConsumer(String(msg.consumerId)));
    on('voice.producerPaused', (msg) => this.#setPeer(String(msg.connectionId), { muted: true, speaking: false }));
    on('voice.producerResumed', (msg) => this.#setPeer(String(msg.connectionId), { muted: false }));
    on('voice.activeSpeaker', (msg) => this.#activeSpeaker(String(msg.connectionId)));
    on('voice.levels', (msg) => this.#levels(msg.levels));
    on('voice.closed', (msg) => this.#roomClosed(String(msg.reason)));
  }

  get state(): VoiceState {
    return this.#state;
  }

  /** Calls `listener` now and on every change; returns the unsubscribe. */
  subscribe(listener: (state: VoiceState) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#state);
    return () => this.#listeners.delete(listener);
  }

  /** Asks the server whether voice works here (`unavailable` with the reason if not). */
  async checkAvailability(): Promise<boolean> {
    if (this.#wanted) return true;
    this.#update({ status: 'checking', message: null });
    try {
      const status = await this.#channel.request<{ available: boolean; reason: string | null }>('voice.status');
      if (this.#wanted) return true;
      this.#update(
        status.available
          ? { status: 'idle', message: null }
          : { status: 'unavailable', message: status.reason ?? 'voice is not available' },
      );
      return status.available;
    } catch {
      // The channel may not be up yet: joining will tell. Not a reason to show a failure now.
      if (!this.#wanted) this.#update({ status: 'idle', message: null });
      return false;
    }
  }

  /** Joins the call with the given microphone (null: the default one). */
  async join(microphoneId: string | null = this.#state.microphoneId): Promise<void> {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#attempt = 0;
    this.#update({ microphoneId, message: null });
    this.#watch ??= setInterval(() => this.#checkChannel(), this.#options.watchIntervalMs ?? 1000);
    await this.#connect();
  }

  /** Leaves the call: everything closes here and on the server. */
  async leave(): Promise<void> {
    const wasIn = this.#wanted;
    this.#wanted = false;
    this.#generation++;
    this.#stopWatch();
    this.#teardown(true);
    this.#update({ status: 'idle', message: null, peers: [], selfSpeaking: false, talking: false });
    if (wasIn && this.#channel.connected) {
      await this.#channel.request('voice.leave').catch(() => undefined);
    }
  }

  setMuted(muted: boolean): void {
    this.#update({ muted });
    this.#applyMicrophone();
  }

  setPushToTalk(pushToTalk: boolean): void {
    this.#update({ pushToTalk, talking: false });
    this.#applyMicrophone();
  }

  /** Push-to-talk key pressed or released. */
  setTalking(talking: boolean): void {
    if (this.#state.talking === talking) return;
    this.#update({ talking });
    this.#applyMicrophone();
  }

  /** Switches microphones; in a call, the new track replaces the old one without renegotiation. */
  async selectMicrophone(microphoneId: string | null): Promise<void> {
    this.#update({ microphoneId });
    const producer = this.#producer;
    if (producer === null) return;
    let track: MediaStreamTrack;
    try {
      track = await this.#openMicrophone(microphoneId);
    } catch (err) {
      // The current microphone keeps working.
      this.#update({ message: `microphone: ${errorMessage(err)}` });
      return;
    }
    if (this.#producer !== producer || producer.closed) {
      track.stop();
      return;
    }
    await producer.replaceTrack({ track });
    this.#track?.stop();
    this.#track = track;
    this.#startMeter(track);
  }

  /** Playback volume (0..1) of one user's voice on this device; kept across reconnects. */
  setVolume(userId: string, volume: number): void {
    const v = Math.min(1, Math.max(0, volume));
    this.#volumes.set(userId, v);
    for (const playing of this.#playing.values()) if (playing.userId === userId) playing.sink.setVolume(v);
    this.#update({ peers: this.#state.peers.map((p) => (p.userId === userId ? { ...p, volume: v } : p)) });
  }

  /** Leaves and stops listening to the channel (the component is going away). */
  async close(): Promise<void> {
    await this.leave();
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#listeners.clear();
  }

  // ---- joining -------------------------------------------------------------------------------

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    this.#update({ status: this.#attempt === 0 ? 'joining' : 'reconnecting' });
    try {
      const { routerRtpCapabilities } = await this.#channel.request<{
        routerRtpCapabilities: types.RtpCapabilities;
      }>('voice.capabilities');
      if (!current()) return;
      const device = await Device.factory(
        this.#options.handlerFactory === undefined ? undefined : { handlerFactory: this.#options.handlerFactory },
      );
      await device.load({ routerRtpCapabilities });
      if (!current()) return;
      this.#device = device;
      const joined = await this.#channel.request<JoinAnswer>('voice.join', { rtpCapabilities: device.rtpCapabilities });
      if (!current()) return;
      this.#joinedOn = this.#channel.connectionId;
      this.#update({
        peers: joined.peers.map((p) =>
          this.#peerState(p, p.producers.length === 0 || p.producers.every((x) => x.paused)),
        ),
      });
      if (joined.activeSpeaker !== null) this.#activeSpeaker(joined.activeSpeaker);

      const send = await this.#createTransport('send', generation);
      if (!current()) return send.close();
      this.#sendTransport = send;
      const recv = await this.#createTransport('recv', generation);
      if (!current()) return recv.close();
      this.#recvTransport = recv;

      this.#track ??= await this.#openMicrophone(this.#state.microphoneId).catch((err: unknown) => {
        // Denied or missing microphone: retrying will not help; the user must act.
        throw { code: 'microphone', message: `microphone: ${errorMessage(err)}` } satisfies RequestError;
      });
      if (!current()) return;
      this.#startMeter(this.#track);
      const paused = this.#microphoneShouldPause();
      // The track outlives producers: it is reused after a reconnect and stopped on leave.
      const producer = await send.produce({
        track: this.#track,
        stopTracks: false,
        appData: { paused },
      });
      if (!current()) {
        producer.close();
        return;
      }
      this.#producer = producer;
      // Mirror the server (created paused or not), then catch up with any toggle made meanwhile.
      if (paused) producer.pause();
      this.#applyMicrophone();

      const producers = [...joined.peers.flatMap((p) => p.producers.map((x) => x.id)), ...this.#pending.splice(0)];
      for (const producerId of producers) await this.#consume(producerId, generation);
      if (!current()) return;
      this.#attempt = 0;
      this.#update({ status: 'connected', message: null });
    } catch (err) {
      if (!current()) return;
      this.#failed(err);
    }
  }

  async #createTransport(direction: 'send' | 'recv', generation: number): Promise<types.Transport> {
    const device = this.#device;
    if (device === null) throw new Error('device not loaded');
    const params = await this.#channel.request<types.TransportOptions>('voice.createTransport', { direction });
    const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#channel
        .request('voice.connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.#channel
          .request<{ id: string }>('voice.produce', {
            transportId: transport.id,
            kind,
            rtpParameters,
            paused: appData.paused === true,
          })
          .then(({ id }) => callback({ id }), errback);
      });
    }
    transport.on('connectionstatechange', (state) => this.#transportState(transport, state, generation));
    return transport;
  }

  /**
   * Bytes of audio received so far over the receiving transport (the `inbound-rtp` entries of its
   * getStats): what a connection check, or a test, watches grow. 0 when not in the call.
   */
  async receivedBytes(): Promise<number> {
    const transport = this.#recvTransport;
    if (transport === null || transport.closed) return 0;
    let total = 0;
    (await transport.getStats()).forEach((report: { type?: string; bytesReceived?: number }) => {
      if (report.type === 'inbound-rtp' && typeof report.bytesReceived === 'number') total += report.bytesReceived;
    });
    return total;
  }

  async #consume(producerId: string, generation: number): Promise<void> {
    const transport = this.#recvTransport;
    if (transport === null) {
      this.#pending.push(producerId);
      return;
    }
    let answer: ConsumerAnswer;
    try {
      answer = await this.#channel.request<ConsumerAnswer>('voice.consume', { transportId: transport.id, producerId });
    } catch (err) {
      // The producer closed meanwhile (its owner left or muted for good): nothing to play.
      if ((err as RequestError).code === 'not_found') return;
      throw err;
    }
    if (generation !== this.#generation || transport.closed) return;
    const consumer = await transport.consume({
      id: answer.id,
      producerId: answer.producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters,
    });
    const peer = { connectionId: answer.connectionId, userId: answer.userId };
    const sink = (this.#options.createSink ?? audioElementSink)(consumer.track, peer);
    sink.setVolume(this.#volumes.get(answer.userId) ?? 1);
    this.#playing.set(consumer.id, { consumer, sink, ...peer });
    // Created paused on the server so no packet is lost before playback is wired.
    await this.#channel.request('voice.resumeConsumer', { consumerId: consumer.id });
  }

  #failed(err: unknown): void {
    const code = (err as RequestError).code;
    if (code !== undefined && finalCodes.has(code)) {
      this.#wanted = false;
      this.#generation++;
      this.#stopWatch();
      this.#teardown(true);
      this.#update({
        status: code === 'voice_unavailable' ? 'unavailable' : 'failed',
        message: errorMessage(err),
        peers: [],
      });
      if (this.#channel.connected) void this.#channel.request('voice.leave').catch(() => undefined);
      return;
    }
    this.#scheduleRejoin(errorMessage(err));
  }

  // ---- recovery ------------------------------------------------------------------------------

  #transportState(transport: types.Transport, state: types.ConnectionState, generation: number): void {
    if (generation !== this.#generation) return;
    const timer = this.#iceTimers.get(transport.id);
    if (state === 'connected' || state === 'closed') {
      if (timer !== undefined) clearTimeout(timer);
      this.#iceTimers.delete(transport.id);
      this.#restarting.delete(transport.id);
      const settled = this.#iceTimers.size === 0 && this.#restarting.size === 0;
      if (state === 'connected' && this.#state.status === 'reconnecting' && settled) {
        this.#update({ status: 'connected', message: null });
      }
    } else if (state === 'disconnected') {
      // Often recovers by itself (Wi-Fi hiccup); restart ICE only if it lasts.
      this.#update({ status: 'reconnecting', message: 'network interrupted' });
      if (timer === undefined && !this.#restarting.has(transport.id)) {
        const grace = setTimeout(() => {
          this.#iceTimers.delete(transport.id);
          void this.#restartIce(transport, generation);
        }, this.#options.disconnectGraceMs ?? 2000);
        this.#iceTimers.set(transport.id, grace);
      }
    } else if (state === 'failed') {
      if (timer !== undefined) clearTimeout(timer);
      this.#iceTimers.delete(transport.id);
      this.#update({ status: 'reconnecting', message: 'network interrupted' });
      if (!this.#restarting.has(transport.id)) void this.#restartIce(transport, generation);
    }
  }

  /** Fresh ICE credentials from the server, then an ICE restart; a full rejoin if that fails. */
  async #restartIce(transport: types.Transport, generation: number): Promise<void> {
    this.#restarting.add(transport.id);
    try {
      const { iceParameters } = await this.#channel.request<{ iceParameters: types.IceParameters }>(
        'voice.restartIce',
        { transportId: transport.id },
      );
      if (generation !== this.#generation || transport.closed) return;
      await transport.restartIce({ iceParameters });
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#scheduleRejoin(errorMessage(err));
    }
  }

  /** The channel dropped (status shows it) or came back as another connection (rejoin). */
  #checkChannel(): void {
    if (!this.#wanted) return;
    if (!this.#channel.connected) {
      if (this.#state.status === 'connected') this.#update({ status: 'reconnecting', message: 'connection lost' });
      return;
    }
    if (this.#joinedOn !== null && this.#channel.connectionId !== this.#joinedOn) {
      this.#joinedOn = null;
      this.#attempt = 0;
      this.#generation++;
      this.#teardown(false);
      void this.#connect();
    }
  }

  #scheduleRejoin(message: string): void {
    const delays = this.#options.retryDelaysMs ?? [500, 1000, 2000, 5000, 10_000];
    const delay = delays[Math.min(this.#attempt, delays.length - 1)] ?? 1000;
    this.#attempt++;
    const generation = ++this.#generation;
    this.#teardown(false);
    this.#update({ status: 'reconnecting', message });
    // The server may still hold this connection's old transports: free them before rejoining.
    if (this.#channel.connected) void this.#channel.request('voice.leave').catch(() => undefined);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#wanted && generation === this.#generation) void this.#connect();
    }, delay);
    this.#timers.add(timer);
  }

  #roomClosed(reason: string): void {
    if (reason === 'session ended') {
      void this.leave().then(() => this.#update({ message: 'the session ended' }));
      return;
    }
    // The media server restarted (or the room emptied under us): join a fresh one.
    this.#attempt = 0;
    this.#scheduleRejoin(`voice restarted (${reason})`);
  }

  // ---- microphone ----------------------------------------------------------------------------

  #microphoneShouldPause(): boolean {
    return this.#state.muted || (this.#state.pushToTalk && !this.#state.talking);
  }

  #applyMicrophone(): void {
    const producer = this.#producer;
    if (producer === null || producer.closed) return;
    const pause = this.#microphoneShouldPause();
    if (producer.paused === pause) return;
    if (pause) producer.pause();
    else producer.resume();
    if (pause) this.#update({ selfSpeaking: false });
    void this.#channel
      .request(pause ? 'voice.pauseProducer' : 'voice.resumeProducer', { producerId: producer.id })
      .catch(() => undefined);
  }

  async #openMicrophone(microphoneId: string | null): Promise<MediaStreamTrack> {
    return (this.#options.openMicrophone ?? openMicrophone)(microphoneId);
  }

  #startMeter(track: MediaStreamTrack): void {
    this.#meter?.close();
    this.#meter = null;
    const create = this.#options.createMeter === undefined ? webAudioMeter : this.#options.createMeter;
    if (create === null) return;
    this.#meter = create(track, (level) => {
      const speaking = level > localSpeakingLevel && !this.#microphoneShouldPause();
      if (speaking !== this.#state.selfSpeaking) this.#update({ selfSpeaking: speaking });
    });
  }

  // ---- pushed events -------------------------------------------------------------------------

  #peerState(p: { connectionId: string; userId: string; displayName: string }, muted: boolean): VoicePeerState {
    return {
      connectionId: p.connectionId,
      userId: p.userId,
      displayName: p.displayName,
      muted,
      speaking: false,
      dominant: false,
      volume: this.#volumes.get(p.userId) ?? 1,
    };
  }

  #isSelf(connectionId: string): boolean {
    return connectionId === this.#channel.connectionId;
  }

  #peerJoined(msg: Record<string, unknown>): void {
    const connectionId = String(msg.connectionId);
    if (this.#isSelf(connectionId) || this.#state.peers.some((p) => p.connectionId === connectionId)) return;
    const peer = { connectionId, userId: String(msg.userId), displayName: String(msg.displayName) };
    this.#update({ peers: [...this.#state.peers, this.#peerState(peer, true)] });
  }

  #peerLeft(connectionId: string): void {
    for (const [id, playing] of this.#playing) if (playing.connectionId === connectionId) this.#closeConsumer(id);
    this.#update({ peers: this.#state.peers.filter((p) => p.connectionId !== connectionId) });
  }

  #newProducer(msg: Record<string, unknown>): void {
    const connectionId = String(msg.connectionId);
    if (this.#isSelf(connectionId)) return;
    this.#peerJoined(msg);
    this.#setPeer(connectionId, { muted: msg.paused === true });
    const generation = this.#generation;
    this.#consume(String(msg.producerId), generation).catch((err: unknown) => {
      if (generation === this.#generation) this.#scheduleRejoin(errorMessage(err));
    });
  }

  #closeConsumer(consumerId: string): void {
    const playing = this.#playing.get(consumerId);
    if (playing === undefined) return;
    this.#playing.delete(consumerId);
    playing.sink.close();
    playing.consumer.close();
  }

  #setPeer(connectionId: string, patch: Partial<VoicePeerState>): void {
    if (!this.#state.peers.some((p) => p.connectionId === connectionId)) return;
    this.#update({ peers: this.#state.peers.map((p) => (p.connectionId === connectionId ? { ...p, ...patch } : p)) });
  }

  #activeSpeaker(connectionId: string): void {
    this.#update({ peers: this.#state.peers.map((p) => ({ ...p, dominant: p.connectionId === connectionId })) });
  }

  #levels(levels: unknown): void {
    const loud = new Set<string>();
    if (Array.isArray(levels)) {
      for (const entry of levels as { connectionId?: unknown; volume?: unknown }[]) {
        if (typeof entry.volume === 'number' && entry.volume > speakingThresholdDb)
          loud.add(String(entry.connectionId));
      }
    }
    if (this.#state.peers.every((p) => p.speaking === loud.has(p.connectionId))) return;
    this.#update({ peers: this.#state.peers.map((p) => ({ ...p, speaking: loud.has(p.connectionId) })) });
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** Closes everything local; `all` also stops the microphone (leaving, not reconnecting). */
  #teardown(all: boolean): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const timer of this.#iceTimers.values()) clearTimeout(timer);
    this.#iceTimers.clear();
    this.#restarting.clear();
    for (const id of [...this.#playing.keys()]) this.#closeConsumer(id);
    this.#producer?.close();
    this.#producer = null;
    this.#sendTransport?.close();
    this.#recvTransport?.close();
    this.#sendTransport = null;
    this.#recvTransport = null;
    this.#device = null;
    this.#pending = [];
    this.#joinedOn = null;
    if (all) {
      this.#meter?.close();
      this.#meter = null;
      this.#track?.stop();
      this.#track = null;
    }
  }

  #stopWatch(): void {
    if (this.#watch !== null) clearInterval(this.#watch);
    this.#watch = null;
  }

  #update(patch: Partial<VoiceState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener(this.#state);
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  const message = (err as RequestError | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
