import type { types } from 'mediasoup';
import { ApiError } from '../errors.ts';
import type { ExtensionContext, SessionExtension, SessionMessage } from '../sessions/extension.ts';
import * as read from './messages.ts';
import type { PeerLink } from './peer.ts';
import type { VoiceRoom } from './room.ts';
import type { VoiceService } from './service.ts';

/**
 * Voice signalling over the live-session channel: the `voice.*` requests a mediasoup-client
 * Device needs (README.md of this folder lists them with their answers and pushed events).
 * Only participants of the session may use them, whatever the hub already checked.
 */
export function voiceExtension(voice: VoiceService): SessionExtension {
  return {
    prefix: 'voice.',
    handle: (ctx, msg) => handle(voice, ctx, msg),
    onLeave: async (session, peer) => {
      await voice.leave(session.id, peer.connectionId);
    },
    onEnd: (session) => voice.end(session.id),
  };
}

async function handle(voice: VoiceService, ctx: ExtensionContext, msg: SessionMessage): Promise<unknown> {
  if (!ctx.session.participantIds.includes(ctx.peer.userId)) {
    throw new ApiError('Forbidden', 'voice is for the participants of this session');
  }
  if (msg.type === 'voice.status') {
    await voice.ready;
    return { available: voice.available, reason: voice.unavailableReason };
  }
  const link: PeerLink = { send: (m) => ctx.send(m), broadcast: (m) => ctx.broadcast(m) };
  if (msg.type === 'voice.leave') {
    await voice.leave(ctx.session.id, ctx.peer.connectionId);
    return {};
  }
  const room = await voice.room(ctx.session.id);
  switch (msg.type) {
    case 'voice.capabilities':
      return { routerRtpCapabilities: room.rtpCapabilities };
    case 'voice.join':
      return room.join(ctx.peer, read.rtpCapabilities(msg), link);
    default:
      return handleInCall(room, ctx, msg, link);
  }
}

/** Requests of a connection that has joined the call. */
async function handleInCall(
  room: VoiceRoom,
  ctx: ExtensionContext,
  msg: SessionMessage,
  link: PeerLink,
): Promise<unknown> {
  const peer = room.peer(ctx.peer.connectionId);
  peer.link = link;
  switch (msg.type) {
    case 'voice.createTransport':
      return room.createTransport(peer, read.direction(msg));
    case 'voice.connectTransport':
      await room.connectTransport(
        peer,
        read.id(msg, 'transportId'),
        read.object<types.DtlsParameters>(msg, 'dtlsParameters'),
      );
      return {};
    case 'voice.restartIce':
      return { iceParameters: await room.restartIce(peer, read.id(msg, 'transportId')) };
    case 'voice.produce':
      return room.produce(
        peer,
        read.id(msg, 'transportId'),
        read.kind(msg),
        read.object<types.RtpParameters>(msg, 'rtpParameters'),
        read.flag(msg, 'paused', false),
      );
    case 'voice.consume':
      return room.consume(peer, read.id(msg, 'transportId'), read.id(msg, 'producerId'));
    case 'voice.pauseProducer':
    case 'voice.resumeProducer':
      await room.setProducerPaused(peer, read.id(msg, 'producerId'), msg.type === 'voice.pauseProducer');
      return {};
    case 'voice.pauseConsumer':
    case 'voice.resumeConsumer':
      await room.setConsumerPaused(peer, read.id(msg, 'consumerId'), msg.type === 'voice.pauseConsumer');
      return {};
    case 'voice.closeProducer':
      room.closeProducer(peer, read.id(msg, 'producerId'));
      return {};
    default:
      throw new ApiError('ValidationFailed', `unknown voice message "${msg.type}"`);
  }
}
