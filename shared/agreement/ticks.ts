/**
 * Time → integer tick conversion (SPEC §0 "Time unit"). Unitizing α and time slicing depend on
 * the tick resolution, so times are converted once, server-wide, to milliseconds or to frame
 * indices, and the resolution is stored with each result.
 *
 * Frame rates are rationals (e.g. 30000/1001 for NTSC): frame k covers [k·den/num, (k+1)·den/num)
 * seconds, so the frame containing t is ⌊t·num/den⌋. Doing that in floats with 29.97 instead of
 * 30000/1001 drifts by one frame roughly every 9 hours of video and misplaces exact boundaries.
 */
import { AgreementInputError } from './reasons.ts';

/** A rational frame rate `num/den` frames per second. */
export interface FrameRate {
  readonly num: number;
  readonly den: number;
}

/** Common rates. */
export const FPS = {
  NTSC_30: { num: 30000, den: 1001 },
  NTSC_24: { num: 24000, den: 1001 },
  NTSC_60: { num: 60000, den: 1001 },
  PAL_25: { num: 25, den: 1 },
  FILM_24: { num: 24, den: 1 },
} as const satisfies Record<string, FrameRate>;

function checkRate(rate: FrameRate): void {
  if (!Number.isSafeInteger(rate.num) || !Number.isSafeInteger(rate.den) || rate.num <= 0 || rate.den <= 0) {
    throw new AgreementInputError('invalid_params', 'frame rate must be a ratio of positive integers');
  }
}

/**
 * Frame index containing time `ms` (integer milliseconds): ⌊ms·num / (1000·den)⌋, in exact
 * integer arithmetic.
 */
export function msToFrame(ms: number, rate: FrameRate): number {
  checkRate(rate);
  if (!Number.isSafeInteger(ms)) throw new AgreementInputError('non_integer_ticks', `ms = ${ms}`);
  const num = BigInt(ms) * BigInt(rate.num);
  const den = 1000n * BigInt(rate.den);
  let q = num / den;
  if (num % den !== 0n && num < 0n) q -= 1n; // floor for negatives
  return Number(q);
}

/** Start time of frame k in milliseconds, rounded down to an integer ms. */
export function frameToMs(frame: number, rate: FrameRate): number {
  checkRate(rate);
  if (!Number.isSafeInteger(frame)) throw new AgreementInputError('non_integer_ticks', `frame = ${frame}`);
  const num = BigInt(frame) * 1000n * BigInt(rate.den);
  const den = BigInt(rate.num);
  let q = num / den;
  if (num % den !== 0n && num < 0n) q -= 1n;
  return Number(q);
}

/**
 * Seconds (float, as stored by a player) → integer milliseconds, rounding to nearest. Rounding
 * (not truncation) keeps 0.3 s → 300 ms although 0.3·1000 = 299.99999999999994.
 */
export function secondsToMs(seconds: number): number {
  if (!Number.isFinite(seconds)) throw new AgreementInputError('invalid_value', `seconds = ${seconds}`);
  return Math.round(seconds * 1000);
}
