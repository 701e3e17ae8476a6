/**
 * Exact frame arithmetic on float seconds.
 *
 * Frame rates are rationals `num/den` frames per second (NTSC video is 30000/1001, never 29.97).
 * Frame k covers [k·den/num, (k+1)·den/num) seconds, so the frame containing t is ⌊t·num/den⌋.
 * Annotation times are stored as float seconds, and every double is an exact dyadic rational, so
 * that floor is computed exactly (BigInt on the double's mantissa/exponent when the float estimate
 * is too close to an integer to trust) — never as `t × fps` in floats, which drifts.
 *
 * `frameTime(k)` is the *smallest* double whose frame is k (rounded up from k·den/num), so a time
 * snapped to a frame boundary always maps back to the same frame: `frameOf(frameTime(k)) === k`.
 */

/** A frame rate `num/den` frames per second, both positive safe integers. */
export interface Rational {
  readonly num: number;
  readonly den: number;
}

/** Common rates. */
export const RATES = {
  NTSC_30: { num: 30000, den: 1001 },
  NTSC_24: { num: 24000, den: 1001 },
  NTSC_60: { num: 60000, den: 1001 },
  PAL_25: { num: 25, den: 1 },
  FILM_24: { num: 24, den: 1 },
  FPS_30: { num: 30, den: 1 },
} as const satisfies Record<string, Rational>;

/** True when `r` is a usable frame rate. */
export function isRational(r: unknown): r is Rational {
  const v = r as Partial<Rational> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(v.num) &&
    Number.isSafeInteger(v.den) &&
    (v.num as number) > 0 &&
    (v.den as number) > 0
  );
}

/** Frames per second as a float: for pixel sizes only, never for frame indices. */
export function fps(rate: Rational): number {
  return rate.num / rate.den;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const MANTISSA = (1n << 52n) - 1n;

/** `x` as an exact fraction n/d (d a power of two). `x` must be finite. */
export function exactFraction(x: number): [bigint, bigint] {
  f64[0] = x;
  const bits = u64[0];
  const negative = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & MANTISSA;
  const m = exp === 0 ? frac : frac | (1n << 52n);
  const e = exp === 0 ? -1074 : exp - 1075;
  const n = negative ? -m : m;
  return e >= 0 ? [n << BigInt(e), 1n] : [n, 1n << BigInt(-e)];
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** ⌊t·num/den⌋ in exact arithmetic. */
function frameOfExact(t: number, rate: Rational): number {
  const [n, d] = exactFraction(t);
  return Number(floorDiv(n * BigInt(rate.num), d * BigInt(rate.den)));
}

/** Index of the frame containing time `t` (seconds): exactly ⌊t·num/den⌋. */
export function frameOf(t: number, rate: Rational): number {
  if (!Number.isFinite(t)) throw new RangeError(`frameOf: time ${t} is not finite`);
  const v = (t * rate.num) / rate.den;
  const k = Math.floor(v);
  const frac = v - k;
  // The float estimate is off by a couple of ulps at most: trust it unless it is that close to an
  // integer, where only exact arithmetic can tell on which side of the boundary t lies.
  const margin = Math.max(1e-9, Math.abs(v) * 1e-13);
  if (frac > margin && frac < 1 - margin) return k;
  return frameOfExact(t, rate);
}

/** True when t·num ≥ k·den exactly, i.e. t is at or after the start of frame k. */
function atOrAfterFrame(t: number, k: number, rate: Rational): boolean {
  const [n, d] = exactFraction(t);
  return n * BigInt(rate.num) >= BigInt(k) * BigInt(rate.den) * d;
}

/** The next double above `x`. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0] + 1n : u64[0] - 1n;
  return f64[0];
}

/** The next double below `x`. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/**
 * Start time of frame `k` in seconds: the smallest double t with frameOf(t) === k (k·den/num
 * rounded up), so snapping to it and reading the frame back is exact.
 */
export function frameTime(k: number, rate: Rational): number {
  if (!Number.isSafeInteger(k)) throw new RangeError(`frameTime: frame ${k} is not an integer`);
  let x = (k * rate.den) / rate.num; // correctly rounded while k·den is a safe integer
  while (!atOrAfterFrame(x, k, rate)) x = nextUp(x);
  for (let y = nextDown(x); atOrAfterFrame(y, k, rate); y = nextDown(y)) x = y;
  return x;
}

/** True when `t` is exactly the start of its frame. */
export function isFrameBoundary(t: number, rate: Rational): boolean {
  return frameTime(frameOf(t, rate), rate) === t;
}

/** The frame boundary nearest to `t` (ties go to the earlier one). */
export function snapToFrame(t: number, rate: Rational): number {
  const k = frameOf(t, rate);
  const a = frameTime(k, rate);
  if (a === t) return a;
  const b = frameTime(k + 1, rate);
  return t - a <= b - t ? a : b;
}

/**
 * Moves `delta` frames from `t` and lands on a frame boundary: +1 from anywhere inside frame k
 * goes to the start of k+1; −1 from inside frame k goes to the start of k, from its start to k−1.
 */
export function stepFrames(t: number, delta: number, rate: Rational): number {
  const k = frameOf(t, rate);
  if (delta > 0) return frameTime(k + delta, rate);
  if (delta === 0) return t;
  const onBoundary = frameTime(k, rate) === t;
  return frameTime(onBoundary ? k + delta : k + delta + 1, rate);
}

/** Duration of one frame in seconds (float; for sizes and tolerances only). */
export function frameDuration(rate: Rational): number {
  return rate.den / rate.num;
}

/**
 * `h:mm:ss`, `m:ss`, with `decimals` fractional digits (0–3). Rounds to the shown precision
 * without ever showing 60 seconds.
 */
export function formatTime(t: number, decimals = 0): string {
  const sign = t < 0 ? '-' : '';
  const scale = 10 ** decimals;
  let units = Math.round(Math.abs(t) * scale);
  const frac = units % scale;
  units = (units - frac) / scale;
  const s = units % 60;
  const m = Math.floor(units / 60) % 60;
  const h = Math.floor(units / 3600);
  const ss = String(s).padStart(2, '0');
  const fracPart = decimals > 0 ? `.${String(frac).padStart(decimals, '0')}` : '';
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}${fracPart}` : `${sign}${m}:${ss}${fracPart}`;
}
