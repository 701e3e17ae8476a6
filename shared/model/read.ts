/**
 * Tolerant reading of annotations out of a Y.Doc. A CRDT document holds whatever any client wrote
 * (an old version, a buggy build, a hostile peer), so reading never throws: a value that cannot
 * be an annotation is skipped with an issue, and a bad secondary field is defaulted with an issue.
 */
import * as Y from 'yjs';
import { SOURCES } from './annotation.ts';
import type { Annotation, Relation, Source } from './annotation.ts';
import { issue, isId } from './issues.ts';
import type { ValidationIssue } from './issues.ts';
import type { AttributeValue } from './taxonomy.ts';
import { coreIssues, isAttributeValue, relationIssues, softIssues } from './validate.ts';

/** Result of reading one entry: `annotation` is null when the entry is unusable. */
export interface ReadResult {
  annotation: Annotation | null;
  issues: ValidationIssue[];
}

/** Plain-JSON view of an annotation map (nested Y types flattened; Y.Text becomes its string). */
export function mapToRecord(m: Y.Map<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of m.entries()) out[k] = v instanceof Y.AbstractType ? v.toJSON() : v;
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

/** Builds a typed annotation from a record that passed the core checks, defaulting bad fields. */
export function sanitize(rec: Record<string, unknown>): Annotation {
  const attributes: Record<string, AttributeValue> = {};
  if (typeof rec.attributes === 'object' && rec.attributes !== null && !Array.isArray(rec.attributes))
    for (const [k, v] of Object.entries(rec.attributes)) if (isAttributeValue(v)) attributes[k] = v;
  const relations: Relation[] = Array.isArray(rec.relations)
    ? rec.relations
        .filter((r, i) => relationIssues(r, i, rec.id).length === 0)
        .map((r: Relation) => ({ type: r.type, targetId: r.targetId }))
    : [];
  const conf = rec.confidence;
  const common = {
    id: rec.id as string,
    tierId: rec.tierId as string,
    label: isId(rec.label) ? rec.label : null,
    attributes,
    entityId: isId(rec.entityId) ? rec.entityId : null,
    relations,
    // An unknown source is most likely a newer client's value; 'human' is the create default.
    source: SOURCES.includes(rec.source as Source) ? (rec.source as Source) : 'human',
    confidence: typeof conf === 'number' && Number.isFinite(conf) && conf >= 0 && conf <= 1 ? conf : null,
    author: typeof rec.author === 'string' ? rec.author : '',
    createdAt: Number.isFinite(rec.createdAt) ? (rec.createdAt as number) : 0,
    updatedAt: Number.isFinite(rec.updatedAt) ? (rec.updatedAt as number) : 0,
  };
  switch (rec.kind) {
    case 'segment':
      return {
        ...common,
        kind: 'segment',
        start: rec.start as number,
        end: rec.end as number,
        text: typeof rec.text === 'string' ? rec.text : '',
      };
    case 'event':
      return { ...common, kind: 'event', start: rec.start as number };
    case 'span':
      return {
        ...common,
        kind: 'span',
        startOffset: rec.startOffset as number,
        endOffset: rec.endOffset as number,
        textAnnotationId: typeof rec.textAnnotationId === 'string' ? rec.textAnnotationId : null,
        mediaId: typeof rec.mediaId === 'string' ? rec.mediaId : null,
      };
    default: {
      const b = rec.box as { x: number; y: number; w: number; h: number };
      return {
        ...common,
        kind: 'box',
        start: rec.start as number,
        end: rec.end as number,
        box: { x: b.x, y: b.y, w: b.w, h: b.h },
      };
    }
  }
}
