/**
 * Annotation validation on loose records (`Record<string, unknown>`): inputs arrive from REST
 * JSON, importers and remote peers, so nothing about their types can be assumed. Three groups:
 * core checks (without them the value is not an annotation at all), soft checks (a bad field can
 * be dropped or defaulted) and context checks (tiers, taxonomy, media, references).
 */
import { GOLD_DECISIONS, REQUIRED_KIND_FIELDS, SOURCES } from './annotation.ts';
import { issue, isId } from './issues.ts';
import type { ValidationIssue } from './issues.ts';
import { isAllowed, labelAttributeIds } from './taxonomy.ts';
import type { AttributeDef, AttributeValue, Taxonomy } from './taxonomy.ts';
import { ANNOTATION_KINDS } from './tier.ts';
import type { AnnotationKind, Tier } from './tier.ts';

/** What annotation validation needs to know about the project, task and writer. */
export interface LayerContext {
  tiers: readonly Tier[];
  taxonomy: Taxonomy;
  /** Length of the task timeline in seconds; null while unknown (media not probed yet). */
  mediaDuration: number | null;
  /** Clock for createdAt/updatedAt (ms epoch); injectable for tests. */
  now(): number;
  /** User id written as author of new annotations. */
  author: string;
  /** Entity ids of the task document; when given, entityId must be one of them. */
  entityIds?: ReadonlySet<string>;
  /** Length (UTF-16 units) of a text media file; null/absent when unknown. */
  textLength?: (mediaId: string) => number | null;
}

/** Lookups into the layer being edited, for reference checks. */
export interface LayerRefs {
  exists(annotationId: string): boolean;
  /** Length of the annotation's Y.Text, or null when it has none. */
  textLength(annotationId: string): number | null;
}

/** Which references to check: on update, only references the patch changes (see layer.ts). */
export interface RefChecks {
  relations: boolean;
  textRef: boolean;
  entity: boolean;
}

export const ALL_REFS: RefChecks = { relations: true, textRef: true, entity: true };

/** Bound on free-text fields that are identifiers in disguise (author, relation type). */
const MAX_SHORT = 256;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `kind` is a known annotation kind. */
export function isKind(kind: unknown): kind is AnnotationKind {
  return ANNOTATION_KINDS.includes(kind as AnnotationKind);
}

/**
 * Core checks: id, kind, tierId and the kind's geometry (times, offsets, text reference, box).
 * A record failing any of these cannot be shown on a timeline, so readers drop it.
 */
export function coreIssues(c: Record<string, unknown>): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (!isId(c.id)) out.push(issue('invalid_id', 'id', 'id must be 1–128 characters of [A-Za-z0-9_.:-]'));
  if (typeof c.tierId !== 'string' || c.tierId === '') out.push(issue('invalid_value', 'tierId', 'tierId is missing'));
  if (!isKind(c.kind)) {
    out.push(issue('invalid_kind', 'kind', `unknown kind "${String(c.kind)}"`));
    return out;
  }
  for (const f of REQUIRED_KIND_FIELDS[c.kind])
    if (c[f] === undefined || c[f] === null) out.push(issue('missing_field', f, `a ${c.kind} needs ${f}`));
  if (out.some((i) => i.code === 'missing_field')) return out;

  if (c.kind === 'span') {
    if (!isOffset(c.startOffset)) out.push(issue('invalid_value', 'startOffset', 'offset must be an integer ≥ 0'));
    if (!isOffset(c.endOffset)) out.push(issue('invalid_value', 'endOffset', 'offset must be an integer ≥ 0'));
    if (isOffset(c.startOffset) && isOffset(c.endOffset) && c.endOffset <= c.startOffset)
      out.push(issue('end_before_start', 'endOffset', 'endOffset must be greater than startOffset'));
    const byText = c.textAnnotationId !== undefined && c.textAnnotationId !== null;
    const byMedia = c.mediaId !== undefined && c.mediaId !== null;
    if (byText === byMedia)
      out.push(
        issue('invalid_text_ref', 'textAnnotationId', 'a span refers to exactly one of textAnnotationId, mediaId'),
      );
    else if (byText && !isId(c.textAnnotationId))
      out.push(issue('invalid_text_ref', 'textAnnotationId', 'textAnnotationId is not a valid id'));
    else if (byMedia && !isId(c.mediaId)) out.push(issue('invalid_text_ref', 'mediaId', 'mediaId is not a valid id'));
    return out;
  }

  if (!isFiniteNumber(c.start)) out.push(issue('invalid_value', 'start', 'start must be a finite number of seconds'));
  if (c.kind !== 'event') {
    if (!isFiniteNumber(c.end)) out.push(issue('invalid_value', 'end', 'end must be a finite number of seconds'));
    else if (isFiniteNumber(c.start) && c.end <= c.start)
      out.push(issue('end_before_start', 'end', 'end must be after start'));
  }
  if (c.kind === 'box') out.push(...boxIssues(c.box));
  return out;
}

