/** Voice settings (environment variables, parsed in server/config.ts). */
export interface VoiceConfig {
  /** VOICE=off: no workers are started and every voice request answers `voice_unavailable`. */
  enabled: boolean;
  /**
   * MEDIASOUP_WORKER_BIN: the mediasoup-worker binary (scripts/mediasoup/worker-path.sh prints
   * one). Unset: mediasoup's own install location (node_modules/mediasoup/worker/out/Release),
   * which stays empty because package.json's allowScripts denies mediasoup's install step.
   */
  workerBin: string | undefined;
  /** Worker processes (one per core by default); sessions' routers are spread over them. */
  workers: number;
  /** Local address the WebRTC transports listen on. */
  listenIp: string;
  /** Address (IP or host name) put in ICE candidates instead of listenIp, e.g. behind NAT. */
  announcedAddress: string | undefined;
  /** UDP/TCP port range of the WebRTC transports. */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Users in one session's voice call at once. */
  maxParticipants: number;
  /** WebRTC transports one user may hold in one session (two per tab: send and receive). */
  maxTransportsPerUser: number;
}
