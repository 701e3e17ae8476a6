/**
 * Editing operations of the timeline, as plain functions over a LayerDoc. Each one is a single
 * Yjs transaction carrying the caller's `origin` (so a Y.UndoManager tracking that origin undoes
 * it in one step), validates before writing (a rejected edit throws ModelValidationError and
 * writes nothing), and returns the resulting snapshots.
 */
import type { Annotation, AnnotationInput, SegmentAnnotation } from '../../../shared/model/annotation.ts';
import { ModelValidationError } from '../../../shared/model/issues.ts';
import type { LayerDoc } from '../../../shared/model/layer.ts';
import { validateAnnotation } from '../../../shared/model/validate.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';

/** Time-based annotations the timeline edits. */
type Timed = Exclude<Annotation, { kind: 'span' }>;

function fail(code: string, path: string, message: string): never {
  throw new ModelValidationError([{ code, path, message }]);
}

function timed(layer: LayerDoc, id: string): Timed {
  const a = layer.get(id);
  if (a === null) fail('not_found', 'id', `no annotation "${id}"`);
  if (a.kind === 'span') fail('invalid_kind', 'kind', 'spans are not on the timeline');
  return a;
}

function segment(layer: LayerDoc, id: string): SegmentAnnotation {
  const a = layer.get(id);
  if (a === null) fail('not_found', 'id', `no annotation "${id}"`);
  if (a.kind !== 'segment') fail('invalid_kind', 'kind', 'only segments can be split or merged');
  return a;
}

/** Clamp to [0, media duration] when it is known. */
function clampTime(t: number, ctx: LayerContext): number {
  const max = ctx.mediaDuration ?? Infinity;
  return Math.min(max, Math.max(0, t));
}

