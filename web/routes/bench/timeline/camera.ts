/**
 * The benchmark's scripted camera: for each frame a visible window [t0, t1]. Three phases of equal
 * length: a zoom sweep (whole hour ↔ half a second, twice, while the centre travels), a pan at a
 * 30 s window (words readable) and a pan at a 10 min window (thousands of items on screen).
 */

export interface Phase {
  name: string;
  /** u in [0, 1) → window. */
  at(u: number, duration: number): [number, number];
}

export const PHASES: Phase[] = [
  {
    name: 'zoom 1 h ↔ 0.5 s',
    at(u, duration) {
      const z = 0.5 - 0.5 * Math.cos(2 * Math.PI * 2 * u);
      const span = Math.exp(Math.log(duration) + (Math.log(0.5) - Math.log(duration)) * z);
      const center = duration * (0.1 + 0.8 * u);
      return [center - span / 2, center + span / 2];
    },
  },
  {
    name: 'pan @ 30 s',
    at(u, duration) {
      const t = duration * 0.3 + u * 240;
      return [t, t + 30];
    },
  },
  {
    name: 'pan @ 10 min',
    at(u, duration) {
      const t = duration * 0.1 + u * 1800;
      return [t, t + 600];
    },
  },
];

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => (v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]);
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: v[v.length - 1] ?? NaN, mean };
}
