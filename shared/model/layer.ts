/**
 * LayerDoc: typed accessors over one layer's Y.Doc (everything one annotator marked on one task).
 *
 * Layout (a wire format, see README.md): top-level Y.Map `annotations`, annotation id → Y.Map of
 * fields. One Y.Map per annotation (not one JSON value) so that concurrent edits of different
 * fields of the same annotation (one moves the end, another sets the label) both survive.
 */
import * as Y from 'yjs';
import { COMMON_FIELDS, IMMUTABLE_FIELDS, KIND_FIELDS } from './annotation.ts';
import type { Annotation, AnnotationInput, AnnotationPatch, Relation } from './annotation.ts';
import { issue, newId, throwIfIssues } from './issues.ts';
import type { ValidationIssue } from './issues.ts';
import { mapToRecord, readAnnotation, readProvenance, readSnapshot } from './read.ts';
import { contextIssues, isKind, relationIssues, validateAnnotation } from './validate.ts';
import type { LayerContext, LayerRefs } from './validate.ts';

/** Top-level Y.Map of annotations. */
export const LAYER_ANNOTATIONS = 'annotations';
/** Top-level Y.Map of document metadata (`schema`: layout version). */
export const LAYER_META = 'meta';
export const LAYER_SCHEMA_VERSION = 1;

/** What changed in one transaction, as seen by `observe`. */
export interface LayerChange {
  /** Ids of annotations created, changed or deleted. */
  ids: string[];
  /** True when the transaction was made on this Y.Doc (not applied from a peer). */
  local: boolean;
  /** The origin passed to the mutation (or to Y.applyUpdate). */
  origin: unknown;
}

export interface ListFilter {
  tierId?: string;
}

