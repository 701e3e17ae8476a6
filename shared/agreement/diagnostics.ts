/**
 * INCEpTION-style diagnostics of a tier report: conditions under which the agreement figures are
 * unreliable or easy to misread. Codes are stable (DIAGNOSTIC_CODES); messages are for humans.
 *
 * | code                        | when                                                                  |
 * | --------------------------- | --------------------------------------------------------------------- |
 * | `single_annotator`          | fewer than two annotators have annotations on the tier                |
 * | `too_few_units`             | an annotator has fewer than `minUnits` items (while others have some) |
 * | `skewed_label_distribution` | one label holds ≥ `skewThreshold` of all items (κ/α paradox)           |
 * | `label_unused_by_annotator` | a label some annotators use is never used by others                   |
 * | `boundary_dominated`        | unmatched items ≥ `boundaryDominance` × matched items with other labels |
 * | `overlapping_segments`      | an annotator's segments overlap with different labels (no slicing)    |
 * | `unresolved_span_text`      | spans whose text (segment transcript) could not be found              |
 * | `unsupported_tier_kind`     | no agreement metric for the tier kind (boxes)                         |
 */
import type { AgreementSettings, Diagnostic, TierReport } from './report-types.ts';
import { UNLABELLED_UNIT } from './unitizing.ts';

export interface TierDiagnosticsInput {
  /** The tier report (diagnostics field ignored). */
  report: TierReport;
  settings: AgreementSettings;
  /** Annotators whose segments overlap with different labels. */
  overlapping: readonly string[];
  /** Spans dropped because their text could not be resolved. */
  unresolved: number;
  unsupported: boolean;
  /** Classes the tier allows (directly). */
  allowedLabels: number;
}

export function tierDiagnostics(input: TierDiagnosticsInput): Diagnostic[] {
  const { report, settings } = input;
  const tierId = report.tierId;
  const out: Diagnostic[] = [];
  if (input.unsupported) {
    out.push({
      code: 'unsupported_tier_kind',
      severity: 'info',
      tierId,
      message: `no agreement metric for ${report.kind} tiers`,
    });
    return out;
  }
  const active = report.annotators.filter((a) => a.units > 0);
  if (active.length < 2) {
    out.push({
      code: 'single_annotator',
      severity: 'info',
      tierId,
      message: `${active.length} annotator(s) have annotations on this tier; agreement needs two`,
      users: active.map((a) => a.userId),
    });
  }
  if (active.length > 0) {
    const few = report.annotators.filter((a) => a.units < settings.minUnits);
    if (few.length > 0) {
      out.push({
        code: 'too_few_units',
        severity: 'warning',
        tierId,
        message: `fewer than ${settings.minUnits} annotations by ${few.map((a) => a.userId).join(', ')}: figures are unstable`,
        users: few.map((a) => a.userId),
        data: { minUnits: settings.minUnits, min: Math.min(...few.map((a) => a.units)) },
      });
    }
  }

  // Pooled label distribution over annotators.
  const pooled = new Map<string, number>();
  let total = 0;
  for (const a of report.annotators) {
    for (const [l, n] of Object.entries(a.labels)) {
      pooled.set(l, (pooled.get(l) ?? 0) + n);
      total += n;
    }
  }
  const real = [...pooled.keys()].filter((l) => l !== UNLABELLED_UNIT);
  if (total > 0 && real.length > 0) {
    const [top, topN] = [...pooled.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0];
    const share = topN / total;
    // Only meaningful where annotators had a choice of labels.
    if (share >= settings.skewThreshold && top !== UNLABELLED_UNIT && (pooled.size >= 2 || input.allowedLabels >= 2)) {
      out.push({
        code: 'skewed_label_distribution',
        severity: 'warning',
        tierId,
        message: `label "${top}" covers ${(share * 100).toFixed(1)}% of the annotations: chance-corrected coefficients can be low despite high raw agreement`,
        label: top,
        data: { share },
      });
    }
  }

  if (active.length >= 2) {
    for (const l of real) {
      const never = active.filter((a) => (a.labels[l] ?? 0) === 0).map((a) => a.userId);
      if (never.length > 0 && never.length < active.length) {
        out.push({
          code: 'label_unused_by_annotator',
          severity: 'warning',
          tierId,
          message: `label "${l}" is never used by ${never.join(', ')}`,
          label: l,
          users: never,
        });
      }
    }
    let boundary = 0;
    let label = 0;
    for (const p of report.pairs) {
      boundary += p.boundaryDisagreements;
      label += p.labelDisagreements;
    }
    if (pooled.size >= 2 && boundary > 0 && boundary >= settings.boundaryDominance * label) {
      out.push({
        code: 'boundary_dominated',
        severity: 'info',
        tierId,
        message: `disagreement is mostly about where annotations are (${boundary} unmatched) rather than their labels (${label} matched with another label)`,
        data: { boundary, label },
      });
    }
  }
  if (input.overlapping.length > 0) {
    out.push({
      code: 'overlapping_segments',
      severity: 'warning',
      tierId,
      message: `overlapping segments with different labels by ${input.overlapping.join(', ')}: time-sliced figures are not defined for them`,
      users: [...input.overlapping],
    });
  }
  if (input.unresolved > 0) {
    out.push({
      code: 'unresolved_span_text',
      severity: 'warning',
      tierId,
      message: `${input.unresolved} span(s) refer to a text that could not be found and were left out`,
      data: { spans: input.unresolved },
    });
  }
  return out;
}
