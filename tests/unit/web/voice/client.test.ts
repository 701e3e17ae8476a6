import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { FakeHandler, type types } from 'mediasoup-client';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionChannel } from '../../../../web/lib/session/channel.ts';
import { VoiceClient, type VoiceClientOptions } from '../../../../web/lib/voice/client.ts';
import type { VoiceState } from '../../../../web/lib/voice/state.ts';

/**
 * The client's signalling, without a server: a scripted channel answers each voice.* request the
 * way the server does (shapes from mediasoup-client's fakeParameters) and records what was sent;
 * mediasoup-client runs for real on its FakeHandler, whose transports' connection state the tests
 * drive to simulate network blips.
 */
class ScriptedChannel implements SessionChannel {
  readonly sent: { type: string; data: Record<string, unknown> }[] = [];
  readonly #subscribers = new Map<string, Set<(msg: Record<string, unknown>) => void>>();
  connected = true;
  connectionId: string | null = 'me-1';
  readonly userId = 'me';
  /** Per type: an answer, or a function giving one (throw {code, message} to fail). */
  readonly answers: Record<string, (data: Record<string, unknown>) => unknown> = {
    'voice.status': () => ({ available: true, reason: null }),
    'voice.capabilities': () => ({ routerRtpCapabilities: fakeParameters.generateRouterRtpCapabilities() }),
    'voice.join': () => ({ peers: [], activeSpeaker: null }),
    'voice.createTransport': () => fakeParameters.generateTransportRemoteParameters(),
    'voice.connectTransport': () => ({}),
    'voice.produce': () => fakeParameters.generateProducerRemoteParameters(),
    'voice.consume': (data) => ({
      ...fakeParameters.generateConsumerRemoteParameters({ codecMimeType: 'audio/opus' }),
      producerId: data.producerId,
      connectionId: 'ben-1',
      userId: 'ben',
    }),
    'voice.restartIce': () => ({ iceParameters: { usernameFragment: 'fresh', password: 'fresh', iceLite: true } }),
  };

  async request<T>(type: string, data: Record<string, unknown> = {}): Promise<T> {
    this.sent.push({ type, data });
    if (!this.connected) throw { code: 'disconnected', message: 'channel closed' };
    const answer = this.answers[type];
    return (answer === undefined ? {} : answer(data)) as T;
  }

  notify(type: string, data: Record<string, unknown> = {}): void {
    this.sent.push({ type, data });
  }

