/**
 * The visible window of the timeline: which time is at the left edge and how many pixels a second
 * takes. x is in CSS pixels from the left edge of the time area (the lane headers are not part of
 * it). Zoom goes from the whole file down to single frames.
 */
import type { Rational } from './time.ts';

/** Pixels one frame takes at the deepest zoom. */
export const MAX_PX_PER_FRAME = 160;
/** Deepest zoom when the media has no frame rate (audio): 1 ms = 20 px. */
export const MAX_PX_PER_SEC_NO_FRAMES = 20_000;

export interface ViewState {
  /** Time at the left edge of the time area (s). */
  start: number;
  /** Time at the right edge (s). */
  end: number;
  pxPerSec: number;
  /** Width of the time area (CSS px). */
  width: number;
}

export class Viewport {
  /** Time at the left edge (s). */
  start = 0;
  pxPerSec = 1;
  /** Bumped on every change; the renderer compares it to decide whether to redraw. */
  version = 0;
  private fitted = true;

  constructor(
    public duration: number,
    public width: number,
    public frameRate: Rational | null = null,
  ) {
    this.fit();
  }

  get end(): number {
    return this.start + this.visibleDuration;
  }

  get visibleDuration(): number {
    return this.width / this.pxPerSec;
  }

  /** Scale at which the whole file fits the width. */
  get minPxPerSec(): number {
    return this.width / Math.max(this.duration, 1e-3);
  }

  get maxPxPerSec(): number {
    const max = this.frameRate
      ? (MAX_PX_PER_FRAME * this.frameRate.num) / this.frameRate.den
      : MAX_PX_PER_SEC_NO_FRAMES;
    return Math.max(max, this.minPxPerSec);
  }

  timeToX(t: number): number {
    return (t - this.start) * this.pxPerSec;
  }

  xToTime(x: number): number {
    return this.start + x / this.pxPerSec;
  }

  state(): ViewState {
    return { start: this.start, end: this.end, pxPerSec: this.pxPerSec, width: this.width };
  }

  setWidth(width: number): void {
    const w = Math.max(1, width);
    if (w === this.width) return;
    this.width = w;
    if (this.fitted) this.pxPerSec = this.minPxPerSec;
    this.clamp();
  }

  setDuration(duration: number): void {
    if (duration === this.duration) return;
    this.duration = duration;
    if (this.fitted) this.pxPerSec = this.minPxPerSec;
    this.clamp();
  }

  setFrameRate(rate: Rational | null): void {
    if (rate?.num === this.frameRate?.num && rate?.den === this.frameRate?.den) return;
    this.frameRate = rate;
    this.clamp();
  }

  /** Shows the whole file. */
  fit(): void {
    this.pxPerSec = this.minPxPerSec;
    this.start = 0;
    this.fitted = true;
    this.version++;
  }

  /** Multiplies the scale by `factor`, keeping the time under `x` where it is. */
  zoomAt(factor: number, x: number): void {
    const t = this.xToTime(x);
    this.setScale(this.pxPerSec * factor);
    this.start = t - x / this.pxPerSec;
    this.clamp();
  }

  /** Sets the scale, clamped to [whole file, single frames]. */
  setScale(pxPerSec: number): void {
    const next = Math.min(this.maxPxPerSec, Math.max(this.minPxPerSec, pxPerSec));
    this.fitted = next <= this.minPxPerSec * (1 + 1e-12);
    this.pxPerSec = next;
    this.clamp();
  }

  panBy(dx: number): void {
    this.start += dx / this.pxPerSec;
    this.clamp();
  }

  /** Puts `t` at the left edge (clamped). */
  scrollTo(t: number): void {
    this.start = t;
    this.clamp();
  }

  /** Puts `t` at the centre (clamped). */
  centerOn(t: number): void {
    this.start = t - this.visibleDuration / 2;
    this.clamp();
  }

  /** Shows exactly [t0, t1] (as far as the zoom limits allow), centred. */
  showRange(t0: number, t1: number): void {
    const span = Math.max(t1 - t0, 1e-9);
    this.setScale(this.width / span);
    this.start = (t0 + t1) / 2 - this.visibleDuration / 2;
    this.clamp();
  }

  /** Scrolls the least amount that brings [t0, t1] into view (with a margin in px). */
  reveal(t0: number, t1 = t0, marginPx = 24): void {
    const margin = marginPx / this.pxPerSec;
    if (t0 - margin < this.start) this.start = t0 - margin;
    else if (t1 + margin > this.end) this.start = Math.min(t0 - margin, t1 + margin - this.visibleDuration);
    else return;
    this.clamp();
  }

  /** Keeps the window inside the file; bumps the version. */
  private clamp(): void {
    if (!(this.pxPerSec > 0) || !Number.isFinite(this.pxPerSec)) this.pxPerSec = this.minPxPerSec;
    const maxStart = Math.max(0, this.duration - this.visibleDuration);
    if (!Number.isFinite(this.start)) this.start = 0;
    this.start = Math.min(maxStart, Math.max(0, this.start));
    this.version++;
  }
}
