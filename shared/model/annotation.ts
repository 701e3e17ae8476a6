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

/**
 * How a gold annotation came to be (adjudication, see shared/adjudication): which annotator
 * versions it was made from, by whom, how and when. Stored as one plain value (last writer wins:
 * a decision is replaced as a whole, never merged field by field). Absent on annotator layers and
 * on gold annotations drawn by hand.
 */
export interface Provenance {
  /**
   * `agreed`: pre-merged by the agreement rule; `accepted`: one annotator's version taken for a
   * disagreement; `merged`: boundaries merged from several versions; `edited`: a version taken as
   * the starting point of an adjudicator's own edit.
   */
  decision: GoldDecision;
  /** The annotator annotations it was made from (their layer, id and owner). */
  sources: ProvenanceSource[];
  /** User id of the reviewer or manager who decided. */
  adjudicator: string;
  /** Milliseconds since the epoch. */
  decidedAt: number;
  /** Key of the disagreement it resolves (shared/adjudication), or null for a pre-merged agreement. */
  disagreement: string | null;
}

export type GoldDecision = 'agreed' | 'accepted' | 'merged' | 'edited';
export const GOLD_DECISIONS: readonly GoldDecision[] = ['agreed', 'accepted', 'merged', 'edited'];

export interface ProvenanceSource {
  layerId: string;
  annotationId: string;
  /** Owner of the source layer (null when unknown). */
  userId: string | null;
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
  /** Gold layers: how the annotation was adjudicated; null otherwise. */
  provenance: Provenance | null;
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
  /** Gold layers: how the annotation was adjudicated. */
  provenance?: Provenance | null;
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
  provenance?: Provenance | null;
}

/** Fields an annotation map may hold whatever the kind (`provenance` only when set). */
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
  'provenance',
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
