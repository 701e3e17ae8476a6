import type { types } from 'mediasoup-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoiceService } from '../../../server/voice/service.ts';
import type { TestConnection } from '../../helpers/session-hub.ts';
import { fakeDevice, fakeMicrophone, hubFor, session, startVoice } from '../../helpers/voice.ts';

/**
 * The voice.* signalling against the real mediasoup worker, driven by mediasoup-client Devices
 * (FakeHandler: the real client logic without a browser media stack).
 */

interface Joined {
  device: types.Device;
  send: types.Transport;
  recv: types.Transport;
}

/** What a browser does to join: capabilities → Device.load → join → send and receive transports. */
async function joinWithDevice(c: TestConnection): Promise<Joined> {
  const { routerRtpCapabilities } = await c.request<{ routerRtpCapabilities: types.RtpCapabilities }>(
    'voice.capabilities',
  );
  const device = await fakeDevice();
  await device.load({ routerRtpCapabilities });
  await c.request('voice.join', { rtpCapabilities: device.rtpCapabilities });
  const transport = async (direction: 'send' | 'recv') => {
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
  return { device, send: await transport('send'), recv: await transport('recv') };
}

async function fails(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected the request to fail');
}

describe('voice signalling (real mediasoup worker, mediasoup-client FakeHandler)', () => {
  let voice: VoiceService;

  beforeAll(async () => {
    voice = await startVoice({ VOICE_MAX_PARTICIPANTS: '2', VOICE_MAX_TRANSPORTS_PER_USER: '3' });
  });
  afterAll(async () => {
    await voice?.close();
  });

  it('a user who is not a participant gets neither router capabilities nor a transport', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'refuse'));
    const eve = hub.connect('eve');
    expect(await fails(eve.request('voice.capabilities'))).toMatchObject({ code: 'forbidden' });
    expect(await fails(eve.request('voice.join', { rtpCapabilities: { codecs: [] } }))).toMatchObject({
      code: 'forbidden',
    });
    expect(await fails(eve.request('voice.createTransport', { direction: 'recv' }))).toMatchObject({
      code: 'forbidden',
    });
    expect(await fails(eve.request('voice.status'))).toMatchObject({ code: 'forbidden' });
    // Nothing was created for the refused user.
    expect(await voice.dump('refuse')).toBeUndefined();
  });

  it('capabilities, transports, produce and consume between two participants', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'call'));
    const ada = hub.connect('ada', 'Ada');
    const ben = hub.connect('ben', 'Ben');
    expect(await ada.request('voice.status')).toEqual({ available: true, reason: null });

    const a = await joinWithDevice(ada);
    expect(a.device.canProduce('audio')).toBe(true);
    const mic = await a.send.produce({ track: fakeMicrophone() });
    expect(mic.id).toMatch(/\S/);

    // Ben joins after Ada produced: the join answer lists her and her producer.
    const { routerRtpCapabilities } = await ben.request<{ routerRtpCapabilities: types.RtpCapabilities }>(
      'voice.capabilities',
    );
    const device = await fakeDevice();
    await device.load({ routerRtpCapabilities });
    const joined = await ben.request<{ peers: { connectionId: string; producers: { id: string }[] }[] }>('voice.join', {
      rtpCapabilities: device.rtpCapabilities,
    });
    expect(joined.peers).toEqual([
      expect.objectContaining({ connectionId: ada.peer.connectionId, userId: 'ada', displayName: 'Ada' }),
    ]);
    expect(joined.peers[0]?.producers.map((p) => p.id)).toEqual([mic.id]);
    await ada.waitFor('voice.peerJoined', (m) => m.connectionId === ben.peer.connectionId);

    const params = await ben.request<types.TransportOptions>('voice.createTransport', { direction: 'recv' });
    const recv = device.createRecvTransport(params);
    recv.on('connect', ({ dtlsParameters }, cb, eb) => {
      ben.request('voice.connectTransport', { transportId: recv.id, dtlsParameters }).then(() => cb(), eb);
    });
    const answer = await ben.request<{
      id: string;
      producerId: string;
      kind: 'audio';
      rtpParameters: types.RtpParameters;
      userId: string;
    }>('voice.consume', { transportId: recv.id, producerId: mic.id });
    expect(answer).toMatchObject({ producerId: mic.id, kind: 'audio', userId: 'ada' });
    const consumer = await recv.consume(answer);
    expect(consumer.track.kind).toBe('audio');
    await ben.request('voice.resumeConsumer', { consumerId: consumer.id });

    const dump = await voice.dump('call');
    expect(dump?.transportIds).toHaveLength(3);
    expect(dump?.mapProducerIdConsumerIds).toEqual([{ key: mic.id, values: [consumer.id] }]);

    // Mute: the server pauses the producer and every connection of the session hears of it.
    await ada.request('voice.pauseProducer', { producerId: mic.id });
    await ben.waitFor('voice.producerPaused', (m) => m.producerId === mic.id);
    await ada.request('voice.resumeProducer', { producerId: mic.id });
    await ben.waitFor('voice.producerResumed', (m) => m.producerId === mic.id);

    // ICE restart hands out new credentials.
    const { iceParameters } = await ada.request<{ iceParameters: types.IceParameters }>('voice.restartIce', {
      transportId: a.send.id,
    });
    expect(iceParameters.usernameFragment).not.toBe('');
    await a.send.restartIce({ iceParameters });

    // Closing the producer closes Ben's consumer and tells him.
    await ada.request('voice.closeProducer', { producerId: mic.id });
    await ben.waitFor('voice.consumerClosed', (m) => m.consumerId === consumer.id);
    expect((await voice.dump('call'))?.mapProducerIdConsumerIds).toEqual([]);

    await hub.end();
  });

  it('rejects malformed and out-of-order requests with stable codes', async () => {
    const hub = hubFor(voice, session(['ada', 'ben'], 'bad'));
    const ada = hub.connect('ada');
    expect(await fails(ada.request('voice.createTransport', { direction: 'send' }))).toMatchObject({
      code: 'voice_not_joined',
    });
    expect(await fails(ada.request('voice.join', {}))).toMatchObject({ code: 'validation_failed' });
    const a = await joinWithDevice(ada);
    expect(await fails(ada.request('voice.createTransport', { direction: 'sideways' }))).toMatchObject({
      code: 'validation_failed',
    });
    expect(
      await fails(ada.request('voice.connectTransport', { transportId: 'nope', dtlsParameters: {} })),
    ).toMatchObject({ code: 'not_found' });
    expect(await fails(ada.request('voice.consume', { transportId: a.recv.id, producerId: 'nope' }))).toMatchObject({
      code: 'not_found',
    });
    expect(await fails(ada.request('voice.frobnicate'))).toMatchObject({ code: 'validation_failed' });
    // Garbage RTP parameters are mediasoup's to judge.
    expect(
      await fails(
        ada.request('voice.produce', { transportId: a.send.id, kind: 'audio', rtpParameters: { codecs: 7 } }),
      ),
    ).toMatchObject({ code: 'voice_media_rejected' });
    expect(
      await fails(ada.request('voice.produce', { transportId: a.recv.id, kind: 'audio', rtpParameters: {} })),
    ).toMatchObject({ code: 'validation_failed' });
    // One microphone per connection.
    await a.send.produce({ track: fakeMicrophone() });
    await expect(a.send.produce({ track: fakeMicrophone() })).rejects.toMatchObject({ code: 'validation_failed' });
    await hub.end();
  });

  it('limits participants per call and transports per user', async () => {
    const hub = hubFor(voice, session(['ada', 'ben', 'cy'], 'limits'));
    const ada = hub.connect('ada');
    const ben = hub.connect('ben');
    const cy = hub.connect('cy');
    await joinWithDevice(ada); // 2 transports
    await joinWithDevice(ben);
    // VOICE_MAX_PARTICIPANTS=2: a third user is refused …
    const device = await fakeDevice();
    const { routerRtpCapabilities } = await cy.request<{ routerRtpCapabilities: types.RtpCapabilities }>(
      'voice.capabilities',
    );
    await device.load({ routerRtpCapabilities });
    expect(await fails(cy.request('voice.join', { rtpCapabilities: device.rtpCapabilities }))).toMatchObject({
      code: 'voice_full',
    });
    // … but Ada's second tab is the same participant.
    const adaTab = hub.connect('ada');
    await adaTab.request('voice.join', { rtpCapabilities: device.rtpCapabilities });
    // VOICE_MAX_TRANSPORTS_PER_USER=3 across her connections: one more, then no more.
    await adaTab.request('voice.createTransport', { direction: 'recv' });
    expect(await fails(adaTab.request('voice.createTransport', { direction: 'send' }))).toMatchObject({
      code: 'voice_transport_limit',
    });
    expect((await voice.dump('limits'))?.transportIds).toHaveLength(5);
    await hub.end();
  });
});
