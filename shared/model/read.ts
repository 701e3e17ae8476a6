/**
 * Tolerant reading of annotations out of a Y.Doc. A CRDT document holds whatever any client wrote
 * (an old version, a buggy build, a hostile peer), so reading never throws: a value that cannot
 * be an annotation is skipped with an issue, and a bad secondary field is defaulted with an issue.
 */
import * as Y from 'yjs';
import { SOURCES } from './annotation.ts';
import type { Annotation, Provenance, Relation, Source } from './annotation.ts';
import { issue, isId } from './issues.ts';
import type { ValidationIssue } from './issues.ts';
import type { AttributeValue } from './taxonomy.ts';
import { coreIssues, isAttributeValue, provenanceIssues, relationIssues, softIssues } from './validate.ts';

/** Result of reading one entry: `annotation` is null when the entry is unusable. */
export interface ReadResult {
  annotation: Annotation | null;
  issues: ValidationIssue[];
}

/** Plain-JSON view of an annotation map (nested Y types flattened; Y.Text becomes its string). */
export function mapToRecord(m: Y.Map<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // forEach visits the same live entries as entries(), in the same order, without an iterator.
  m.forEach((v, k) => {
    out[k] = v instanceof Y.AbstractType ? v.toJSON() : v;
  });
  return out;
}

const prefixed = (key: string, issues: ValidationIssue[]): ValidationIssue[] =>
  issues.map((i) => issue(i.code, `annotations.${key}${i.path === '' ? '' : `.${i.path}`}`, i.message));

/**
 * Reads the entry stored under `key` in the annotations map. Never throws. Issue paths are
 * `annotations.<key>.<field>`.
 */
export function readAnnotation(value: unknown, key: string): ReadResult {
  if (!(value instanceof Y.Map))
    return { annotation: null, issues: [issue('malformed', `annotations.${key}`, 'entry is not a map')] };
  const rec = mapToRecord(value);
  const issues: ValidationIssue[] = [];
  // The map key is what everyone addresses the annotation by, so it wins over a stored id.
  if (rec.id !== key) issues.push(issue('id_mismatch', 'id', `stored id "${String(rec.id)}" differs from its key`));
  rec.id = key;
  const core = coreIssues(rec);
  if (core.length > 0) return { annotation: null, issues: prefixed(key, [...issues, ...core]) };
  issues.push(...softIssues(rec));
  return { annotation: sanitize(rec), issues: prefixed(key, issues) };
}

/**
 * The annotation of the entry stored under `key`, or null when it is unusable: exactly
 * `readAnnotation(value, key).annotation`, without collecting the issues (for listing). Never
 * throws.
 */
export function readSnapshot(value: unknown, key: string): Annotation | null {
  if (!(value instanceof Y.Map)) return null;
  const rec = mapToRecord(value);
  rec.id = key;
  // Soft issues never make an entry unreadable (sanitize defaults those fields).
  return coreIssues(rec).length > 0 ? null : sanitize(rec);
}

/**
 * Builds a typed annotation from a record that passed the core checks, defaulting bad fields.
 *
 * Snapshots are object literals with one fixed field order per kind (common fields, then
 * `kind`, then the kind's fields): readers such as the agreement report touch every field of
 * tens of thousands of snapshots, and objects built by spreading a shared part get slow,
 * unshared shapes in V8.
 */
export function sanitize(rec: Record<string, unknown>): Annotation {
  const attributes: Record<string, AttributeValue> = {};
  const rawAttributes = rec.attributes;
  if (typeof rawAttributes === 'object' && rawAttributes !== null && !Array.isArray(rawAttributes))
    for (const k of Object.keys(rawAttributes)) {
      const v = (rawAttributes as Record<string, unknown>)[k];
      if (isAttributeValue(v)) attributes[k] = v;
    }
  const relations: Relation[] = [];
  if (Array.isArray(rec.relations))
    for (let i = 0; i < rec.relations.length; i++) {
      const r = rec.relations[i] as Relation;
      if (relationIssues(r, i, rec.id).length === 0) relations.push({ type: r.type, targetId: r.targetId });
    }
  const id = rec.id as string;
  const tierId = rec.tierId as string;
  const label = isId(rec.label) ? rec.label : null;
  const entityId = isId(rec.entityId) ? rec.entityId : null;
  // An unknown source is most likely a newer client's value; 'human' is the create default.
  const source: Source = SOURCES.includes(rec.source as Source) ? (rec.source as Source) : 'human';
  const conf = rec.confidence;
  const confidence = typeof conf === 'number' && Number.isFinite(conf) && conf >= 0 && conf <= 1 ? conf : null;
  const author = typeof rec.author === 'string' ? rec.author : '';
  const createdAt = Number.isFinite(rec.createdAt) ? (rec.createdAt as number) : 0;
  const updatedAt = Number.isFinite(rec.updatedAt) ? (rec.updatedAt as number) : 0;
  const provenance = readProvenance(rec.provenance);
  switch (rec.kind) {
    case 'segment':
      return {
        id,
        tierId,
        label,
        attributes,
        entityId,
        relations,
        source,
        confidence,
        author,
        createdAt,
        updatedAt,
        provenance,
        kind: 'segment',
        start: rec.start as number,
        end: rec.end as number,
        text: typeof rec.text === 'string' ? rec.text : '',
      };
    case 'event':
      return {
        id,
        tierId,
        label,
        attributes,
        entityId,
        relations,
        source,
        confidence,
        author,
        createdAt,
        updatedAt,
        provenance,
        kind: 'event',
        start: rec.start as number,
      };
    case 'span':
      return {
        id,
        tierId,
        label,
        attributes,
        entityId,
        relations,
        source,
        confidence,
        author,
        createdAt,
        updatedAt,
        provenance,
        kind: 'span',
        startOffset: rec.startOffset as number,
        endOffset: rec.endOffset as number,
        textAnnotationId: typeof rec.textAnnotationId === 'string' ? rec.textAnnotationId : null,
        mediaId: typeof rec.mediaId === 'string' ? rec.mediaId : null,
      };
    default: {
      const b = rec.box as { x: number; y: number; w: number; h: number };
      return {
        id,
        tierId,
        label,
        attributes,
        entityId,
        relations,
        source,
        confidence,
        author,
        createdAt,
        updatedAt,
        provenance,
        kind: 'box',
        start: rec.start as number,
        end: rec.end as number,
        box: { x: b.x, y: b.y, w: b.w, h: b.h },
      };
    }
  }
}

/** A copy of a valid provenance value, or null (absent or unusable: readers never throw). */
export function readProvenance(v: unknown): Provenance | null {
  if (v === undefined || v === null || provenanceIssues(v).length > 0) return null;
  const p = v as Provenance;
  return {
    decision: p.decision,
    sources: p.sources.map((s) => ({ layerId: s.layerId, annotationId: s.annotationId, userId: s.userId ?? null })),
    adjudicator: p.adjudicator,
    decidedAt: p.decidedAt,
    disagreement: p.disagreement ?? null,
  };
}
