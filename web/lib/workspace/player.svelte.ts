/**
 * Playback of several media of one task on one timeline. Task time t maps to media time
 * t − offsetSec of each file. One element drives the clock (the first video while the playhead is
 * inside it, else the first audio that is, else a free-running clock over gaps); the others follow
 * it and are corrected when they drift. Video seeks are frame-accurate (web/lib/player/frames.ts:
 * frame k is shown by seeking to its middle, the playhead stays on the exact boundary), and while
 * a video plays the playhead is the presented frame (requestVideoFrameCallback where available).
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- private bookkeeping, deliberately not reactive: what the UI reads is in $state fields. */
import { VideoFrameTracker, seekToFrame } from '../player/frames.ts';
import { frameOf, frameTime, stepFrames } from '../timeline/time.ts';
import type { Rational } from '../timeline/time.ts';
import type { TimeRange } from '../timeline/renderer.ts';

export interface TrackSpec {
  mediaId: string;
  kind: 'video' | 'audio';
  /** Where the file starts on the task timeline (s). */
  offset: number;
  /** Length of the file (s). */
  duration: number;
  /** Frame rate of a video (from the probe). */
  frameRate: Rational | null;
}

interface Track extends TrackSpec {
  el: HTMLMediaElement;
  tracker: VideoFrameTracker | null;
  /** Last presented frame's task time (videos with a tracker). */
  frameTaskTime: number | null;
}

/** Playback rates offered. */
export const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2] as const;
/** Drift (s) past which a following element is re-seeked... */
const MAX_DRIFT = 0.3;
/** ...and above which its rate is nudged (±5%) until it catches up, without an audible jump. */
const SOFT_DRIFT = 0.04;

export class MediaSync {
  playing = $state(false);
  rate = $state(1);
  loop = $state(false);
  /** Playhead (task time, s). */
  time = $state(0);
  /** Waiting for media data. */
  buffering = $state(false);

  duration: number;
  frameRate: Rational | null;
  /** The loop range (the timeline's selection). */
  loopRange: TimeRange | null = null;

  private readonly tracks: Track[] = [];
  private raf = 0;
  private clockStart = 0;
  private clockTime = 0;
  private muted = new Set<string>();

  constructor(opts: { duration: number; frameRate: Rational | null }) {
    this.duration = opts.duration;
    this.frameRate = opts.frameRate;
  }

