/** How the console words figures, reasons and thresholds. */
import { describe, expect, it } from 'vitest';
import {
  describeFigure,
  formatValue,
  isBelow,
  labelText,
  pairMetricName,
  reasonText,
  withNames,
} from '../../../../web/lib/qa/figures.ts';

describe('figures', () => {
  it('formats values with a real minus sign and a dash for none', () => {
    expect(formatValue(0.75097)).toBe('0.751');
    expect(formatValue(-0.47025)).toBe('\u22120.470');
    expect(formatValue(-0.0001)).toBe('0.000');
    expect(formatValue(1, 2)).toBe('1.00');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(Number.NaN)).toBe('—');
  });

  it('explains missing figures', () => {
    expect(reasonText('no_variation')).toBe('no variation');
    expect(reasonText('no_variation', true)).toMatch(/only one label/i);
    expect(reasonText('some_new_code')).toBe('some new code');
    expect(reasonText(null)).toBe('n/a');
    expect(describeFigure({ value: null, reason: 'empty_input' })).toBe('— (no annotations)');
    expect(describeFigure({ value: 0.5, reason: null })).toBe('0.500');
    expect(describeFigure(undefined)).toBe('—');
  });

  it('flags only real figures below the threshold', () => {
    expect(isBelow(0.5, 0.667)).toBe(true);
    expect(isBelow(0.667, 0.667)).toBe(false);
    expect(isBelow(null, 0.667)).toBe(false);
    expect(isBelow(0.1, null)).toBe(false);
  });

  it('names users in diagnostic messages and labels in matrices', () => {
    const names: Record<string, string> = { 'u-1': 'Ada', 'u-12': 'Ben' };
    expect(withNames('fewer than 10 by u-1, u-12', (id) => names[id]!, ['u-1', 'u-12'])).toBe(
      'fewer than 10 by Ada, Ben',
    );
    expect(labelText('\u2205')).toBe('no match');
    expect(labelText('__unit__')).toBe('unlabelled');
    expect(labelText('speech', { speech: 'Speech' })).toBe('Speech');
    expect(labelText('other')).toBe('other');
    expect(pairMetricName('segment')).toMatch(/κ/);
    expect(pairMetricName('event')).toMatch(/F1/);
  });
});