/** Fields a patch may set on an annotation of each kind. */
function patchableFields(kind: keyof typeof KIND_FIELDS): Set<string> {
  return new Set([...COMMON_FIELDS, ...KIND_FIELDS[kind]].filter((f) => !IMMUTABLE_FIELDS.includes(f)));
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export class LayerDoc {
  readonly doc: Y.Doc;
  private readonly annotations: Y.Map<unknown>;
  private readonly refs: LayerRefs;

  /** Wraps an existing Y.Doc (e.g. one a provider syncs) or a fresh one. */
  constructor(doc: Y.Doc = new Y.Doc()) {
    this.doc = doc;
    this.annotations = doc.getMap(LAYER_ANNOTATIONS);
    this.refs = {
      exists: (id) => this.annotations.has(id),
      textLength: (id) => this.text(id)?.length ?? null,
    };
  }

  /**
   * Validates and adds an annotation; returns its snapshot. Throws ModelValidationError (and
   * writes nothing) when the input is rejected. `origin` is passed to the Yjs transaction.
   */
  create(input: AnnotationInput, ctx: LayerContext, origin?: unknown): Annotation {
    const raw = input as unknown as Record<string, unknown>;
    const issues: ValidationIssue[] = [];
    if (isKind(raw.kind)) {
      const allowed = new Set<string>([...COMMON_FIELDS, ...KIND_FIELDS[raw.kind]]);
      for (const [k, v] of Object.entries(raw))
        if (v !== undefined && (!allowed.has(k) || k === 'createdAt' || k === 'updatedAt'))
          issues.push(issue('unexpected_field', k, `a ${raw.kind} annotation has no field "${k}"`));
    }
    const now = ctx.now();
    const rec: Record<string, unknown> = {
      label: null,
      attributes: {},
      entityId: null,
      relations: [],
      source: 'human',
      confidence: null,
      ...(raw.kind === 'segment' ? { text: '' } : {}),
      ...(raw.kind === 'span' ? { textAnnotationId: null, mediaId: null } : {}),
      ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
      id: raw.id ?? newId(),
      author: raw.author ?? ctx.author,
      createdAt: now,
      updatedAt: now,
    };
    if (typeof rec.id === 'string' && this.annotations.has(rec.id))
      issues.push(issue('duplicate_id', 'id', `annotation "${rec.id}" already exists`));
    issues.push(...validateAnnotation(rec, ctx, this.refs));
    throwIfIssues(issues);

    const id = rec.id as string;
    this.doc.transact(() => {
      const meta = this.doc.getMap(LAYER_META);
      if (meta.get('schema') === undefined) meta.set('schema', LAYER_SCHEMA_VERSION);
      const m = new Y.Map<unknown>();
      this.annotations.set(id, m);
      for (const [k, v] of Object.entries(rec)) m.set(k, toYValue(k, v));
    }, origin);
    return this.get(id) as Annotation;
  }

  /**
   * Validates the patched annotation as a whole and writes only the patched fields, so a
   * concurrent patch of other fields merges. References (relations, text, entity) are checked only
   * when the patch changes them: a target deleted by a peer must not block moving a boundary.
   */
  update(id: string, patch: AnnotationPatch, ctx: LayerContext, origin?: unknown): Annotation {
    const m = this.entry(id);
    const stored = mapToRecord(m);
    // Validate against the sanitised form: a field a peer garbled is defaulted, so it does not
    // block unrelated patches (core damage still does, unless the patch repairs it).
    const readable = readAnnotation(m, id).annotation;
    const current = readable !== null ? (readable as unknown as Record<string, unknown>) : stored;
    const raw = patch as unknown as Record<string, unknown>;
    const issues: ValidationIssue[] = [];
    const patchable = isKind(current.kind) ? patchableFields(current.kind) : new Set<string>();
    const given = Object.entries(raw).filter(([, v]) => v !== undefined);
    for (const [k] of given) {
      if (IMMUTABLE_FIELDS.includes(k)) issues.push(issue('immutable_field', k, `"${k}" cannot be changed`));
      else if (!patchable.has(k))
        issues.push(issue('unexpected_field', k, `a ${String(current.kind)} annotation has no field "${k}"`));
    }
    if (raw.attributes !== undefined && (typeof raw.attributes !== 'object' || raw.attributes === null))
      issues.push(issue('invalid_value', 'attributes', 'attributes must be an object'));
    throwIfIssues(issues);

    const candidate: Record<string, unknown> = { ...current, ...Object.fromEntries(given), updatedAt: ctx.now() };
    if (raw.attributes !== undefined) {
      const merged: Record<string, unknown> = { ...((current.attributes ?? {}) as Record<string, unknown>) };
      for (const [k, v] of Object.entries(raw.attributes as Record<string, unknown>))
        if (v === null) delete merged[k];
        else merged[k] = v;
      candidate.attributes = merged;
    }
    const touches = (...fields: string[]): boolean => fields.some((f) => raw[f] !== undefined);
    throwIfIssues(
      validateAnnotation(candidate, ctx, this.refs, {
        relations: touches('relations'),
        textRef: touches('textAnnotationId', 'mediaId', 'startOffset', 'endOffset'),
        entity: touches('entityId'),
      }),
    );

    this.doc.transact(() => {
      for (const [k, v] of given) {
        if (k === 'attributes') {
          const attrs = ensureMap(m, 'attributes');
          for (const [ak, av] of Object.entries(v as Record<string, unknown>))
            if (av === null) attrs.delete(ak);
            else if (attrs.get(ak) !== av) attrs.set(ak, av);
        } else if (k === 'text' && m.get('text') instanceof Y.Text) {
          const t = m.get('text') as Y.Text;
          if (t.toString() !== v) {
            t.delete(0, t.length);
            t.insert(0, v as string);
          }
        } else if (k === 'relations' && m.get('relations') instanceof Y.Array) {
          const arr = m.get('relations') as Y.Array<unknown>;
          arr.delete(0, arr.length);
          arr.push((v as Relation[]).map((r) => ({ type: r.type, targetId: r.targetId })));
        } else if (!sameJson(stored[k], v)) m.set(k, toYValue(k, v));
      }
      m.set('updatedAt', candidate.updatedAt);
    }, origin);
    return this.get(id) as Annotation;
  }

  /**
   * Removes an annotation and, in the same transaction, the relations of other annotations that
   * point at it. Spans whose text was this segment are kept (their text reference dangles and
   * `audit` reports it): deleting a transcript line should not silently delete someone's labels.
   */
  delete(id: string, origin?: unknown): void {
    this.entry(id);
    this.doc.transact(() => {
      this.annotations.delete(id);
      for (const v of this.annotations.values()) {
        const rels = v instanceof Y.Map ? v.get('relations') : undefined;
        if (!(rels instanceof Y.Array)) continue;
        const items = rels.toArray() as unknown[];
        for (let i = items.length - 1; i >= 0; i--)
          if ((items[i] as Partial<Relation> | null)?.targetId === id) rels.delete(i, 1);
      }
    }, origin);
  }

  /** Adds one relation (concurrent additions by different users both survive). */
  addRelation(id: string, relation: Relation, ctx: LayerContext, origin?: unknown): Annotation {
    const m = this.entry(id);
    const existing = (mapToRecord(m).relations ?? []) as Relation[];
    const issues = relationIssues(relation, existing.length, id);
    if (issues.length === 0 && !this.annotations.has(relation.targetId))
      issues.push(issue('unknown_relation_target', 'relations', `no annotation "${relation.targetId}" in this layer`));
    if (issues.length === 0 && existing.some((r) => r.type === relation.type && r.targetId === relation.targetId))
      issues.push(issue('duplicate_relation', 'relations', 'this relation exists already'));
    throwIfIssues(issues);
    this.doc.transact(() => {
      ensureArray(m, 'relations').push([{ type: relation.type, targetId: relation.targetId }]);
      m.set('updatedAt', ctx.now());
    }, origin);
    return this.get(id) as Annotation;
  }

  /** Removes every relation equal to `relation`; returns how many were removed. */
  removeRelation(id: string, relation: Relation, ctx: LayerContext, origin?: unknown): number {
    const m = this.entry(id);
    const rels = m.get('relations');
    if (!(rels instanceof Y.Array)) return 0;
    const items = rels.toArray() as (Partial<Relation> | null)[];
    const hits = items.flatMap((r, i) => (r?.type === relation.type && r?.targetId === relation.targetId ? [i] : []));
    if (hits.length === 0) return 0;
    this.doc.transact(() => {
      for (const i of hits.reverse()) rels.delete(i, 1);
      m.set('updatedAt', ctx.now());
    }, origin);
    return hits.length;
  }

  /** Snapshot of one annotation, or null when absent or unreadable. */
  get(id: string): Annotation | null {
    if (!this.annotations.has(id)) return null;
    return readAnnotation(this.annotations.get(id), id).annotation;
  }

  /**
   * Snapshots of all readable annotations, optionally of one tier, ordered by position (start
   * time, or start offset for spans) then id: Y.Map iteration order depends on the order updates
   * arrived in, and peers must list the same document the same way.
   */
  list(filter: ListFilter = {}): Annotation[] {
    const out: Annotation[] = [];
    const tierId = filter.tierId;
    this.annotations.forEach((v, id) => {
      const a = readSnapshot(v, id);
      if (a !== null && (tierId === undefined || a.tierId === tierId)) out.push(a);
    });
    // Sort keys computed once (a position and the id per annotation), not per comparison.
    const pos = new Float64Array(out.length);
    const order = new Array<number>(out.length);
    for (let i = 0; i < out.length; i++) {
      const a = out[i];
      pos[i] = a.kind === 'span' ? a.startOffset : a.start;
      order[i] = i;
    }
    order.sort((x, y) => pos[x] - pos[y] || (out[x].id < out[y].id ? -1 : out[x].id > out[y].id ? 1 : 0));
    return order.map((i) => out[i]);
  }

  /** The live Y.Text of a segment (bind it to an editor), or null. */
  text(id: string): Y.Text | null {
    const m = this.annotations.get(id);
    const t = m instanceof Y.Map ? m.get('text') : undefined;
    return t instanceof Y.Text ? t : null;
  }

  /** Calls `cb` after every transaction that touches annotations; returns the unsubscribe. */
  observe(cb: (change: LayerChange) => void): () => void {
    const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[], txn: Y.Transaction): void => {
      const ids = new Set<string>();
      for (const e of events) {
        if (e.target === this.annotations) for (const k of e.changes.keys.keys()) ids.add(k);
        else if (typeof e.path[0] === 'string') ids.add(e.path[0]);
      }
      if (ids.size > 0) cb({ ids: [...ids].sort(), local: txn.local, origin: txn.origin });
    };
    this.annotations.observeDeep(handler);
    return () => this.annotations.unobserveDeep(handler);
  }

  /**
   * Every problem in the document, without throwing: unreadable entries, defaulted fields, and
   * context violations of readable ones (a label since removed from the tier, a dangling
   * reference). For the server to report, and for QA views to flag.
   */
  audit(ctx: Omit<LayerContext, 'now' | 'author'>): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    for (const [id, v] of this.annotations.entries()) {
      const { annotation, issues } = readAnnotation(v, id);
      out.push(...issues);
      if (annotation === null) continue;
      for (const i of contextIssues(annotation as unknown as Record<string, unknown>, ctx, this.refs))
        out.push(issue(i.code, `annotations.${id}.${i.path}`, i.message));
    }
    return out;
  }

  /** The Y.Map of an annotation; throws not_found when absent or not a map. */
  private entry(id: string): Y.Map<unknown> {
    const m = this.annotations.get(id);
    if (!(m instanceof Y.Map)) throwIfIssues([issue('not_found', 'id', `no annotation "${id}"`)]);
    return m as Y.Map<unknown>;
  }
}

