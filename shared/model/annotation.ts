/**
 * Annotation types: the plain snapshots LayerDoc returns, the inputs it accepts, and the field
 * names used inside each annotation's Y.Map (a wire format: see README.md).
 */
import type { AttributeValue } from './taxonomy.ts';
import type { AnnotationKind } from './tier.ts';

/** Who produced an annotation: a person in the editor, a model pre-annotation, or a file import. */
export type Source = 'human' | 'model' | 'import';
export const SOURCES: readonly Source[] = ['human', 'model', 'import'];

/** A rectangle in normalised frame coordinates: 0..1 from the top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A typed, directed link to another annotation of the same layer (e.g. `coref`, `answers`). */
export interface Relation {
  type: string;
  targetId: string;
}

interface AnnotationCommon {
  id: string;
  tierId: string;
  /** Class id from the taxonomy, or null while unlabeled. */
  label: string | null;
  attributes: Record<string, AttributeValue>;
  /** Entity of the task document (speaker, person, object) this annotation is about. */
  entityId: string | null;
  relations: Relation[];
  source: Source;
  /** 0..1 for model output; null when not applicable. */
  confidence: number | null;
  /** User id of the creator (kept on update: provenance for gold layers). */
  author: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
}

/** A time range; `text` is the transcript (a snapshot of the annotation's Y.Text). */
export interface SegmentAnnotation extends AnnotationCommon {
  kind: 'segment';
  start: number;
  end: number;
  text: string;
}

/** A time point. */
export interface EventAnnotation extends AnnotationCommon {
  kind: 'event';
  start: number;
}

/**
 * A character range `[startOffset, endOffset)` in UTF-16 code units, in exactly one text: the
 * Y.Text of a segment of this layer (`textAnnotationId`) or a text media file (`mediaId`).
 */
export interface SpanAnnotation extends AnnotationCommon {
  kind: 'span';
  startOffset: number;
  endOffset: number;
  textAnnotationId: string | null;
  mediaId: string | null;
}

/** A region on video frames, shown from `start` to `end` (one box per annotation). */
export interface BoxAnnotation extends AnnotationCommon {
  kind: 'box';
  start: number;
  end: number;
  box: Box;
}

export type Annotation = SegmentAnnotation | EventAnnotation | SpanAnnotation | BoxAnnotation;

/** Fields a caller may give on create, whatever the kind. Missing ones get defaults. */
interface CommonInput {
  /** Defaults to a random UUID. */
  id?: string;
  tierId: string;
  label?: string | null;
  attributes?: Record<string, AttributeValue>;
  entityId?: string | null;
  relations?: Relation[];
  /** Defaults to `'human'`. */
  source?: Source;
  confidence?: number | null;
  /** Defaults to the context's author; set it when copying into a gold layer or importing. */
  author?: string;
}

export type AnnotationInput =
  | (CommonInput & { kind: 'segment'; start: number; end: number; text?: string })
  | (CommonInput & { kind: 'event'; start: number })
  | (CommonInput & {
      kind: 'span';
      startOffset: number;
      endOffset: number;
      textAnnotationId?: string | null;
      mediaId?: string | null;
    })
  | (CommonInput & { kind: 'box'; start: number; end: number; box: Box });

/**
 * A partial update. Only the given fields are written, so concurrent patches of different fields
 * merge. `attributes` merges key by key (`null` removes one); `relations` and `text` replace the
 * whole value (use addRelation / text(id) for finer edits).
 */
export interface AnnotationPatch {
  tierId?: string;
  start?: number;
  end?: number;
  startOffset?: number;
  endOffset?: number;
  textAnnotationId?: string | null;
  mediaId?: string | null;
  box?: Box;
  label?: string | null;
  attributes?: Record<string, AttributeValue | null>;
  text?: string;
  entityId?: string | null;
  relations?: Relation[];
  source?: Source;
  confidence?: number | null;
}

/** Fields every annotation map holds, whatever the kind. */
export const COMMON_FIELDS = [
  'id',
  'tierId',
  'kind',
  'label',
  'attributes',
  'entityId',
  'relations',
  'source',
  'confidence',
  'author',
  'createdAt',
  'updatedAt',
] as const;

/** Fields that belong to one kind only; any other kind must not carry them. */
export const KIND_FIELDS: Record<AnnotationKind, readonly string[]> = {
  segment: ['start', 'end', 'text'],
  event: ['start'],
  span: ['startOffset', 'endOffset', 'textAnnotationId', 'mediaId'],
  box: ['start', 'end', 'box'],
};

/** Kind fields without a default. */
export const REQUIRED_KIND_FIELDS: Record<AnnotationKind, readonly string[]> = {
  segment: ['start', 'end'],
  event: ['start'],
  span: ['startOffset', 'endOffset'],
  box: ['start', 'end', 'box'],
};

/** Fields a patch may not touch: identity, and what the model maintains itself. */
export const IMMUTABLE_FIELDS: readonly string[] = ['id', 'kind', 'author', 'createdAt', 'updatedAt'];
