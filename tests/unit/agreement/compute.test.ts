/** computeAgreement dispatch, null/error conventions, and tick conversion helpers. */
import { describe, expect, it } from 'vitest';
import { computeAgreement, FPS, frameToMs, msToFrame, secondsToMs } from '../../../shared/agreement/index.ts';

const coding = (units: Record<string, string | null>[]) => ({ raters: ['A', 'B'], units });

describe('computeAgreement', () => {
  it('returns the vector fields, with reason null when defined', () => {
    const out = computeAgreement(
      'cohen_kappa',
      {},
      coding([
        { A: 'x', B: 'x' },
        { A: 'y', B: 'x' },
      ]),
    );
    expect(out).toMatchObject({ kappa: 0, n_units_total: 2, n_units_used: 2, p_o: 0.5, p_e: 0.5, reason: null });
    expect(out).not.toHaveProperty('error');
  });

  it('undefined results: null with reason (mirrored as error)', () => {
    expect(
      computeAgreement('cohen_kappa', { weights: 'linear', categories: ['x', 'y'] }, coding([{ A: 'x', B: 'x' }])),
    ).toMatchObject({
      kappa: null,
      reason: 'no_variation',
      error: 'no_variation',
    });
    expect(
      computeAgreement(
        'fleiss_kappa',
        {},
        coding([
          { A: 'x', B: 'x' },
          { A: 'x', B: null },
        ]),
      ),
    ).toMatchObject({
      kappa: null,
      p_bar: null,
      p_e: null,
      error: 'unequal_ratings_per_unit',
    });
    expect(computeAgreement('krippendorff_alpha', { level: 'nominal' }, coding([{ A: 'x', B: null }]))).toMatchObject({
      alpha: null,
      reason: 'no_pairable_data',
      n_pairable: 0,
    });
    expect(computeAgreement('wer', { normalization: 'none' }, { reference: '', hypothesis: 'a' })).toMatchObject({
      wer: null,
      reason: 'empty_input',
    });
  });

  it('invalid input is reported, not thrown; unknown metrics too', () => {
    const overl = {
      raters: ['a', 'b'],
      continuum: { start: 0, end: 10 },
      annotators: {
        a: [
          { start: 0, end: 5, label: 'x' },
          { start: 3, end: 6, label: 'x' },
        ],
        b: [],
      },
    };
    expect(computeAgreement('unitizing_alpha', { variant: 'krippendorff_1995_2004_dkpro' }, overl)).toMatchObject({
      alpha: null,
      error: 'overlapping_segments',
      reason: 'overlapping_segments',
    });
    expect(computeAgreement('unitizing_alpha', { variant: 'krippendorff_2016_ualpha' }, overl)).toMatchObject({
      error: 'unsupported_variant',
    });
    expect(computeAgreement('no_such_metric', {}, {})).toMatchObject({ error: 'unknown_metric' });
  });

  it('bugs (non-input errors) are rethrown', () => {
    expect(() => computeAgreement('cohen_kappa', {}, null)).toThrow(TypeError);
  });

  it('dispatches every metric of the vector format', () => {
    const seg = {
      raters: ['A', 'B'],
      annotators: { A: [{ start: 0, end: 10, label: 'x' }], B: [{ start: 0, end: 10, label: 'x' }] },
    };
    const text = {
      text: 'a b',
      raters: ['A', 'B'],
      annotators: { A: [{ start: 0, end: 1, label: 'x' }], B: [{ start: 0, end: 1, label: 'x' }] },
    };
    const units = coding([
      { A: 'x', B: 'x' },
      { A: 'y', B: 'y' },
    ]);
    expect(computeAgreement('light_kappa', {}, units).kappa).toBe(1);
    expect(computeAgreement('davies_fleiss_kappa', {}, units).kappa).toBe(1);
    expect(computeAgreement('unitizing_alpha', {}, { ...seg, continuum: { start: 0, end: 20 } }).alpha).toBe(1);
    expect(
      computeAgreement('segment_match_f1', { iou_threshold: 0.5, label_mode: 'same', matching: 'optimal' }, seg).f1,
    ).toBe(1);
    expect(
      computeAgreement(
        'event_match_tolerance',
        { onset_tolerance: 0.05, offset_ratio: 0.2, offset_min_tolerance: 0.05, label_mode: 'same' },
        seg,
      ).f1,
    ).toBe(1);
    expect(
      computeAgreement(
        'time_sliced',
        { resolution: 5, span: [0, 20], no_label: 'category', coefficient: 'cohen_kappa' },
        seg,
      ),
    ).toMatchObject({
      value: 1,
      n_slices: 4,
      observed_agreement: 1,
      slices: { A: ['x', 'x', null, null] },
    });
    expect(computeAgreement('span_f1', { mode: 'exact', label_mode: 'same' }, text).f1).toBe(1);
    expect(computeAgreement('token_kappa', { scheme: 'IO', tokenizer: 'whitespace' }, text)).toMatchObject({
      kappa: 1,
      n_tokens: 2,
    });
  });
});

describe('ticks', () => {
  it('uses rational frame rates exactly', () => {
    // NTSC: frame k starts at k·1001/30 ms; frame 30 starts at 1001 ms.
    expect(msToFrame(1000, FPS.NTSC_30)).toBe(29);
    expect(msToFrame(1001, FPS.NTSC_30)).toBe(30);
    expect(frameToMs(30, FPS.NTSC_30)).toBe(1001);
    // 10 hours: float 29.97 would be off by frames; the rational rate is exact.
    const tenHours = 36_000_000;
    expect(msToFrame(tenHours, FPS.NTSC_30)).toBe(Math.floor((tenHours * 30000) / 1001000));
    expect(Math.floor((tenHours / 1000) * 29.97)).not.toBe(msToFrame(tenHours, FPS.NTSC_30));
    expect(msToFrame(40, FPS.PAL_25)).toBe(1);
    expect(secondsToMs(0.3)).toBe(300);
    expect(() => msToFrame(1.5, FPS.PAL_25)).toThrow(/non_integer_ticks/);
  });
});
