/**
 * LayerDoc validation: every rejection code, each bad input thrown as ModelValidationError with its
 * code and path, and the document left byte-for-byte unchanged (same state vector and content).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelValidationError } from '../../../shared/model/issues.ts';
import { LayerDoc } from '../../../shared/model/layer.ts';
import type { AnnotationInput, AnnotationPatch } from '../../../shared/model/annotation.ts';
import { context } from './fixtures.ts';

/** A layer with a transcript segment, an event and a box; returns it with its context. */
function seeded() {
  const ctx = context({ entityIds: new Set(['spk1']), textLength: (id) => (id === 'doc1' ? 50 : null) });
  const layer = new LayerDoc();
  layer.create({ id: 'seg1', tierId: 'speech', kind: 'segment', start: 0, end: 10, text: 'hello world' }, ctx);
  layer.create({ id: 'ev1', tierId: 'events', kind: 'event', start: 5 }, ctx);
  layer.create(
    { id: 'box1', tierId: 'boxes', kind: 'box', start: 1, end: 2, box: { x: 0, y: 0, w: 0.5, h: 0.5 } },
    ctx,
  );
  return { layer, ctx };
}

/** Runs `act`, expects a ModelValidationError with `code` at `path`, and an unchanged doc. */
function expectRejected(layer: LayerDoc, act: () => unknown, code: string, path?: string): void {
  const vector = Y.encodeStateVector(layer.doc);
  const before = JSON.stringify(layer.doc.toJSON());
  let error: unknown = null;
  try {
    act();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ModelValidationError);
  const err = error as ModelValidationError;
  expect(err.issues.map((i) => i.code)).toContain(code);
  expect(err.code).toBe(code);
  if (path !== undefined) expect(err.path).toBe(path);
  expect(Y.encodeStateVector(layer.doc)).toEqual(vector);
  expect(JSON.stringify(layer.doc.toJSON())).toBe(before);
}

const seg = (extra: Record<string, unknown> = {}) =>
  ({ tierId: 'speech', kind: 'segment', start: 1, end: 2, ...extra }) as AnnotationInput;
const span = (extra: Record<string, unknown> = {}) =>
  ({
    tierId: 'spans',
    kind: 'span',
    startOffset: 0,
    endOffset: 5,
    textAnnotationId: 'seg1',
    ...extra,
  }) as AnnotationInput;
const box = (b: Record<string, number>) =>
  ({
    tierId: 'boxes',
    kind: 'box',
    start: 1,
    end: 2,
    box: { x: 0.1, y: 0.1, w: 0.2, h: 0.2, ...b },
  }) as AnnotationInput;