function boxIssues(box: unknown): ValidationIssue[] {
  if (!isRecord(box) || ![box.x, box.y, box.w, box.h].every(isFiniteNumber))
    return [issue('invalid_value', 'box', 'box needs finite x, y, w, h')];
  const { x, y, w, h } = box as { x: number; y: number; w: number; h: number };
  // Small tolerance: x + w computed in floating point from pixel sizes can overshoot 1 by an ulp.
  const eps = 1e-9;
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > 1 + eps || y + h > 1 + eps)
    return [issue('box_range', 'box', 'box must lie inside the frame (0..1) with positive size')];
  return [];
}

/** Soft checks: fields a reader can drop or default without losing the annotation. */
export function softIssues(c: Record<string, unknown>): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (c.kind === 'segment' && c.text !== undefined && typeof c.text !== 'string')
    out.push(issue('invalid_value', 'text', 'text must be a string'));
  if (c.label !== undefined && c.label !== null && !isId(c.label))
    out.push(issue('invalid_value', 'label', 'label must be a class id or null'));
  if (c.attributes !== undefined) {
    if (!isRecord(c.attributes)) out.push(issue('invalid_value', 'attributes', 'attributes must be an object'));
    else
      for (const [k, v] of Object.entries(c.attributes))
        if (!isAttributeValue(v)) out.push(issue('attribute_type', `attributes.${k}`, `"${k}" has a non-scalar value`));
  }
  if (c.entityId !== undefined && c.entityId !== null && !isId(c.entityId))
    out.push(issue('invalid_value', 'entityId', 'entityId must be an id or null'));
  if (c.relations !== undefined) {
    if (!Array.isArray(c.relations)) out.push(issue('invalid_value', 'relations', 'relations must be a list'));
    else c.relations.forEach((r, i) => out.push(...relationIssues(r, i, c.id)));
  }
  if (c.source !== undefined && !SOURCES.includes(c.source as never))
    out.push(issue('invalid_source', 'source', `source must be one of ${SOURCES.join(', ')}`));
  if (c.confidence !== undefined && c.confidence !== null) {
    if (!isFiniteNumber(c.confidence) || c.confidence < 0 || c.confidence > 1)
      out.push(issue('confidence_range', 'confidence', 'confidence must be a number in 0..1 or null'));
  }
  if (typeof c.author !== 'string' || c.author === '' || c.author.length > MAX_SHORT)
    out.push(issue('invalid_value', 'author', 'author must be a non-empty user id'));
  for (const f of ['createdAt', 'updatedAt'])
    if (!isFiniteNumber(c[f])) out.push(issue('invalid_value', f, `${f} must be ms since the epoch`));
  if (c.provenance !== undefined && c.provenance !== null) out.push(...provenanceIssues(c.provenance));
  return out;
}

/** Bound on the sources of one gold annotation (a disagreement spans at most this many layers). */
const MAX_SOURCES = 64;

