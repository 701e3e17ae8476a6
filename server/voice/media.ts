import type { types } from 'mediasoup';
import type { VoiceConfig } from './config.ts';

/** Voice carries speech only: Opus, which every WebRTC browser sends and receives. */
export const voiceCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2, preferredPayloadType: 111 },
];

/** Options of every WebRtcTransport: UDP preferred, TCP as the fallback through strict firewalls. */
export function transportOptions(config: VoiceConfig, appData: types.AppData): types.WebRtcTransportOptions {
  const listen = (protocol: 'udp' | 'tcp'): types.TransportListenInfo => ({
    protocol,
    ip: config.listenIp,
    ...(config.announcedAddress === undefined ? {} : { announcedAddress: config.announcedAddress }),
    portRange: { min: config.rtcMinPort, max: config.rtcMaxPort },
  });
  return {
    listenInfos: [listen('udp'), listen('tcp')],
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    // Speech needs little; a low start avoids a burst on slow links.
    initialAvailableOutgoingBitrate: 300_000,
    appData,
  };
}

/**
 * How often the observers judge who is speaking (ms), and the level under which a producer is left
 * out of the level reports (dBov; the UI's "speaking" threshold is higher, web/lib/voice/state.ts).
 */
export const activeSpeakerIntervalMs = 300;
export const audioLevelIntervalMs = 400;
export const audioLevelThreshold = -70;
