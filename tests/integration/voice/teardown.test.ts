import type { types as serverTypes } from 'mediasoup';
import type { types } from 'mediasoup-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoiceService } from '../../../server/voice/service.ts';
import type { TestConnection } from '../../helpers/session-hub.ts';
import { fakeDevice, fakeMicrophone, hubFor, session, startVoice } from '../../helpers/voice.ts';

/** Joins, opens both transports and produces a microphone; returns the producer id. */
async function inCall(c: TestConnection): Promise<{ producerId: string; recv: types.Transport }> {
  const { routerRtpCapabilities } = await c.request<{ routerRtpCapabilities: types.RtpCapabilities }>(
    'voice.capabilities',
  );
  const device = await fakeDevice();
  await device.load({ routerRtpCapabilities });
  await c.request('voice.join', { rtpCapabilities: device.rtpCapabilities });
  const make = async (direction: 'send' | 'recv') => {
    const params = await c.request<types.TransportOptions>('voice.createTransport', { direction });
    const t = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    t.on('connect', ({ dtlsParameters }, cb, eb) => {
      c.request('voice.connectTransport', { transportId: t.id, dtlsParameters }).then(() => cb(), eb);
    });
    t.on('produce', ({ kind, rtpParameters }, cb, eb) => {
      c.request<{ id: string }>('voice.produce', { transportId: t.id, kind, rtpParameters }).then(cb, eb);
    });
    return t;
  };
  const send = await make('send');
  const recv = await make('recv');
  const producer = await send.produce({ track: fakeMicrophone() });
  return { producerId: producer.id, recv };
}

async function consume(c: TestConnection, recv: types.Transport, producerId: string): Promise<types.Consumer> {
  const answer = await c.request<types.ConsumerOptions>('voice.consume', { transportId: recv.id, producerId });
  const consumer = await recv.consume(answer);
  await c.request('voice.resumeConsumer', { consumerId: consumer.id });
  return consumer;
}

/** Every transport, producer and consumer id the router still holds. */
function held(dump: serverTypes.RouterDump | undefined): string[] {
  if (dump === undefined) return [];
  return [
    ...new Set([
      ...dump.transportIds,
      ...dump.mapProducerIdConsumerIds.flatMap((e) => [e.key, ...e.values]),
      ...dump.mapConsumerIdProducerId.map((e) => e.key),
    ]),
  ];
}

describe('voice teardown (real mediasoup worker)', () => {
  let voice: VoiceService;

  beforeAll(async () => {
    voice = await startVoice();
  });
  afterAll(async () => {
    await voice?.close();
  });

  it('a dropped socket frees everything of that connection; the last one out closes the router', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'drop'));
    const ada = hub.connect('ada');
    const ben = hub.connect('ben');
    const a = await inCall(ada);
    const b = await inCall(ben);
    const adaHears = await consume(ada, a.recv, b.producerId);
    const benHears = await consume(ben, b.recv, a.producerId);
    const before = await voice.dump('drop');
    expect(before?.transportIds).toHaveLength(4);
    expect(held(before)).toHaveLength(4 + 2 + 2);
    const room = await voice.existingRoom('drop');

    await hub.drop(ada);
    await ben.waitFor('voice.peerLeft', (m) => m.connectionId === ada.peer.connectionId);
    await ben.waitFor('voice.consumerClosed', (m) => m.consumerId === benHears.id);
    const after = await voice.dump('drop');
    // Only Ben's two transports and his producer remain: nothing of Ada's, not even his consumer of her.
    expect(after?.transportIds).toHaveLength(2);
    expect(after?.mapProducerIdConsumerIds).toEqual([{ key: b.producerId, values: [] }]);
    expect(held(after)).not.toContain(a.producerId);
    expect(held(after)).not.toContain(adaHears.id);

    await ben.request('voice.leave');
    expect(room?.router.closed).toBe(true);
    expect(await voice.dump('drop')).toBeUndefined();
  });

  it('the session ending closes the call with everything in it and tells the participants', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'end'));
    const ada = hub.connect('ada');
    const ben = hub.connect('ben');
    const a = await inCall(ada);
    const b = await inCall(ben);
    await consume(ben, b.recv, a.producerId);
    const room = await voice.existingRoom('end');
    expect(held(await voice.dump('end')).length).toBeGreaterThan(0);

    await hub.end();
    expect(await ada.waitFor('voice.closed')).toMatchObject({ reason: 'session ended' });
    expect(room?.router.closed).toBe(true);
    expect(room?.peers.size).toBe(0);
    expect(await voice.dump('end')).toBeUndefined();
  });

  it('a connection that drops while its transport is being created leaks nothing', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'race'));
    const ada = hub.connect('ada');
    const ben = hub.connect('ben');
    await inCall(ben);
    const device = await fakeDevice();
    const { routerRtpCapabilities } = await ada.request<{ routerRtpCapabilities: types.RtpCapabilities }>(
      'voice.capabilities',
    );
    await device.load({ routerRtpCapabilities });
    await ada.request('voice.join', { rtpCapabilities: device.rtpCapabilities });
    const pending = ada.request('voice.createTransport', { direction: 'send' }).catch((err: unknown) => err);
    await hub.drop(ada);
    expect(await pending).toMatchObject({ code: 'voice_not_joined' });
    expect((await voice.dump('race'))?.transportIds).toHaveLength(2);
    await hub.end();
  });

  it('a worker that dies closes its calls, tells the participants, and is replaced', async () => {
    const mediasoup = await import('mediasoup');
    const workers: serverTypes.Worker[] = [];
    const track = (w: serverTypes.Worker) => workers.push(w);
    mediasoup.observer.on('newworker', track);
    const own = await startVoice();
    try {
      expect(workers).toHaveLength(1);
      const hub = hubFor(own, session(['ada', 'ben'], 'crash'));
      const ada = hub.connect('ada');
      await inCall(ada);
      const room = await own.existingRoom('crash');
      process.kill(workers[0]?.pid ?? 0, 'SIGKILL');
      expect(await ada.waitFor('voice.closed')).toMatchObject({ reason: 'media server restarted' });
      expect(room?.router.closed).toBe(true);
      // The pool starts a new worker; the next request gets a fresh router on it.
      await expect.poll(() => workers.length, { timeout: 5000 }).toBe(2);
      await expect.poll(() => own.available).toBe(true);
      await ada.request('voice.capabilities');
      expect((await own.dump('crash'))?.transportIds).toEqual([]);
      await hub.end();
    } finally {
      mediasoup.observer.off('newworker', track);
      await own.close();
    }
  });
});