/**
 * Issues of a provenance value (code `invalid_provenance`): a decision of GOLD_DECISIONS, 1–64
 * sources `{layerId, annotationId, userId|null}` with model ids, an adjudicator user id, a
 * `decidedAt` in ms and a disagreement key (≤ 256 characters) or null.
 */
export function provenanceIssues(p: unknown): ValidationIssue[] {
  const bad = (path: string, message: string) => [issue('invalid_provenance', `provenance${path}`, message)];
  if (!isRecord(p)) return bad('', 'provenance must be an object or null');
  if (!GOLD_DECISIONS.includes(p.decision as never))
    return bad('.decision', `decision must be one of ${GOLD_DECISIONS.join(', ')}`);
  if (!Array.isArray(p.sources) || p.sources.length === 0 || p.sources.length > MAX_SOURCES)
    return bad('.sources', `sources must list 1–${MAX_SOURCES} annotations`);
  for (const [i, s] of p.sources.entries()) {
    const userOk = s?.userId === null || s?.userId === undefined || isShortString(s?.userId);
    if (!isRecord(s) || !isId(s.layerId) || !isId(s.annotationId) || !userOk)
      return bad(`.sources[${i}]`, 'a source needs a layerId, an annotationId and a userId (or null)');
  }
  if (!isShortString(p.adjudicator)) return bad('.adjudicator', 'adjudicator must be a user id');
  if (!isFiniteNumber(p.decidedAt)) return bad('.decidedAt', 'decidedAt must be ms since the epoch');
  if (p.disagreement !== undefined && p.disagreement !== null && !isShortString(p.disagreement))
    return bad('.disagreement', 'disagreement must be a key or null');
  return [];
}

const isShortString = (v: unknown): v is string => typeof v === 'string' && v !== '' && v.length <= MAX_SHORT;

/** Issues of one relation entry at index `i`, on the annotation with id `selfId`. */
export function relationIssues(r: unknown, i: number, selfId: unknown): ValidationIssue[] {
  const p = `relations[${i}]`;
  if (!isRecord(r) || typeof r.type !== 'string' || r.type === '' || r.type.length > MAX_SHORT || !isId(r.targetId))
    return [issue('invalid_relation', p, 'a relation needs a type and a targetId')];
  if (r.targetId === selfId) return [issue('self_relation', p, 'an annotation cannot relate to itself')];
  return [];
}

/** A scalar attribute value (what the attribute Y.Map may hold). */
export function isAttributeValue(v: unknown): v is AttributeValue {
  return typeof v === 'string' || typeof v === 'boolean' || isFiniteNumber(v);
}

/** Checks of one attribute value against its definition. */
export function attributeValueIssues(def: AttributeDef, value: AttributeValue, path: string): ValidationIssue[] {
  const expected = def.type === 'enum' || def.type === 'text' ? 'string' : def.type;
  if (typeof value !== expected) return [issue('attribute_type', path, `"${def.id}" takes a ${def.type} value`)];
  if (def.type === 'enum' && !(def.options ?? []).includes(value as string))
    return [issue('enum_value', path, `"${String(value)}" is not an option of "${def.id}"`)];
  if (def.type === 'number') {
    const n = value as number;
    if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max))
      return [issue('attribute_range', path, `"${def.id}" must be within [${def.min ?? '-∞'}, ${def.max ?? '∞'}]`)];
  }
  return [];
}

