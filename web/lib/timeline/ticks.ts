/**
 * Ruler ticks that adapt to the zoom: from hours (whole file) down to every frame. Frame ticks sit
 * on exact frame boundaries (frameTime), never on multiples of a float frame duration.
 */
import { formatTime, frameOf, frameTime } from './time.ts';
import type { Rational } from './time.ts';
import type { Viewport } from './viewport.ts';

export interface Tick {
  t: number;
  /** CSS px from the left of the time area. */
  x: number;
  label: string;
}

export interface Ticks {
  major: Tick[];
  /** x of minor ticks (majors excluded). */
  minor: number[];
  /** Seconds between majors (approximate for frame steps). */
  step: number;
  /** Frames between majors when the step is in frames, else null. */
  stepFrames: number | null;
}

/** Whole-second steps, then minutes and hours. */
const SECOND_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];
/** Sub-second steps when there is no frame rate. */
const DECIMAL_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
const FRAME_STEPS = [1, 2, 5, 10];

interface Step {
  seconds: number;
  frames: number | null;
}

function candidates(rate: Rational | null): Step[] {
  const out: Step[] = [];
  if (rate) {
    for (const f of FRAME_STEPS)
      if ((f * rate.den) / rate.num < 0.75) out.push({ seconds: (f * rate.den) / rate.num, frames: f });
  } else for (const s of DECIMAL_STEPS) out.push({ seconds: s, frames: null });
  for (const s of SECOND_STEPS) out.push({ seconds: s, frames: null });
  return out;
}

function decimalsFor(step: number): number {
  if (step >= 1) return 0;
  if (step >= 0.1) return 1;
  if (step >= 0.01) return 2;
  return 3;
}

/** Ticks of the visible window with majors at least `minMajorPx` apart and minors ≥ `minMinorPx`. */
export function computeTicks(view: Viewport, rate: Rational | null, minMajorPx = 90, minMinorPx = 7): Ticks {
  const steps = candidates(rate);
  const pps = view.pxPerSec;
  // Frame labels carry the frame number too, so they need more room.
  let mi = steps.findIndex((s) => s.seconds * pps >= (s.frames !== null ? minMajorPx + 40 : minMajorPx));
  if (mi < 0) mi = steps.length - 1;
  const major = steps[mi];
  // Minor: the finest step that divides the major one and is not too dense (frames under frame
  // majors, decimal or whole seconds under second majors).
  const minorSteps: Step[] =
    major.frames !== null
      ? FRAME_STEPS.map((f) => ({ seconds: rate ? (f * rate.den) / rate.num : f, frames: f }))
      : [...DECIMAL_STEPS, ...SECOND_STEPS].map((s) => ({ seconds: s, frames: null }));
  let minor: Step | null = null;
  for (const s of minorSteps) {
    if (s.seconds >= major.seconds || s.seconds * pps < minMinorPx) continue;
    const divides =
      major.frames !== null && s.frames !== null ? major.frames % s.frames === 0 : isMultiple(major.seconds, s.seconds);
    if (divides) {
      minor = s;
      break;
    }
  }
  const t0 = view.start;
  const t1 = view.end;
  const out: Ticks = { major: [], minor: [], step: major.seconds, stepFrames: major.frames };
  const decimals = rate && major.frames !== null ? 3 : decimalsFor(major.seconds);

  const majorTimes = times(major, rate, t0, t1);
  for (const t of majorTimes) {
    const label = formatTime(t, decimals);
    out.major.push({
      t,
      x: view.timeToX(t),
      label: rate && major.frames !== null ? `${label} f${frameOf(t, rate)}` : label,
    });
  }
  if (minor) {
    const majorSet = new Set(majorTimes);
    for (const t of times(minor, rate, t0, t1)) if (!majorSet.has(t)) out.minor.push(view.timeToX(t));
  }
  return out;
}

function isMultiple(a: number, b: number): boolean {
  const r = a / b;
  return Math.abs(r - Math.round(r)) < 1e-9;
}

/** Tick times of one step inside [t0, t1]. */
function times(step: Step, rate: Rational | null, t0: number, t1: number): number[] {
  const out: number[] = [];
  if (step.frames !== null && rate) {
    const f = step.frames;
    let k = Math.ceil(frameOf(t0, rate) / f) * f;
    if (frameTime(k, rate) < t0) k += f;
    for (let t = frameTime(k, rate); t <= t1; k += f, t = frameTime(k, rate)) out.push(t);
    return out;
  }
  // Multiples of the step as integers times the step, so 0.1·3 prints as 0.3 and sits there.
  const first = Math.ceil(t0 / step.seconds - 1e-9);
  for (let i = first; i * step.seconds <= t1 + 1e-9; i++) out.push(i * step.seconds);
  return out;
}
