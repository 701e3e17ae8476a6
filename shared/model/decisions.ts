/**
 * Adjudication decisions that leave nothing in gold: a reviewer rejecting a disagreement (every
 * version is wrong, or the region needs no annotation). Kept in the gold layer's own document, in
 * the top-level Y.Map `decisions` (disagreement key → one plain value), so that the rejection
 * syncs and persists with the gold it belongs to and stays auditable. Decisions that do put
 * something in gold live on the annotation itself (`provenance`, see annotation.ts).
 *
 * Who may write it: only those who may write the gold document at all (reviewers and managers,
 * server/access/policy.ts). The per-tier write guard (touched-tiers.ts) attributes writes outside
 * `annotations` to no tier, so a reviewer whose tier rights are restricted can still record a
 * rejection on another tier; it only hides a disagreement, it changes no gold annotation.
 */
import type * as Y from 'yjs';
import type { ProvenanceSource } from './annotation.ts';
import { issue, isId, throwIfIssues } from './issues.ts';
import type { ValidationIssue } from './issues.ts';

/** Top-level Y.Map of the gold layer: disagreement key → Rejection. */
export const LAYER_DECISIONS = 'decisions';

export interface Rejection {
  decision: 'rejected';
  /** Key of the disagreement (shared/adjudication), equal to the map key. */
  key: string;
  tierId: string;
  /** Extent of the disagreement on the timeline (s), for the audit trail. */
  start: number;
  end: number;
  /** The annotator annotations that were rejected. */
  sources: ProvenanceSource[];
  adjudicator: string;
  decidedAt: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isShort = (v: unknown): v is string => typeof v === 'string' && v !== '' && v.length <= 256;

/** Issues of a rejection record (code `invalid_decision`). */
export function rejectionIssues(r: unknown): ValidationIssue[] {
  const bad = (path: string, message: string) => [issue('invalid_decision', path, message)];
  if (!isRecord(r) || r.decision !== 'rejected') return bad('decision', 'a decision record must be a rejection');
  if (!isShort(r.key)) return bad('key', 'key must be a disagreement key');
  if (!isId(r.tierId)) return bad('tierId', 'tierId must be a tier id');
  if (!Number.isFinite(r.start) || !Number.isFinite(r.end) || (r.end as number) < (r.start as number))
    return bad('start', 'start and end must be seconds with end ≥ start');
  if (!Array.isArray(r.sources) || r.sources.length === 0 || r.sources.length > 64)
    return bad('sources', 'sources must list 1–64 annotations');
  for (const [i, s] of r.sources.entries())
    if (!isRecord(s) || !isId(s.layerId) || !isId(s.annotationId) || !(s.userId === null || isShort(s.userId)))
      return bad(`sources[${i}]`, 'a source needs a layerId, an annotationId and a userId (or null)');
  if (!isShort(r.adjudicator)) return bad('adjudicator', 'adjudicator must be a user id');
  if (!Number.isFinite(r.decidedAt)) return bad('decidedAt', 'decidedAt must be ms since the epoch');
  return [];
}

/** The rejections recorded in a gold layer document, by key (unreadable entries skipped). */
export function readRejections(doc: Y.Doc): Map<string, Rejection> {
  const out = new Map<string, Rejection>();
  doc.getMap(LAYER_DECISIONS).forEach((v, k) => {
    if (rejectionIssues(v).length === 0 && (v as Rejection).key === k) out.set(k, copy(v as Rejection));
  });
  return out;
}

/** Records a rejection (replacing one under the same key); throws ModelValidationError when invalid. */
export function recordRejection(doc: Y.Doc, rejection: Rejection, origin?: unknown): void {
  throwIfIssues(rejectionIssues(rejection));
  doc.transact(() => doc.getMap(LAYER_DECISIONS).set(rejection.key, copy(rejection)), origin);
}

/** Withdraws a rejection: the disagreement is open again. */
export function withdrawRejection(doc: Y.Doc, key: string, origin?: unknown): void {
  const m = doc.getMap(LAYER_DECISIONS);
  if (m.has(key)) doc.transact(() => m.delete(key), origin);
}

/** Calls `cb` after every transaction that changes the decisions; returns the unsubscribe. */
export function observeDecisions(doc: Y.Doc, cb: () => void): () => void {
  const m = doc.getMap(LAYER_DECISIONS);
  const handler = (): void => cb();
  m.observe(handler);
  return () => m.unobserve(handler);
}

function copy(r: Rejection): Rejection {
  return {
    decision: 'rejected',
    key: r.key,
    tierId: r.tierId,
    start: r.start,
    end: r.end,
    sources: r.sources.map((s) => ({ layerId: s.layerId, annotationId: s.annotationId, userId: s.userId ?? null })),
    adjudicator: r.adjudicator,
    decidedAt: r.decidedAt,
  };
}