/** Checks against project, task and layer: tier, media bounds, label, attributes, references. */
export function contextIssues(
  c: Record<string, unknown>,
  ctx: Omit<LayerContext, 'now' | 'author'>,
  refs: LayerRefs,
  checks: RefChecks = ALL_REFS,
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const tier = ctx.tiers.find((t) => t.id === c.tierId);
  if (tier === undefined) out.push(issue('unknown_tier', 'tierId', `no tier "${String(c.tierId)}"`));
  else if (tier.kind !== c.kind) out.push(issue('kind_mismatch', 'kind', `tier "${tier.name}" holds ${tier.kind}s`));

  const d = ctx.mediaDuration;
  if (c.kind !== 'span') {
    const start = c.start as number;
    const last = c.kind === 'event' ? start : (c.end as number);
    if (start < 0) out.push(issue('outside_media', 'start', 'start is before the beginning of the media'));
    if (d !== null && last > d)
      out.push(issue('outside_media', c.kind === 'event' ? 'start' : 'end', `the media ends at ${d} s`));
  } else if (checks.textRef) out.push(...textRefIssues(c, ctx, refs));

  const label = typeof c.label === 'string' ? c.label : null;
  if (label !== null) {
    if (!ctx.taxonomy.classes.some((k) => k.id === label))
      out.push(issue('unknown_label', 'label', `no class "${label}"`));
    else if (tier !== undefined && !isAllowed(ctx.taxonomy, label, tier.allowedClassIds))
      out.push(issue('label_not_allowed', 'label', `class "${label}" is not allowed on tier "${tier.name}"`));
  }
  if (tier !== undefined) out.push(...attributeIssues(c, tier, label, ctx.taxonomy));

  if (checks.entity && ctx.entityIds !== undefined && typeof c.entityId === 'string' && !ctx.entityIds.has(c.entityId))
    out.push(issue('unknown_entity', 'entityId', `no entity "${c.entityId}" in the task`));
  if (checks.relations && Array.isArray(c.relations))
    c.relations.forEach((r: { targetId: string }, i) => {
      if (!refs.exists(r.targetId))
        out.push(issue('unknown_relation_target', `relations[${i}]`, `no annotation "${r.targetId}" in this layer`));
    });
  return out;
}

function textRefIssues(
  c: Record<string, unknown>,
  ctx: Omit<LayerContext, 'now' | 'author'>,
  refs: LayerRefs,
): ValidationIssue[] {
  const end = c.endOffset as number;
  if (typeof c.textAnnotationId === 'string') {
    const len = refs.textLength(c.textAnnotationId);
    if (len === null)
      return [issue('unknown_text_ref', 'textAnnotationId', `no transcript segment "${c.textAnnotationId}"`)];
    if (end > len) return [issue('outside_text', 'endOffset', `the text has ${len} characters`)];
  } else if (typeof c.mediaId === 'string') {
    const len = ctx.textLength?.(c.mediaId) ?? null;
    if (len !== null && end > len) return [issue('outside_text', 'endOffset', `the text has ${len} characters`)];
  }
  return [];
}

function attributeIssues(
  c: Record<string, unknown>,
  tier: Tier,
  label: string | null,
  taxonomy: Taxonomy,
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const defs = new Map(taxonomy.attributes.map((a) => [a.id, a]));
  const allowed = new Set([...tier.attributeIds, ...(label !== null ? labelAttributeIds(taxonomy, label) : [])]);
  const values = isRecord(c.attributes) ? c.attributes : {};
  for (const [k, v] of Object.entries(values)) {
    const def = defs.get(k);
    if (def === undefined) out.push(issue('unknown_attribute', `attributes.${k}`, `no attribute "${k}"`));
    else if (!allowed.has(k))
      out.push(issue('attribute_not_allowed', `attributes.${k}`, `"${k}" is not allowed on this tier and label`));
    else if (isAttributeValue(v)) out.push(...attributeValueIssues(def, v, `attributes.${k}`));
  }
  for (const k of allowed) {
    const def = defs.get(k);
    if (def?.required === true && values[k] === undefined)
      out.push(issue('required_attribute', `attributes.${k}`, `"${def.name}" is required`));
  }
  return out;
}

/** Core, soft and (when core passes) context checks of a full annotation record. */
export function validateAnnotation(
  c: Record<string, unknown>,
  ctx: Omit<LayerContext, 'now' | 'author'>,
  refs: LayerRefs,
  checks: RefChecks = ALL_REFS,
): ValidationIssue[] {
  const core = coreIssues(c);
  const soft = softIssues(c);
  if (core.length > 0 || soft.length > 0) return [...core, ...soft];
  return contextIssues(c, ctx, refs, checks);
}