/** Stored form of a field: nested Y types where concurrent edits must merge, plain JSON otherwise. */
function toYValue(field: string, value: unknown): unknown {
  if (field === 'attributes') return new Y.Map(Object.entries(value as Record<string, unknown>));
  if (field === 'relations')
    return Y.Array.from((value as Relation[]).map((r) => ({ type: r.type, targetId: r.targetId })));
  if (field === 'text') return new Y.Text(value as string);
  // Provenance is one plain value: a decision is replaced as a whole (see annotation.ts).
  if (field === 'provenance') return readProvenance(value);
  // The box is one plain value on purpose: x, y, w, h only make sense together (last writer wins).
  if (field === 'box') {
    const b = value as { x: number; y: number; w: number; h: number };
    return { x: b.x, y: b.y, w: b.w, h: b.h };
  }
  return value;
}

/** A nested Y.Map field, created when a malformed peer left it missing or of the wrong type. */
function ensureMap(m: Y.Map<unknown>, field: string): Y.Map<unknown> {
  const v = m.get(field);
  if (v instanceof Y.Map) return v;
  const fresh = new Y.Map<unknown>();
  m.set(field, fresh);
  return fresh;
}

function ensureArray(m: Y.Map<unknown>, field: string): Y.Array<unknown> {
  const v = m.get(field);
  if (v instanceof Y.Array) return v;
  const fresh = new Y.Array<unknown>();
  m.set(field, fresh);
  return fresh;
}
