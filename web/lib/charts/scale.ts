/**
 * Scales and ticks for the hand-drawn SVG charts (no chart library): a linear scale with its
 * inverse, "nice" numeric ticks (1, 2, 5 × 10ⁿ), time ticks aligned to local hours/days, and a
 * band layout for matrices. Pure functions, unit-tested in tests/unit/web/charts.
 */

export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Pixel → value. */
  invert(px: number): number;
}

/** Maps `domain` linearly onto `range` (a zero-width domain maps to the middle of the range). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) =>
    span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0)) as LinearScale;
  Object.defineProperties(scale, {
    domain: { value: [d0, d1] as const },
    range: { value: [r0, r1] as const },
    invert: { value: (px: number) => (r1 === r0 ? d0 : d0 + ((px - r0) / (r1 - r0)) * span) },
  });
  return scale;
}

/** Drops floating-point noise: 0.30000000000000004 → 0.3. */
export function roundTick(value: number): number {
  const r = Number(value.toPrecision(12));
  return Object.is(r, -0) ? 0 : r;
}

/** Step of about `count` nice ticks over [min, max]: 1, 2 or 5 × 10ⁿ (0 when the span is empty). */
export function tickStep(min: number, max: number, count = 5): number {
  const raw = Math.abs(max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 0;
  const power = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / power;
  const m = ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1;
  return roundTick(m * power);
}

/** Nice ticks inside [min, max] (inclusive): niceTicks(0, 1) → [0, 0.2, 0.4, 0.6, 0.8, 1]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  const step = tickStep(min, max, count);
  if (step === 0) return [roundTick(min)];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(roundTick(i * step));
  return out;
}

/** [min, max] widened outwards to the nice tick step: niceDomain(-0.47, 0.93) → [-0.6, 1]. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (min > max) [min, max] = [max, min];
  const step = tickStep(min, max, count);
  if (step === 0) return [min, max];
  return [roundTick(Math.floor(min / step + 1e-9) * step), roundTick(Math.ceil(max / step - 1e-9) * step)];
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  WEEK,
  2 * WEEK,
  4 * WEEK,
  13 * WEEK,
  52 * WEEK,
];

/** Offset of local time from UTC at `t`, in ms (UTC+2 → 7 200 000). */
export function localOffsetMs(t: number): number {
  return -new Date(t).getTimezoneOffset() * MINUTE;
}

/**
 * Time ticks over [min, max]: the smallest step of the list above giving at most `count` ticks,
 * aligned to multiples of the step in local time (`offsetMs`: local minus UTC; midnight for days).
 */
export function timeTicks(
  min: number,
  max: number,
  count = 6,
  offsetMs: number = localOffsetMs(min),
): { ticks: number[]; step: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return { ticks: [], step: DAY };
  const span = max - min;
  const step = TIME_STEPS.find((s) => span / s <= Math.max(1, count)) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const first = Math.ceil((min + offsetMs) / step) * step - offsetMs;
  const ticks: number[] = [];
  for (let t = first; t <= max; t += step) ticks.push(t);
  return { ticks, step };
}

/** A tick label fit for the step: "14:30" below a day, "3 Mar" from a day. */
export function formatTimeTick(t: number, step: number, options: { locale?: string; timeZone?: string } = {}): string {
  const { locale, timeZone } = options;
  const fmt: Intl.DateTimeFormatOptions =
    step < DAY ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(locale, { ...fmt, timeZone }).format(new Date(t));
}

/**
 * `n` equal bands over `size` px with `gap` px between them (matrices): band i starts at
 * `start(i)` and is `band` px wide.
 */
export function bands(n: number, size: number, gap = 2): { band: number; start(i: number): number } {
  const band = n > 0 ? Math.max(0, (size - gap * (n - 1)) / n) : 0;
  return { band, start: (i: number) => i * (band + gap) };
}