describe('LayerDoc.create rejects', () => {
  const cases: [string, AnnotationInput, string][] = [
    ['invalid_id', seg({ id: 'white space' }), 'id'],
    ['invalid_id', seg({ id: 'x'.repeat(129) }), 'id'],
    ['duplicate_id', seg({ id: 'seg1' }), 'id'],
    ['invalid_kind', seg({ kind: 'polygon' }), 'kind'],
    ['missing_field', { tierId: 'events', kind: 'event' } as AnnotationInput, 'start'],
    ['missing_field', seg({ end: undefined }), 'end'],
    ['invalid_value', seg({ start: Number.NaN }), 'start'],
    ['invalid_value', seg({ end: '3' }), 'end'],
    ['invalid_value', span({ startOffset: 1.5 }), 'startOffset'],
    ['invalid_value', seg({ text: 42 }), 'text'],
    ['invalid_value', { tierId: 'boxes', kind: 'box', start: 1, end: 2, box: { x: 0 } } as AnnotationInput, 'box'],
    ['end_before_start', seg({ start: 3, end: 2 }), 'end'],
    ['end_before_start', seg({ start: 2, end: 2 }), 'end'],
    ['end_before_start', span({ startOffset: 4, endOffset: 4 }), 'endOffset'],
    ['outside_media', seg({ start: -1 }), 'start'],
    ['outside_media', seg({ end: 100.5 }), 'end'],
    ['outside_media', { tierId: 'events', kind: 'event', start: 101 } as AnnotationInput, 'start'],
    ['invalid_text_ref', span({ mediaId: 'doc1' }), 'textAnnotationId'],
    ['invalid_text_ref', span({ textAnnotationId: null }), 'textAnnotationId'],
    ['unknown_text_ref', span({ textAnnotationId: 'ghost' }), 'textAnnotationId'],
    ['unknown_text_ref', span({ textAnnotationId: 'ev1' }), 'textAnnotationId'],
    ['outside_text', span({ endOffset: 12 }), 'endOffset'],
    ['outside_text', span({ textAnnotationId: null, mediaId: 'doc1', endOffset: 51 }), 'endOffset'],
    ['box_range', box({ x: 0.9 }), 'box'],
    ['box_range', box({ w: 0 }), 'box'],
    ['box_range', box({ y: -0.1 }), 'box'],
    ['unknown_tier', seg({ tierId: 'ghost' }), 'tierId'],
    ['kind_mismatch', { tierId: 'speech', kind: 'event', start: 1 } as AnnotationInput, 'kind'],
    ['unknown_label', seg({ label: 'ghost' }), 'label'],
    ['label_not_allowed', seg({ label: 'car' }), 'label'],
    ['label_not_allowed', seg({ tierId: 'qa', label: 'speech', attributes: { quality: 'good' } }), 'label'],
    ['unknown_attribute', seg({ attributes: { ghost: 1 } }), 'attributes.ghost'],
    ['attribute_not_allowed', seg({ attributes: { sentiment: 'pos' } }), 'attributes.sentiment'],
    ['attribute_type', seg({ attributes: { speaker: 3 } }), 'attributes.speaker'],
    ['attribute_type', seg({ attributes: { disfluent: 'yes' } }), 'attributes.disfluent'],
    ['attribute_type', seg({ label: 'speech', attributes: { noise: '3' } }), 'attributes.noise'],
    ['attribute_type', seg({ attributes: { speaker: { nested: true } } }), 'attributes.speaker'],
    ['enum_value', seg({ label: 'speech', attributes: { sentiment: 'angry' } }), 'attributes.sentiment'],
    ['attribute_range', seg({ label: 'vocal', attributes: { noise: 11 } }), 'attributes.noise'],
    ['required_attribute', seg({ tierId: 'qa' }), 'attributes.quality'],
    ['unknown_entity', seg({ entityId: 'spk2' }), 'entityId'],
    ['invalid_value', seg({ entityId: '' }), 'entityId'],
    ['invalid_relation', seg({ relations: [{ type: '', targetId: 'ev1' }] }), 'relations[0]'],
    ['self_relation', seg({ id: 'me', relations: [{ type: 'x', targetId: 'me' }] }), 'relations[0]'],
    ['unknown_relation_target', seg({ relations: [{ type: 'x', targetId: 'ghost' }] }), 'relations[0]'],
    ['invalid_source', seg({ source: 'oracle' }), 'source'],
    ['confidence_range', seg({ confidence: 1.01 }), 'confidence'],
    ['confidence_range', seg({ confidence: -0.1 }), 'confidence'],
    ['unexpected_field', seg({ box: { x: 0, y: 0, w: 1, h: 1 } }), 'box'],
    ['unexpected_field', { tierId: 'events', kind: 'event', start: 1, end: 2 } as AnnotationInput, 'end'],
    ['unexpected_field', seg({ createdAt: 5 }), 'createdAt'],
    ['unexpected_field', seg({ colour: 'red' }), 'colour'],
  ];
  it.each(cases)('%s (%#)', (code, input, path) => {
    const { layer, ctx } = seeded();
    expectRejected(layer, () => layer.create(input, ctx), code, path);
  });

  it('rejects an empty author', () => {
    const { layer, ctx } = seeded();
    expectRejected(layer, () => layer.create(seg(), { ...ctx, author: '' }), 'invalid_value', 'author');
  });

  it('reports every bad field at once', () => {
    const { layer, ctx } = seeded();
    try {
      layer.create(seg({ start: 5, end: 1, confidence: 2 }), ctx);
      expect.unreachable();
    } catch (e) {
      expect((e as ModelValidationError).issues.map((i) => i.code)).toEqual(['end_before_start', 'confidence_range']);
    }
  });

  it('accepts the boundary cases just inside the rules', () => {
    const { layer, ctx } = seeded();
    layer.create(seg({ start: 0, end: 100 }), ctx);
    layer.create({ tierId: 'events', kind: 'event', start: 100 }, ctx);
    layer.create(span({ endOffset: 11 }), ctx);
    layer.create(box({ x: 0.8, w: 0.2, y: 0, h: 1 }), ctx);
    layer.create(seg({ confidence: 0, label: 'speech', attributes: { sentiment: 'neu', noise: 10 } }), ctx);
    layer.create(seg({ tierId: 'qa', attributes: { quality: 'bad' } }), ctx);
    expect(layer.list()).toHaveLength(9);
  });

  it('skips the media bound while the duration is unknown', () => {
    const { layer, ctx } = seeded();
    expect(layer.create(seg({ end: 5000 }), { ...ctx, mediaDuration: null }).kind).toBe('segment');
  });
});