  on(type: string, cb: (msg: Record<string, unknown>) => void): () => void {
    let set = this.#subscribers.get(type);
    if (set === undefined) this.#subscribers.set(type, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  push(msg: { type: string; [key: string]: unknown }): void {
    for (const cb of this.#subscribers.get(msg.type) ?? []) cb(msg);
  }

  types(): string[] {
    return this.sent.map((s) => s.type);
  }
}

/** FakeHandler instances the client's Device creates (one per transport), to drive their state. */
interface Handler {
  setConnectionState(state: types.ConnectionState): void;
}

function setup(options: Partial<VoiceClientOptions> = {}) {
  const channel = new ScriptedChannel();
  const handlers: Handler[] = [];
  const base = FakeHandler.createFactory(fakeParameters);
  const handlerFactory: types.HandlerFactory = {
    ...base,
    factory: (opts) => {
      const handler = base.factory(opts);
      handlers.push(handler as unknown as Handler);
      return handler;
    },
  };
  const tracks: MediaStreamTrack[] = [];
  const voice = new VoiceClient({
    channel,
    handlerFactory,
    openMicrophone: async (deviceId) => {
      const track = new FakeMediaStreamTrack({ kind: 'audio', label: deviceId ?? 'default' });
      tracks.push(track as unknown as MediaStreamTrack);
      return track as unknown as MediaStreamTrack;
    },
    createSink: () => ({ setVolume: () => undefined, close: () => undefined }),
    createMeter: null,
    disconnectGraceMs: 30,
    watchIntervalMs: 10,
    retryDelaysMs: [10],
    ...options,
  });
  clients.push(voice);
  return { channel, handlers, voice, tracks };
}

const clients: VoiceClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

async function until(voice: VoiceClient, test: (s: VoiceState) => boolean): Promise<void> {
  await expect.poll(() => test(voice.state), { timeout: 2000 }).toBe(true);
}

describe('VoiceClient signalling (mediasoup-client FakeHandler)', () => {
  it('joins in order: capabilities, join, transports, produce (connecting the send transport)', async () => {
    const { channel, voice } = setup();
    await voice.join();
    expect(voice.state.status).toBe('connected');
    expect(channel.types()).toEqual([
      'voice.capabilities',
      'voice.join',
      'voice.createTransport',
      'voice.createTransport',
      'voice.connectTransport',
      'voice.produce',
    ]);
    const join = channel.sent[1]?.data as { rtpCapabilities: types.RtpCapabilities };
    expect(join.rtpCapabilities.codecs?.some((c) => c.mimeType === 'audio/opus')).toBe(true);
    expect(channel.sent.slice(2, 4).map((s) => s.data.direction)).toEqual(['send', 'recv']);
    expect(channel.sent[5]?.data).toMatchObject({ kind: 'audio', paused: false });
  });

  it('consumes the producers listed at join and announced later, resuming each on the server', async () => {
    const { channel, voice } = setup();
    channel.answers['voice.join'] = () => ({
      peers: [
        { connectionId: 'ben-1', userId: 'ben', displayName: 'Ben', producers: [{ id: 'p-ben', paused: false }] },
      ],
      activeSpeaker: 'ben-1',
    });
    await voice.join();
    const consumes = channel.sent.filter((s) => s.type === 'voice.consume');
    expect(consumes.map((s) => s.data.producerId)).toEqual(['p-ben']);
    expect(channel.types()).toContain('voice.resumeConsumer');
    expect(voice.state.peers).toEqual([
      expect.objectContaining({ userId: 'ben', muted: false, dominant: true, speaking: false, volume: 1 }),
    ]);

    channel.push({
      type: 'voice.newProducer',
      connectionId: 'cy-1',
      userId: 'cy',
      displayName: 'Cy',
      producerId: 'p-cy',
      paused: true,
    });
    await expect.poll(() => channel.sent.filter((s) => s.type === 'voice.consume').length).toBe(2);
    expect(voice.state.peers.map((p) => [p.userId, p.muted])).toEqual([
      ['ben', false],
      ['cy', true],
    ]);

    // Speaking indicators: levels above the threshold light, the dominant speaker follows.
    channel.push({ type: 'voice.levels', levels: [{ connectionId: 'cy-1', userId: 'cy', volume: -20 }] });
    channel.push({ type: 'voice.activeSpeaker', connectionId: 'cy-1', userId: 'cy' });
    expect(voice.state.peers.map((p) => [p.userId, p.speaking, p.dominant])).toEqual([
      ['ben', false, false],
      ['cy', true, true],
    ]);
    channel.push({ type: 'voice.levels', levels: [] });
    expect(voice.state.peers.every((p) => !p.speaking)).toBe(true);

    channel.push({ type: 'voice.peerLeft', connectionId: 'cy-1', userId: 'cy' });
    expect(voice.state.peers.map((p) => p.userId)).toEqual(['ben']);
  });

  it('mute and push-to-talk pause and resume the producer on the server', async () => {
    const { channel, voice } = setup();
    voice.setPushToTalk(true);
    await voice.join();
    // Joined under push-to-talk: produced paused, nothing else to send.
    expect(channel.sent.find((s) => s.type === 'voice.produce')?.data.paused).toBe(true);
    const after = () => channel.types().filter((t) => t.endsWith('Producer'));
    voice.setTalking(true);
    voice.setTalking(false);
    voice.setPushToTalk(false);
    voice.setMuted(true);
    voice.setMuted(true);
    voice.setMuted(false);
    expect(after()).toEqual([
      'voice.resumeProducer',
      'voice.pauseProducer',
      'voice.resumeProducer',
      'voice.pauseProducer',
      'voice.resumeProducer',
    ]);
  });

  it('a failed transport restarts ICE with fresh credentials and recovers', async () => {
    const { channel, handlers, voice } = setup();
    await voice.join();
    expect(handlers).toHaveLength(2);
    handlers[0]?.setConnectionState('failed');
    expect(voice.state.status).toBe('reconnecting');
    await expect.poll(() => channel.types().filter((t) => t === 'voice.restartIce').length).toBe(1);
    handlers[0]?.setConnectionState('connected');
    await until(voice, (s) => s.status === 'connected');
    // ICE restart only: no rejoin.
    expect(channel.types().filter((t) => t === 'voice.join')).toHaveLength(1);
  });

  it('a brief disconnection that heals needs no ICE restart; a lasting one gets it', async () => {
    const { channel, handlers, voice } = setup();
    await voice.join();
    handlers[1]?.setConnectionState('disconnected');
    handlers[1]?.setConnectionState('connected');
    await new Promise((r) => setTimeout(r, 60));
    expect(channel.types()).not.toContain('voice.restartIce');
    expect(voice.state.status).toBe('connected');
    handlers[1]?.setConnectionState('disconnected');
    await expect.poll(() => channel.types()).toContain('voice.restartIce');
  });

  it('when the ICE restart fails, it frees the server side and rejoins from scratch, keeping the microphone', async () => {
    const { channel, handlers, voice, tracks } = setup();
    await voice.join();
    channel.answers['voice.restartIce'] = () => {
      throw { code: 'not_found', message: 'no transport' };
    };
    handlers[0]?.setConnectionState('failed');
    await expect.poll(() => channel.types().filter((t) => t === 'voice.join').length).toBe(2);
    await until(voice, (s) => s.status === 'connected');
    expect(channel.types()).toContain('voice.leave');
    expect(tracks).toHaveLength(1);
    expect(tracks[0]?.readyState).toBe('live');
  });

  it('rejoins when the channel comes back as a new connection', async () => {
    const { channel, voice } = setup();
    await voice.join();
    channel.connected = false;
    await until(voice, (s) => s.status === 'reconnecting');
    channel.connectionId = 'me-2';
    channel.connected = true;
    await expect.poll(() => channel.types().filter((t) => t === 'voice.join').length).toBe(2);
    await until(voice, (s) => s.status === 'connected');
  });

  it('reports unavailability and final refusals without retrying', async () => {
    const { channel, voice } = setup();
    channel.answers['voice.status'] = () => ({ available: false, reason: 'voice is off (VOICE=off)' });
    expect(await voice.checkAvailability()).toBe(false);
    expect(voice.state).toMatchObject({ status: 'unavailable', message: 'voice is off (VOICE=off)' });

    channel.answers['voice.capabilities'] = () => {
      throw { code: 'voice_unavailable', message: 'voice is not available' };
    };
    await voice.join();
    expect(voice.state).toMatchObject({ status: 'unavailable', message: 'voice is not available' });
    await new Promise((r) => setTimeout(r, 50));
    expect(channel.types().filter((t) => t === 'voice.capabilities')).toHaveLength(1);
  });

  it('a refused microphone fails the join with a message, without retrying', async () => {
    const { channel, voice } = setup({
      openMicrophone: async () => {
        throw new Error('Permission denied');
      },
    });
    await voice.join();
    expect(voice.state).toMatchObject({ status: 'failed', message: 'microphone: Permission denied', peers: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect(channel.types().filter((t) => t === 'voice.join')).toHaveLength(1);
    // What the server holds for this connection is freed.
    expect(channel.types().at(-1)).toBe('voice.leave');
  });

  it('switches microphones by replacing the track, and leave stops it', async () => {
    const { channel, voice, tracks } = setup();
    await voice.join('mic-a');
    await voice.selectMicrophone('mic-b');
    expect(tracks.map((t) => t.label)).toEqual(['mic-a', 'mic-b']);
    expect(tracks[0]?.readyState).toBe('ended');
    expect(voice.state.microphoneId).toBe('mic-b');
    // No renegotiation: one produce only.
    expect(channel.types().filter((t) => t === 'voice.produce')).toHaveLength(1);
    await voice.leave();
    expect(tracks[1]?.readyState).toBe('ended');
    expect(channel.types().at(-1)).toBe('voice.leave');
    expect(voice.state.status).toBe('idle');
  });

  it('the session ending leaves the call; a media-server restart rejoins', async () => {
    const { channel, voice } = setup();
    await voice.join();
    channel.push({ type: 'voice.closed', reason: 'media server restarted' });
    await expect.poll(() => channel.types().filter((t) => t === 'voice.join').length).toBe(2);
    await until(voice, (s) => s.status === 'connected');
    channel.push({ type: 'voice.closed', reason: 'session ended' });
    await until(voice, (s) => s.status === 'idle' && s.message === 'the session ended');
  });
});