export interface CreateSegmentInput {
  tierId: string;
  start: number;
  end: number;
  label?: string | null;
  id?: string;
  text?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** A segment from a drag: the ends may come in either order; both are clamped to the media. */
export function createSegment(
  layer: LayerDoc,
  ctx: LayerContext,
  input: CreateSegmentInput,
  origin?: unknown,
): SegmentAnnotation {
  const start = clampTime(Math.min(input.start, input.end), ctx);
  const end = clampTime(Math.max(input.start, input.end), ctx);
  const kind = ctx.tiers.find((t) => t.id === input.tierId)?.kind ?? 'segment';
  const base = {
    tierId: input.tierId,
    start,
    end,
    label: input.label ?? null,
    ...(input.id !== undefined ? { id: input.id } : {}),
    ...(input.attributes !== undefined ? { attributes: input.attributes } : {}),
  };
  if (kind === 'box') fail('invalid_kind', 'kind', 'boxes are drawn on the video, not on the timeline');
  const a = layer.create(
    { ...base, kind: 'segment', ...(input.text !== undefined ? { text: input.text } : {}) },
    ctx,
    origin,
  );
  return a as SegmentAnnotation;
}

export interface CreateEventInput {
  tierId: string;
  time: number;
  label?: string | null;
  id?: string;
}

export function createEvent(layer: LayerDoc, ctx: LayerContext, input: CreateEventInput, origin?: unknown): Annotation {
  const input2: AnnotationInput = {
    kind: 'event',
    tierId: input.tierId,
    start: clampTime(input.time, ctx),
    label: input.label ?? null,
    ...(input.id !== undefined ? { id: input.id } : {}),
  };
  return layer.create(input2, ctx, origin);
}

/**
 * Moves an annotation so it starts at `start`, keeping its duration; clamped so that it stays
 * inside the media.
 */
export function moveAnnotation(
  layer: LayerDoc,
  ctx: LayerContext,
  id: string,
  start: number,
  origin?: unknown,
): Annotation {
  const a = timed(layer, id);
  if (a.kind === 'event') return layer.update(id, { start: clampTime(start, ctx) }, ctx, origin);
  const length = a.end - a.start;
  const max = ctx.mediaDuration ?? Infinity;
  let s = Math.max(0, start);
  if (s + length > max) s = max - length;
  // end − start must reproduce the stored duration bit for bit when nothing moved.
  if (s === a.start) return a;
  return layer.update(id, { start: s, end: s + length }, ctx, origin);
}

/**
 * Moves both edges explicitly (keyboard nudges by frames keep both edges on frame boundaries,
 * which start + duration would not).
 */
export function setExtent(
  layer: LayerDoc,
  ctx: LayerContext,
  id: string,
  start: number,
  end: number,
  origin?: unknown,
): Annotation {
  const a = timed(layer, id);
  if (a.kind === 'event') return layer.update(id, { start: clampTime(start, ctx) }, ctx, origin);
  return layer.update(id, { start: clampTime(start, ctx), end: clampTime(end, ctx) }, ctx, origin);
}

/**
 * Moves one edge to `time`. The edge cannot cross the other one: it stops `minDuration` short
 * of it (e.g. one frame).
 */
export function resizeEdge(
  layer: LayerDoc,
  ctx: LayerContext,
  id: string,
  edge: 'start' | 'end',
  time: number,
  origin?: unknown,
  minDuration = 1e-3,
): Annotation {
  const a = timed(layer, id);
  if (a.kind === 'event') return layer.update(id, { start: clampTime(time, ctx) }, ctx, origin);
  const t = clampTime(time, ctx);
  if (edge === 'start') return layer.update(id, { start: Math.min(t, a.end - minDuration) }, ctx, origin);
  return layer.update(id, { end: Math.max(t, a.start + minDuration) }, ctx, origin);
}

export interface SplitOptions {
  /** Id for the new right-hand part (generated when absent). */
  newId?: string;
  /**
   * Where the transcript is cut (UTF-16 offset): text before stays left, the rest moves right.
   * Default: the whole text stays with the left part.
   */
  textOffset?: number;
}

/**
 * Splits a segment at `time` (strictly inside it): the segment keeps [start, time) and its id,
 * relations and (by default) its text; a new segment [time, end) copies label, attributes,
 * entity, source and confidence. One transaction.
 */
export function splitSegment(
  layer: LayerDoc,
  ctx: LayerContext,
  id: string,
  time: number,
  origin?: unknown,
  opts: SplitOptions = {},
): [SegmentAnnotation, SegmentAnnotation] {
  const a = segment(layer, id);
  if (!(time > a.start && time < a.end)) fail('invalid_value', 'time', 'the split point must lie inside the segment');
  const cut = opts.textOffset === undefined ? a.text.length : Math.max(0, Math.min(a.text.length, opts.textOffset));
  let right: Annotation | null = null;
  let left: Annotation | null = null;
  layer.doc.transact(() => {
    // Create first: if it is rejected, nothing has been written yet.
    right = layer.create(
      {
        kind: 'segment',
        tierId: a.tierId,
        start: time,
        end: a.end,
        label: a.label,
        attributes: a.attributes,
        entityId: a.entityId,
        source: a.source,
        confidence: a.confidence,
        text: a.text.slice(cut),
        ...(opts.newId !== undefined ? { id: opts.newId } : {}),
      },
      ctx,
      origin,
    );
    left = layer.update(id, { end: time, ...(cut < a.text.length ? { text: a.text.slice(0, cut) } : {}) }, ctx, origin);
  }, origin);
  return [left as unknown as SegmentAnnotation, right as unknown as SegmentAnnotation];
}

/**
 * Merges two segments of one tier into the earlier one, which then spans both (and the gap
 * between them). Its label and attributes win, the other's fill what it lacks; texts are joined
 * with a space; the other's relations move over. Relations *to* the removed segment are dropped
 * (LayerDoc.delete). One transaction.
 */
export function mergeSegments(
  layer: LayerDoc,
  ctx: LayerContext,
  idA: string,
  idB: string,
  origin?: unknown,
): SegmentAnnotation {
  const x = segment(layer, idA);
  const y = segment(layer, idB);
  if (idA === idB) fail('invalid_value', 'id', 'cannot merge a segment with itself');
  if (x.tierId !== y.tierId) fail('invalid_value', 'tierId', 'only segments of the same tier can be merged');
  const [first, second] = x.start < y.start || (x.start === y.start && x.id < y.id) ? [x, y] : [y, x];
  const text = [first.text, second.text].filter((s) => s !== '').join(' ');
  const attributes: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(second.attributes)) if (!(k in first.attributes)) attributes[k] = v;
  const relations = [...first.relations];
  for (const r of second.relations)
    if (r.targetId !== first.id && !relations.some((q) => q.type === r.type && q.targetId === r.targetId))
      relations.push(r);
  let merged: Annotation | null = null;
  layer.doc.transact(() => {
    merged = layer.update(
      first.id,
      {
        end: Math.max(first.end, second.end),
        ...(first.label === null && second.label !== null ? { label: second.label } : {}),
        ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
        ...(first.entityId === null && second.entityId !== null ? { entityId: second.entityId } : {}),
        ...(text !== first.text ? { text } : {}),
        ...(relations.length !== first.relations.length ? { relations } : {}),
      },
      ctx,
      origin,
    );
    layer.delete(second.id, origin);
  }, origin);
  return layer.get((merged as unknown as Annotation).id) as SegmentAnnotation;
}

/** Deletes annotations of one layer in one transaction; unknown ids are skipped. */
export function deleteAnnotations(layer: LayerDoc, ids: readonly string[], origin?: unknown): number {
  let n = 0;
  layer.doc.transact(() => {
    for (const id of ids)
      if (layer.get(id) !== null) {
        layer.delete(id, origin);
        n++;
      }
  }, origin);
  return n;
}

/**
 * Sets (or clears) the label of annotations of one layer in one transaction. Every annotation is
 * validated with the new label before anything is written, so it is all or nothing.
 */
export function setLabel(
  layer: LayerDoc,
  ctx: LayerContext,
  ids: readonly string[],
  label: string | null,
  origin?: unknown,
): Annotation[] {
  const refs = {
    exists: (id: string) => layer.get(id) !== null,
    textLength: (id: string) => layer.text(id)?.length ?? null,
  };
  const noRefs = { relations: false, textRef: false, entity: false };
  for (const id of ids) {
    const a = layer.get(id);
    if (a === null) fail('not_found', 'id', `no annotation "${id}"`);
    const candidate = { ...a, label } as unknown as Record<string, unknown>;
    const issues = validateAnnotation(candidate, ctx, refs, noRefs);
    if (issues.length > 0) throw new ModelValidationError(issues);
  }
  const out: Annotation[] = [];
  layer.doc.transact(() => {
    for (const id of ids) out.push(layer.update(id, { label }, ctx, origin));
  }, origin);
  return out;
}
