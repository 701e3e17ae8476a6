/** Colour-blind-safe palettes, ramps and readable text on coloured cells. */
import { describe, expect, it } from 'vitest';
import {
  AGREEMENT_STOPS,
  COUNT_STOPS,
  SERIES_COLORS,
  agreementColor,
  contrastRatio,
  countColor,
  hexToRgb,
  mix,
  ramp,
  readableText,
  rgbToHex,
  seriesStyle,
} from '../../../../web/lib/charts/color.ts';

describe('colours', () => {
  it('converts hex and mixes', () => {
    expect(hexToRgb('#0072B2')).toEqual([0, 114, 178]);
    expect(hexToRgb('#fff')).toEqual([255, 255, 255]);
    expect(rgbToHex([0, 114, 178])).toBe('#0072b2');
    expect(mix('#000000', '#ffffff', 0.5)).toBe('#808080');
  });

  it('interpolates a ramp and clamps outside it', () => {
    const stops = [
      [0, '#000000'],
      [1, '#ffffff'],
    ] as const;
    expect(ramp(stops, -5)).toBe('#000000');
    expect(ramp(stops, 5)).toBe('#ffffff');
    expect(ramp(stops, 0.25)).toBe('#404040');
  });

  it('maps agreement −1 … 1 onto the diverging ramp (clamped)', () => {
    expect(agreementColor(-1)).toBe(AGREEMENT_STOPS[0]![1]);
    expect(agreementColor(0)).toBe('#f7f7f7');
    expect(agreementColor(1)).toBe(AGREEMENT_STOPS[AGREEMENT_STOPS.length - 1]![1]);
    expect(agreementColor(7)).toBe(agreementColor(1));
    expect(agreementColor(-3)).toBe(agreementColor(-1));
  });

  it('maps counts relative to the largest, zero near white', () => {
    expect(countColor(0, 10)).toBe(COUNT_STOPS[0]![1]);
    expect(countColor(10, 10)).toBe(COUNT_STOPS[COUNT_STOPS.length - 1]![1]);
    expect(countColor(3, 0)).toBe(COUNT_STOPS[0]![1]);
  });

  it('gives every series a distinct colour and dash pair', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3 * SERIES_COLORS.length; i++) {
      const s = seriesStyle(i);
      seen.add(`${s.color}|${s.dash}`);
    }
    expect(seen.size).toBe(3 * SERIES_COLORS.length);
    expect(seriesStyle(0).dash).toBe('');
  });

  it('keeps text readable (≥ 4.5:1) on every ramp colour', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    for (let v = -1; v <= 1.0001; v += 0.05) {
      const bg = agreementColor(v);
      expect(contrastRatio(bg, readableText(bg)), `agreement ${v.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
    }
    for (let c = 0; c <= 20; c++) {
      const bg = countColor(c, 20);
      expect(contrastRatio(bg, readableText(bg)), `count ${c}`).toBeGreaterThanOrEqual(4.5);
    }
    expect(readableText('#ffffff')).not.toBe('#ffffff');
    expect(readableText('#08306b')).toBe('#ffffff');
  });
});
