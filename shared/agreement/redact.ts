/**
 * Visibility filtering of task reports. Who may see what (blind mode, roles) is the caller's
 * decision; this removes from a report everything about annotators the viewer may not see.
 *
 *  - per-annotator figures (annotator lists, per-label counts) of hidden users are removed;
 *  - a pair is kept only when both annotators are visible; an annotator-vs-gold pair when the
 *    annotator is visible (and `includeGold` is not false);
 *  - aggregates over annotators (headlines, tier summaries, per-label and attribute
 *    coefficients, pooled confusion) are kept only when every annotator of the tier is
 *    visible, unless `keepAggregates` — with two annotators an aggregate *is* the other's figure;
 *    otherwise they become null with reason `redacted`;
 *  - diagnostics naming hidden users keep only visible ones (dropped when none remain), with a
 *    message that names nobody.
 *
 * The input is not modified.
 */
import type {
  AnnotatorSummary,
  Diagnostic,
  Figure,
  LabelReport,
  TaskReport,
  TierReport,
  TierSummary,
} from './report-types.ts';
import { NO_MATCH } from './report-types.ts';

export interface RedactOptions {
  /** Keep aggregates over annotators even when some are hidden (default false). */
  keepAggregates?: boolean;
  /** Keep annotator-vs-gold figures of visible annotators (default true). */
  includeGold?: boolean;
}

const REDACTED: Figure = { value: null, reason: 'redacted' };

function redactFigure<T extends Figure | undefined>(f: T): T {
  return (f === undefined ? undefined : { ...REDACTED }) as T;
}

function redactSummary(s: TierSummary): TierSummary {
  const out: TierSummary = { ...s, meanF1: null, meanBoundaryF1: null, labelAlpha: { ...REDACTED } };
  for (const k of ['sliceAlpha', 'sliceFleiss', 'unitizingAlpha', 'tokenAlpha'] as const) out[k] = redactFigure(s[k]);
  for (const k of ['sliceAgreement', 'meanIou', 'meanTokenKappa', 'meanWer'] as const) if (k in s) out[k] = null;
  return out;
}

function redactDiagnostic(d: Diagnostic, visible: ReadonlySet<string>): Diagnostic | null {
  if (!d.users) return d;
  const users = d.users.filter((u) => visible.has(u));
  if (users.length === d.users.length) return d;
  if (users.length === 0) return null;
  const label = d.label !== undefined ? ` "${d.label}"` : '';
  return { ...d, users, message: `${d.code.replaceAll('_', ' ')}${label} (some annotators hidden)` };
}

function redactTier(t: TierReport, visible: ReadonlySet<string>, options: RedactOptions): TierReport {
  const keepAll = options.keepAggregates === true || t.raters.every((u) => visible.has(u));
  const includeGold = options.includeGold !== false;
  const goldVisible = includeGold && t.gold !== null;
  const labels: LabelReport[] = t.labels.map((l) => {
    const counts: Record<string, number> = {};
    for (const [u, n] of Object.entries(l.counts)) if (visible.has(u) || (goldVisible && u === t.gold)) counts[u] = n;
    if (keepAll) return { ...l, counts };
    const out: LabelReport = { ...l, counts, total: Object.values(counts).reduce((s, n) => s + n, 0), f1: null };
    if (l.sliceAlpha) out.sliceAlpha = { ...REDACTED };
    if (l.unitizingAlpha) out.unitizingAlpha = { ...REDACTED };
    if (l.tokenAlpha) out.tokenAlpha = { ...REDACTED };
    return out;
  });
  return {
    ...t,
    raters: t.raters.filter((u) => visible.has(u)),
    gold: includeGold ? t.gold : null,
    headline: keepAll ? t.headline : { ...t.headline, ...REDACTED },
    summary: keepAll ? t.summary : redactSummary(t.summary),
    annotators: t.annotators
      .filter((a) => visible.has(a.userId))
      .map((a) => (includeGold ? a : { ...a, vsGold: null })),
    labels,
    attributes: keepAll ? t.attributes : t.attributes.map((a) => ({ ...a, alpha: { ...REDACTED } })),
    pairs: t.pairs.filter((p) => visible.has(p.a) && visible.has(p.b)),
    vsGold: includeGold ? t.vsGold.filter((p) => visible.has(p.b)) : [],
    confusion: keepAll ? t.confusion : { labels: [NO_MATCH], counts: [[0]] },
    diagnostics: t.diagnostics.flatMap((d) => {
      const r = redactDiagnostic(d, visible);
      return r ? [r] : [];
    }),
  };
}

/** The report as seen by a viewer who may see the annotators `visibleUserIds` (see module doc). */
export function redactReport(
  report: TaskReport,
  visibleUserIds: Iterable<string>,
  options: RedactOptions = {},
): TaskReport {
  const visible = new Set(visibleUserIds);
  const keepAll = options.keepAggregates === true || report.annotators.every((u) => visible.has(u));
  const includeGold = options.includeGold !== false;
  const annotatorSummary: AnnotatorSummary[] = report.annotatorSummary
    .filter((a) => visible.has(a.userId))
    .map((a) => (includeGold ? a : { ...a, vsGold: null }));
  return {
    ...report,
    annotators: report.annotators.filter((u) => visible.has(u)),
    gold: includeGold ? report.gold : null,
    headline: keepAll ? report.headline : { ...REDACTED },
    tiers: report.tiers.map((t) => redactTier(t, visible, options)),
    annotatorSummary,
  };
}
