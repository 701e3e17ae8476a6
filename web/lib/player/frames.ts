/**
 * Frame-accurate video helpers on top of the timeline's exact frame arithmetic.
 *
 * - Seeking: browsers decode the frame whose presentation interval contains currentTime, and a
 *   time exactly on a boundary can round into the previous frame (container time bases, float
 *   currentTime). So frame k is shown by seeking to the middle of it, while the timeline keeps the
 *   exact boundary frameTime(k) as the playhead.
 * - Reading: requestVideoFrameCallback reports the presented frame's `mediaTime` (its start, in
 *   the container's time base, possibly a hair below the exact boundary), so the frame is the
 *   nearest integer to mediaTime·num/den — not a floor. Without rVFC, currentTime is polled on
 *   animation frames.
 */
import { frameDuration, frameOf, frameTime } from '../timeline/time.ts';
import type { Rational } from '../timeline/time.ts';

/** The time to seek to so that frame `k` is displayed (its midpoint). */
export function seekTimeForFrame(k: number, rate: Rational): number {
  return frameTime(k, rate) + frameDuration(rate) / 2;
}

/** Frame index of a presented frame's `mediaTime` (its start time). */
export function frameOfMediaTime(mediaTime: number, rate: Rational): number {
  return Math.round((mediaTime * rate.num) / rate.den);
}

/** The parts of HTMLVideoElement used here (a fake in tests). */
export interface VideoLike {
  currentTime: number;
  duration: number;
  paused: boolean;
  pause?(): void;
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
}

/** Seeks so that frame `k` shows (clamped to the media). Returns the playhead time frameTime(k). */
export function seekToFrame(video: VideoLike, k: number, rate: Rational): number {
  const last = Number.isFinite(video.duration) ? Math.max(0, frameOf(video.duration, rate) - 1) : Infinity;
  const frame = Math.max(0, Math.min(last, k));
  video.currentTime = seekTimeForFrame(frame, rate);
  return frameTime(frame, rate);
}

/** Steps `delta` frames from the frame currently shown (pauses first). */
export function stepVideoFrames(video: VideoLike, delta: number, rate: Rational, current?: number): number {
  if (!video.paused) video.pause?.();
  const k = current ?? frameOf(video.currentTime, rate);
  return seekToFrame(video, k + delta, rate);
}

/**
 * Reports the displayed frame while a video plays or seeks: `onFrame(frame, playheadTime)` with
 * playheadTime = frameTime(frame) (an exact boundary the timeline can draw). Uses
 * requestVideoFrameCallback where available, else polls currentTime on animation frames.
 */
export class VideoFrameTracker {
  private handle = 0;
  private stopped = false;
  private last = -1;

  constructor(
    private readonly video: VideoLike,
    private readonly rate: Rational,
    private readonly onFrame: (frame: number, time: number) => void,
    private readonly raf: (cb: () => void) => number = (cb) => requestAnimationFrame(cb),
  ) {
    this.schedule();
  }

  /** True when the browser gives presented-frame timestamps. */
  get precise(): boolean {
    return typeof this.video.requestVideoFrameCallback === 'function';
  }

  stop(): void {
    this.stopped = true;
    if (this.precise && this.handle !== 0) this.video.cancelVideoFrameCallback?.(this.handle);
  }

  private emit(frame: number): void {
    if (frame === this.last) return;
    this.last = frame;
    this.onFrame(frame, frameTime(frame, this.rate));
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.precise) {
      this.handle = this.video.requestVideoFrameCallback!((_now, meta) => {
        if (this.stopped) return;
        this.emit(frameOfMediaTime(meta.mediaTime, this.rate));
        this.schedule();
      });
    } else
      this.handle = this.raf(() => {
        if (this.stopped) return;
        this.emit(frameOf(this.video.currentTime, this.rate));
        this.schedule();
      });
  }
}
