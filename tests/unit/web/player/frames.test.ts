/** Frame-accurate seeking and frame reading for video (with a fake video element). */
import { describe, expect, it } from 'vitest';
import {
  VideoFrameTracker,
  frameOfMediaTime,
  seekTimeForFrame,
  seekToFrame,
  stepVideoFrames,
} from '../../../../web/lib/player/frames.ts';
import type { VideoLike } from '../../../../web/lib/player/frames.ts';
import { RATES, frameOf, frameTime } from '../../../../web/lib/timeline/time.ts';

const NTSC = RATES.NTSC_30;

describe('player frames', () => {
  it('seeks to the middle of the frame and reports its exact start', () => {
    const video: VideoLike = { currentTime: 0, duration: 3600, paused: true };
    const t = seekToFrame(video, 107_000, NTSC);
    expect(t).toBe(frameTime(107_000, NTSC));
    expect(frameOf(video.currentTime, NTSC)).toBe(107_000);
    expect(video.currentTime - t).toBeCloseTo(1001 / 30000 / 2, 9);
    expect(seekToFrame(video, 10 ** 9, NTSC)).toBe(frameTime(frameOf(3600, NTSC) - 1, NTSC)); // clamped
    expect(stepVideoFrames(video, -1, NTSC)).toBe(frameTime(frameOf(3600, NTSC) - 2, NTSC));
    expect(seekTimeForFrame(0, RATES.PAL_25)).toBe(0.02);
  });

  it('reads a presented frame from mediaTime even a hair below the boundary', () => {
    const k = 86_400;
    const exact = (k * 1001) / 30000;
    expect(frameOfMediaTime(exact - 1e-9, NTSC)).toBe(k); // a floor would say k − 1
    expect(frameOfMediaTime(Math.round(exact * 90000) / 90000, NTSC)).toBe(k); // 90 kHz time base
  });

  it('tracks frames via requestVideoFrameCallback, once per new frame', () => {
    const callbacks: ((now: number, meta: { mediaTime: number }) => void)[] = [];
    const video: VideoLike = {
      currentTime: 0,
      duration: 10,
      paused: false,
      requestVideoFrameCallback: (cb) => callbacks.push(cb),
      cancelVideoFrameCallback: () => undefined,
    };
    const seen: [number, number][] = [];
    const tracker = new VideoFrameTracker(video, NTSC, (f, t) => seen.push([f, t]));
    expect(tracker.precise).toBe(true);
    for (const k of [0, 1, 1, 2]) callbacks.shift()!(0, { mediaTime: (k * 1001) / 30000 });
    expect(seen).toEqual([0, 1, 2].map((k) => [k, frameTime(k, NTSC)]));
    tracker.stop();
  });

  it('falls back to polling currentTime on animation frames', () => {
    const frames: (() => void)[] = [];
    const video: VideoLike = { currentTime: 0.5, duration: 10, paused: false };
    const seen: number[] = [];
    const tracker = new VideoFrameTracker(
      video,
      RATES.PAL_25,
      (f) => seen.push(f),
      (cb) => frames.push(cb),
    );
    expect(tracker.precise).toBe(false);
    frames.shift()!();
    video.currentTime = 0.55;
    frames.shift()!();
    tracker.stop();
    video.currentTime = 0.6;
    frames.shift()!(); // a callback already queued does nothing after stop()
    expect(seen).toEqual([12, 13]);
  });
});
