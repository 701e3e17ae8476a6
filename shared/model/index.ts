/** Public API of the annotation document model (see README.md for the Y.Doc layout). */
export { ModelValidationError, isId, newId } from './issues.ts';
export type { ValidationIssue } from './issues.ts';
export { ATTRIBUTE_TYPES, ancestors, descendants, isAllowed, labelAttributeIds, validateTaxonomy } from './taxonomy.ts';
export type {
  AttributeDef,
  AttributeType,
  AttributeValue,
  GuidelineExample,
  LabelClass,
  Taxonomy,
} from './taxonomy.ts';
export { ANNOTATION_KINDS, MODALITIES, ROLES, SKILL_RE, TIER_RELATIONS, canEditTier, validateTiers } from './tier.ts';
export type { AnnotationKind, Modality, Role, Tier, TierRelation } from './tier.ts';
export { GOLD_DECISIONS, SOURCES } from './annotation.ts';
export type {
  Annotation,
  AnnotationInput,
  AnnotationPatch,
  Box,
  BoxAnnotation,
  EventAnnotation,
  GoldDecision,
  Provenance,
  ProvenanceSource,
  Relation,
  SegmentAnnotation,
  Source,
  SpanAnnotation,
} from './annotation.ts';
export { validateAnnotation } from './validate.ts';
export type { LayerContext, LayerRefs } from './validate.ts';
export { mapToRecord, readAnnotation, sanitize } from './read.ts';
export type { ReadResult } from './read.ts';
export { LAYER_ANNOTATIONS, LAYER_META, LAYER_SCHEMA_VERSION, LayerDoc } from './layer.ts';
export type { LayerChange, ListFilter } from './layer.ts';
export { tiersTouchedByUpdate } from './touched-tiers.ts';
export {
  LAYER_DECISIONS,
  observeDecisions,
  readRejections,
  recordRejection,
  rejectionIssues,
  withdrawRejection,
} from './decisions.ts';
export type { Rejection } from './decisions.ts';
export { parseMentions } from './mentions.ts';
export {
  ENTITY_KINDS,
  TASK_ENTITIES,
  TASK_THREADS,
  TaskDoc,
  anchorIssues,
  entityIssues,
  readEntity,
  readThread,
} from './task-doc.ts';
export type { Entity, EntityKind, Message, TaskChange, TaskContext, Thread, ThreadAnchor } from './task-doc.ts';
