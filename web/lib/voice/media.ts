/**
 * The browser ends of voice: microphone capture, playback of a participant (an <audio> element,
 * which also honours the output device), and the local level meter (WebAudio) for the user's own
 * speaking indicator. VoiceClient takes these as options so Node tests can use fake tracks.
 */

/** Opens a microphone (the default one when deviceId is null), speech-tuned. */
export async function openMicrophone(deviceId: string | null): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      ...(deviceId === null ? {} : { deviceId: { exact: deviceId } }),
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  });
  const [track] = stream.getAudioTracks();
  if (track === undefined) throw new Error('no microphone track');
  return track;
}

export interface Microphone {
  deviceId: string;
  label: string;
}

/** Microphones; labels are empty until the user granted microphone access once. */
export async function listMicrophones(): Promise<Microphone[]> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

/** Plays one participant's audio. */
export interface AudioSink {
  setVolume(volume: number): void;
  close(): void;
}

export function audioElementSink(track: MediaStreamTrack): AudioSink {
  const audio = new Audio();
  audio.autoplay = true;
  audio.srcObject = new MediaStream([track]);
  // Autoplay may be refused before a user gesture; joining is one, so this normally plays.
  void audio.play().catch(() => undefined);
  return {
    setVolume: (volume) => {
      audio.volume = Math.min(1, Math.max(0, volume));
    },
    close: () => {
      audio.pause();
      audio.srcObject = null;
    },
  };
}

/** Reports the microphone's level (RMS, 0..1) a few times a second. */
export interface LevelMeter {
  close(): void;
}

export function webAudioMeter(track: MediaStreamTrack, onLevel: (level: number) => void): LevelMeter {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    onLevel(Math.sqrt(sum / samples.length));
  }, 150);
  return {
    close: () => {
      clearInterval(timer);
      source.disconnect();
      void context.close();
    },
  };
}

/** RMS level above which the user's own indicator lights (≈ −40 dBFS). */
export const localSpeakingLevel = 0.01;
