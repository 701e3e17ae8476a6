/** What the voice UI shows; VoiceClient publishes a fresh snapshot on every change. */
export type VoiceStatus =
  /** Not in the call (never joined, or left). */
  | 'idle'
  /** Asking the server whether voice is available. */
  | 'checking'
  /** The server has no media worker or voice is off: the rest of the session works. */
  | 'unavailable'
  | 'joining'
  | 'connected'
  /** A network blip: ICE restart or rejoin under way; recovers on its own. */
  | 'reconnecting'
  /** Gave up (the message says why); joining again is possible. */
  | 'failed';

export interface VoicePeerState {
  connectionId: string;
  userId: string;
  displayName: string;
  /** Its microphone is paused (muted or push-to-talk released) or it has none yet. */
  muted: boolean;
  /** Above the speaking threshold in the server's last level report. */
  speaking: boolean;
  /** The server's dominant speaker. */
  dominant: boolean;
  /** Playback volume on this device, 0..1. */
  volume: number;
}

export interface VoiceState {
  status: VoiceStatus;
  /** Why voice is unavailable, or why the last attempt failed. */
  message: string | null;
  /** The microphone is paused by the mute button. */
  muted: boolean;
  pushToTalk: boolean;
  /** Push-to-talk key held. */
  talking: boolean;
  /** The microphone in use (deviceId), null for the default. */
  microphoneId: string | null;
  /** This user's own speaking indicator (local level, not sent through the server). */
  selfSpeaking: boolean;
  peers: VoicePeerState[];
}

export const initialVoiceState: VoiceState = {
  status: 'idle',
  message: null,
  muted: false,
  pushToTalk: false,
  talking: false,
  microphoneId: null,
  selfSpeaking: false,
  peers: [],
};

/** dBov (−127..0) above which a participant counts as speaking. */
export const speakingThresholdDb = -50;