describe('LayerDoc.update and friends reject', () => {
  const cases: [string, AnnotationPatch, string, string][] = [
    ['end_before_start', { end: 0 }, 'seg1', 'end'],
    ['end_before_start', { start: 10 }, 'seg1', 'end'],
    ['outside_media', { end: 200 }, 'seg1', 'end'],
    ['label_not_allowed', { label: 'car' }, 'seg1', 'label'],
    ['unknown_tier', { tierId: 'ghost' }, 'seg1', 'tierId'],
    ['kind_mismatch', { tierId: 'events' }, 'seg1', 'kind'],
    ['required_attribute', { tierId: 'qa' }, 'seg1', 'attributes.quality'],
    ['enum_value', { label: 'speech', attributes: { sentiment: 'meh' } }, 'seg1', 'attributes.sentiment'],
    ['attribute_not_allowed', { attributes: { noise: 3 } }, 'seg1', 'attributes.noise'],
    ['confidence_range', { confidence: Number.POSITIVE_INFINITY }, 'seg1', 'confidence'],
    ['immutable_field', { id: 'other' } as AnnotationPatch, 'seg1', 'id'],
    ['immutable_field', { kind: 'event' } as AnnotationPatch, 'seg1', 'kind'],
    ['immutable_field', { createdAt: 1 } as AnnotationPatch, 'seg1', 'createdAt'],
    ['unexpected_field', { end: 7 }, 'ev1', 'end'],
    ['unexpected_field', { text: 'hi' }, 'box1', 'text'],
    ['invalid_value', { attributes: null } as unknown as AnnotationPatch, 'seg1', 'attributes'],
    ['box_range', { box: { x: 0.6, y: 0, w: 0.5, h: 0.1 } }, 'box1', 'box'],
    ['unknown_relation_target', { relations: [{ type: 'x', targetId: 'ghost' }] }, 'seg1', 'relations[0]'],
    ['unknown_entity', { entityId: 'nobody' }, 'seg1', 'entityId'],
    ['not_found', { start: 1 }, 'ghost', 'id'],
  ];
  it.each(cases)('%s (%#)', (code, patch, id, path) => {
    const { layer, ctx } = seeded();
    expectRejected(layer, () => layer.update(id, patch, ctx), code, path);
  });

  it('delete of a missing id is not_found', () => {
    const { layer } = seeded();
    expectRejected(layer, () => layer.delete('ghost'), 'not_found', 'id');
  });

  it('addRelation rejects unknown targets, self relations and duplicates', () => {
    const { layer, ctx } = seeded();
    expectRejected(
      layer,
      () => layer.addRelation('seg1', { type: 'x', targetId: 'ghost' }, ctx),
      'unknown_relation_target',
    );
    expectRejected(layer, () => layer.addRelation('seg1', { type: 'x', targetId: 'seg1' }, ctx), 'self_relation');
    expectRejected(layer, () => layer.addRelation('seg1', { type: '', targetId: 'ev1' }, ctx), 'invalid_relation');
    layer.addRelation('seg1', { type: 'x', targetId: 'ev1' }, ctx);
    expectRejected(layer, () => layer.addRelation('seg1', { type: 'x', targetId: 'ev1' }, ctx), 'duplicate_relation');
    expectRejected(layer, () => layer.addRelation('ghost', { type: 'x', targetId: 'ev1' }, ctx), 'not_found');
  });
});
