/**
 * Colours of the charts, chosen to stay readable for colour-blind viewers:
 * - series (one line per annotator): the Okabe–Ito palette, each with its own dash pattern so
 *   lines differ without colour too;
 * - agreement heat maps: a diverging red–blue ramp (ColorBrewer RdBu, safe for the common colour
 *   vision deficiencies) from −1 through 0 (neutral) to 1;
 * - counts (confusion matrices): a sequential single-hue blue ramp.
 * Text on a coloured cell is black or white, whichever contrasts more (WCAG luminance).
 */

/** Okabe–Ito, without its yellow (too light on white) and black (reserved for text). */
export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#7f7f7f'] as const;

/** SVG `stroke-dasharray` per series (solid first). */
export const SERIES_DASHES = ['', '7 4', '2 3', '10 3 2 3', '4 4', '1 4', '12 6'] as const;

export function seriesStyle(index: number): { color: string; dash: string } {
  const n = SERIES_COLORS.length;
  const i = Math.max(0, Math.floor(index));
  // Past the palette, colours repeat with a shifted dash pattern: every pair stays distinct.
  return { color: SERIES_COLORS[i % n]!, dash: SERIES_DASHES[(i + Math.floor(i / n)) % n]! };
}

export type Rgb = [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const n = Number.parseInt(full.slice(0, 6), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function rgbToHex([r, g, b]: Rgb): string {
  const c = (v: number) =>
    Math.round(Math.min(255, Math.max(0, v)))
      .toString(16)
      .padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

/** Linear interpolation between two colours (t in [0, 1]). */
export function mix(a: string, b: string, t: number): string {
  const x = hexToRgb(a);
  const y = hexToRgb(b);
  return rgbToHex([x[0] + (y[0] - x[0]) * t, x[1] + (y[1] - x[1]) * t, x[2] + (y[2] - x[2]) * t]);
}

/** Colour at `value` on a ramp of `[position, colour]` stops sorted by position (clamped). */
export function ramp(stops: ReadonlyArray<readonly [number, string]>, value: number): string {
  if (stops.length === 0) return '#000000';
  if (!(value > stops[0]![0])) return stops[0]![1];
  for (let i = 1; i < stops.length; i++) {
    const [p1, c1] = stops[i]!;
    if (value <= p1) {
      const [p0, c0] = stops[i - 1]!;
      return mix(c0, c1, p1 === p0 ? 1 : (value - p0) / (p1 - p0));
    }
  }
  return stops[stops.length - 1]![1];
}

/** ColorBrewer RdBu (7 classes) over agreement −1 … 1. */
export const AGREEMENT_STOPS: ReadonlyArray<readonly [number, string]> = [
  [-1, '#b2182b'],
  [-0.5, '#ef8a62'],
  [0, '#f7f7f7'],
  [0.35, '#d1e5f0'],
  [0.6, '#92c5de'],
  [0.8, '#4393c3'],
  [1, '#2166ac'],
];

/** Cell colour of an agreement coefficient (κ, α, F1), clamped to [−1, 1]. */
export function agreementColor(value: number): string {
  return ramp(AGREEMENT_STOPS, Math.max(-1, Math.min(1, value)));
}

/** ColorBrewer Blues over 0 … 1. */
export const COUNT_STOPS: ReadonlyArray<readonly [number, string]> = [
  [0, '#f7fbff'],
  [0.25, '#c6dbef'],
  [0.5, '#6baed6'],
  [0.75, '#2171b5'],
  [1, '#08306b'],
];

/** Cell colour of a count relative to the largest count of the matrix (0 stays near white). */
export function countColor(count: number, max: number): string {
  return ramp(COUNT_STOPS, max > 0 ? Math.sqrt(Math.max(0, count) / max) : 0);
}

/** WCAG relative luminance of a hex colour. */
export function luminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// Pure black: with white, it guarantees ≥ 4.58:1 on any background (a dark grey would not).
const DARK_TEXT = '#000000';
const LIGHT_TEXT = '#ffffff';

/** Black or white text on `background`, whichever has the higher contrast. */
export function readableText(background: string): string {
  return contrastRatio(background, DARK_TEXT) >= contrastRatio(background, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
}
