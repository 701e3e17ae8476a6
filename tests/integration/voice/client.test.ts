import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoiceService } from '../../../server/voice/service.ts';
import { VoiceClient } from '../../../web/lib/voice/client.ts';
import type { AudioSink } from '../../../web/lib/voice/media.ts';
import type { VoiceState } from '../../../web/lib/voice/state.ts';
import type { TestConnection } from '../../helpers/session-hub.ts';
import { fakeHandlerFactory, fakeMicrophone, hubFor, session, startVoice } from '../../helpers/voice.ts';

/** Playback stand-in: records the volume the client sets and whether it was closed. */
class RecordingSink implements AudioSink {
  volume = -1;
  closed = false;
  constructor(readonly userId: string) {}
  setVolume(volume: number): void {
    this.volume = volume;
  }
  close(): void {
    this.closed = true;
  }
}

function client(c: TestConnection, sinks: RecordingSink[]): VoiceClient {
  return new VoiceClient({
    channel: c.channel(),
    handlerFactory: fakeHandlerFactory(),
    openMicrophone: async () => fakeMicrophone(),
    createSink: (_track, peer) => {
      const sink = new RecordingSink(peer.userId);
      sinks.push(sink);
      return sink;
    },
    createMeter: null,
    watchIntervalMs: 20,
    retryDelaysMs: [10],
  });
}

async function until(c: VoiceClient, test: (s: VoiceState) => boolean, what: string): Promise<VoiceState> {
  await expect.poll(() => test(c.state), { timeout: 5000, message: what }).toBe(true);
  return c.state;
}

/** The VoiceClient (web) against the real server extension and worker, over a test session hub. */
describe('VoiceClient against the real voice server', () => {
  let voice: VoiceService;
  beforeAll(async () => {
    voice = await startVoice();
  });
  afterAll(async () => {
    await voice?.close();
  });

  it('two clients hear each other; mute, volume, reconnect as a new connection, and leave', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'clients'));
    const adaConn = hub.connect('ada', 'Ada');
    const benConn = hub.connect('ben', 'Ben');
    const adaSinks: RecordingSink[] = [];
    const benSinks: RecordingSink[] = [];
    const ada = client(adaConn, adaSinks);
    const ben = client(benConn, benSinks);

    expect(await ada.checkAvailability()).toBe(true);
    await ada.join();
    expect(ada.state.status).toBe('connected');
    await ben.join();
    expect(ben.state.status).toBe('connected');

    // Each plays the other's microphone.
    await until(ada, (s) => s.peers.some((p) => p.userId === 'ben' && !p.muted), 'Ada sees Ben unmuted');
    expect(ben.state.peers.map((p) => p.displayName)).toEqual(['Ada']);
    await expect.poll(() => adaSinks.map((s) => s.userId)).toEqual(['ben']);
    expect(benSinks.map((s) => s.userId)).toEqual(['ada']);
    let dump = await voice.dump('clients');
    expect(dump?.transportIds).toHaveLength(4);
    expect(dump?.mapProducerIdConsumerIds.map((e) => e.values.length)).toEqual([1, 1]);

    // Mute reaches the server (producer paused) and the other client (muted indicator).
    ada.setMuted(true);
    await until(ben, (s) => s.peers[0]?.muted === true, 'Ben sees Ada muted');
    ada.setMuted(false);
    await until(ben, (s) => s.peers[0]?.muted === false, 'Ben sees Ada unmuted');

    // Push-to-talk: silent until the key is held.
    ada.setPushToTalk(true);
    await until(ben, (s) => s.peers[0]?.muted === true, 'push-to-talk pauses');
    ada.setTalking(true);
    await until(ben, (s) => s.peers[0]?.muted === false, 'holding the key speaks');
    ada.setTalking(false);
    await until(ben, (s) => s.peers[0]?.muted === true, 'releasing the key pauses');
    ada.setPushToTalk(false);

    // Per-participant volume goes to the sink and survives a reconnect.
    ben.setVolume('ada', 0.25);
    expect(benSinks[0]?.volume).toBe(0.25);

    // Ben's channel drops and comes back as a new connection: the server freed the old one,
    // the client rejoins by itself, and Ada's side follows.
    const oldId = benConn.peer.connectionId;
    await hub.reconnect(benConn);
    await until(ada, (s) => !s.peers.some((p) => p.connectionId === oldId), 'Ada saw the old connection leave');
    await until(ben, (s) => s.status === 'connected' && s.peers.length === 1, 'Ben rejoined');
    await until(ada, (s) => s.peers.some((p) => p.connectionId === benConn.peer.connectionId), 'Ada sees Ben back');
    await expect.poll(() => benSinks.filter((s) => !s.closed).map((s) => s.volume)).toEqual([0.25]);
    expect(benSinks[0]?.closed).toBe(true);
    dump = await voice.dump('clients');
    expect(dump?.transportIds).toHaveLength(4);
    await expect
      .poll(async () => (await voice.dump('clients'))?.mapProducerIdConsumerIds.map((e) => e.values.length))
      .toEqual([1, 1]);

    // Leaving frees everything on both sides; the last one out closes the call.
    await ada.leave();
    expect(ada.state).toMatchObject({ status: 'idle', peers: [] });
    await until(ben, (s) => s.peers.length === 0, 'Ben saw Ada leave');
    expect((await voice.dump('clients'))?.transportIds).toHaveLength(2);
    await ben.close();
    expect(await voice.dump('clients')).toBeUndefined();
    await ada.close();
  });

  it('a third user when the call is full gets a clear failure, not endless retries', async () => {
    const own = await startVoice({ VOICE_MAX_PARTICIPANTS: '1' });
    try {
      const hub = hubFor(own, session(['ada', 'ben'], 'full'));
      const ada = client(hub.connect('ada'), []);
      const ben = client(hub.connect('ben'), []);
      await ada.join();
      await ben.join();
      expect(ben.state).toMatchObject({ status: 'failed', message: expect.stringContaining('full') });
      expect((await own.dump('full'))?.transportIds).toHaveLength(2);
      await ada.close();
      await ben.close();
    } finally {
      await own.close();
    }
  });
});