  /** Attaches a media element for a track; returns the detach function. */
  register(spec: TrackSpec, el: HTMLMediaElement): () => void {
    const track: Track = { ...spec, el, tracker: null, frameTaskTime: null };
    el.playbackRate = this.rate;
    el.muted = this.muted.has(spec.mediaId);
    if (spec.kind === 'video' && spec.frameRate && el instanceof HTMLVideoElement) {
      track.tracker = new VideoFrameTracker(el, spec.frameRate, (_frame, t) => {
        track.frameTaskTime = t + spec.offset;
      });
    }
    // Video first: it drives the clock while it covers the playhead.
    this.tracks.push(track);
    this.tracks.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'video' ? -1 : 1));
    this.seekElement(track, this.time);
    return () => {
      track.tracker?.stop();
      const i = this.tracks.indexOf(track);
      if (i >= 0) this.tracks.splice(i, 1);
    };
  }

  isMuted(mediaId: string): boolean {
    return this.muted.has(mediaId);
  }

  setMuted(mediaId: string, muted: boolean): void {
    if (muted) this.muted.add(mediaId);
    else this.muted.delete(mediaId);
    for (const t of this.tracks) if (t.mediaId === mediaId) t.el.muted = muted;
  }

  setRate(rate: number): void {
    this.rate = rate;
    for (const t of this.tracks) t.el.playbackRate = rate;
    this.restartClock();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.playing) return;
    const r = this.loopRange;
    if (this.loop && r && r.end > r.start && (this.time < r.start || this.time >= r.end)) this.seek(r.start);
    else if (this.time >= this.duration) this.seek(0);
    this.playing = true;
    this.restartClock();
    this.follow(this.time, true);
    if (this.raf === 0) this.raf = requestAnimationFrame(this.tick);
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.buffering = false;
    if (this.raf !== 0) cancelAnimationFrame(this.raf);
    this.raf = 0;
    for (const t of this.tracks) t.el.pause();
    // Stop on a frame boundary, with the video showing that frame.
    const src = this.source(this.time);
    let t = src ? this.elementTime(src) : this.time;
    if (this.frameRate) t = frameTime(frameOf(Math.max(0, t), this.frameRate), this.frameRate);
    this.seek(t);
  }

  /** Moves the playhead (task time); the media follow. */
  seek(t: number): void {
    const v = Math.min(this.duration, Math.max(0, Number.isFinite(t) ? t : 0));
    this.time = v;
    this.restartClock();
    for (const track of this.tracks) this.seekElement(track, v);
  }

  /** Steps whole frames (10 ms steps without video); pauses first. */
  step(frames: number): void {
    if (this.playing) this.pause();
    const rate = this.frameRate;
    this.seek(rate ? stepFrames(this.time, frames, rate) : this.time + frames * 0.01);
  }

  destroy(): void {
    if (this.raf !== 0) cancelAnimationFrame(this.raf);
    this.raf = 0;
    for (const t of this.tracks) t.tracker?.stop();
    this.tracks.length = 0;
  }

  private restartClock(): void {
    this.clockStart = performance.now();
    this.clockTime = this.time;
  }

  private covers(track: Track, t: number): boolean {
    const m = t - track.offset;
    return m >= 0 && m < track.duration - 1e-3;
  }

  /**
   * The element driving the clock at task time t: the first (videos first) that covers t and
   * has its metadata. While it buffers or seeks, the playhead waits for it.
   */
  private source(t: number): Track | null {
    return this.tracks.find((tr) => this.covers(tr, t) && tr.el.readyState >= 1) ?? null;
  }

  private elementTime(track: Track): number {
    const fromFrame = track.frameTaskTime;
    const fromTime = track.el.currentTime + track.offset;
    // The presented frame is exact; fall back to currentTime when it lags (first frames).
    return fromFrame !== null && Math.abs(fromFrame - fromTime) < 0.25 ? fromFrame : fromTime;
  }

  private seekElement(track: Track, t: number): void {
    const m = t - track.offset;
    if (!(m >= 0 && m < track.duration)) {
      if (!track.el.paused) track.el.pause();
      return;
    }
    if (track.kind === 'video' && track.frameRate && track.el instanceof HTMLVideoElement) {
      seekToFrame(track.el, frameOf(m, track.frameRate), track.frameRate);
    } else track.el.currentTime = m;
  }

  /** Starts, stops and re-aligns the elements around task time t. */
  private follow(t: number, force: boolean): void {
    const src = force ? null : this.source(t);
    for (const track of this.tracks) {
      if (track === src) continue;
      if (!this.covers(track, t)) {
        if (!track.el.paused) track.el.pause();
        continue;
      }
      const m = t - track.offset;
      const el = track.el;
      if (el.paused) {
        if (Math.abs(el.currentTime - m) > 0.02) el.currentTime = m;
        el.playbackRate = this.rate;
        this.start(el);
        continue;
      }
      if (el.seeking) continue;
      const drift = el.currentTime - m;
      if (Math.abs(drift) > MAX_DRIFT * Math.max(1, this.rate)) {
        el.currentTime = m;
        el.playbackRate = this.rate;
      } else {
        const rate = Math.abs(drift) > SOFT_DRIFT ? this.rate * (drift > 0 ? 0.95 : 1.05) : this.rate;
        if (el.playbackRate !== rate) el.playbackRate = rate;
      }
    }
  }

  /** Plays an element; a refusal (autoplay policy: no user gesture yet) stops playback. */
  private start(el: HTMLMediaElement): void {
    void el.play().catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'NotAllowedError') this.pause();
    });
  }

  private readonly tick = (): void => {
    this.raf = 0;
    if (!this.playing) return;
    const src = this.source(this.time);
    let t: number;
    if (src && !src.el.paused && !src.el.seeking && src.el.readyState >= 2) {
      t = this.elementTime(src);
      this.clockStart = performance.now();
      this.clockTime = t;
      this.buffering = false;
    } else if (src) {
      // The source is starting up, buffering or seeking: hold the playhead.
      if (src.el.paused && !src.el.seeking) this.start(src.el);
      t = this.time;
      this.buffering = true;
      this.restartClock();
    } else {
      t = this.clockTime + ((performance.now() - this.clockStart) / 1000) * this.rate;
      this.buffering = false;
    }
    const r = this.loopRange;
    if (this.loop && r && r.end > r.start && t >= r.end) {
      this.seek(r.start);
      this.follow(r.start, true);
    } else if (t >= this.duration) {
      this.time = this.duration;
      this.pause();
      return;
    } else {
      if (Math.abs(t - this.time) > 1e-9) this.time = t;
      this.follow(t, false);
    }
    this.raf = requestAnimationFrame(this.tick);
  };
}
