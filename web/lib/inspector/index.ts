/** Public API of the inspector side panels (see README.md). */
export { default as AnnotationInspector } from './AnnotationInspector.svelte';
export { default as GuidelinesPanel } from './GuidelinesPanel.svelte';
export { default as LabelPalette } from './LabelPalette.svelte';
export {
  CONFLICT_RELATION,
  RELATION_TYPES,
  allowedAttributeIds,
  allowedAttributes,
  commitPatch,
  describeAnnotation,
  hasRelation,
  issueField,
  issuesByField,
  labelChangePatch,
  mergePatch,
  parseAttributeInput,
  relationCandidates,
  uniqueBy,
} from './edits.ts';
export type { CommitResult } from './edits.ts';
export {
  allowedLabels,
  guidelineChain,
  hotkeyFromEvent,
  labelById,
  labelForHotkey,
  tierLabelForHotkey,
  withAlpha,
} from './labels.ts';
export type { HotkeyInput, LabelEntry } from './labels.ts';
export { IncomingRelations } from './relations.ts';
export type { IncomingRelation } from './relations.ts';
