/** Public API of the transcript panel (see README.md). */
export { default as TranscriptPanel } from './TranscriptPanel.svelte';
export { default as SegmentText } from './SegmentText.svelte';
export { TextBinding, textareaEditor } from './binding.ts';
export type { TextBindingOptions, TextEditor } from './binding.ts';
export { TranscriptModel } from './model.ts';
export type { TranscriptSnapshot } from './model.ts';
export { moveSpansWithText, shiftRange, shiftRangeByDelta, spanAt, textRuns, trimSelection } from './spans.ts';
export type { OffsetRange, Run, SpanMark } from './spans.ts';
export {
  applyDelta,
  applyDeltaTo,
  deltaToSplices,
  diffSplice,
  normalizeDelta,
  spliceToDelta,
  transformDelta,
  transformPosition,
  transformSelection,
} from './text-diff.ts';
export type { Delta, DeltaOp, Splice, TextSelection } from './text-diff.ts';
export {
  offsetAtTime,
  seekTimeAt,
  segmentIndexAt,
  timeAtOffset,
  wordIndexAt,
  wordIndexAtTime,
  words,
} from './timing.ts';
export type { TimedText, WordRange } from './timing.ts';
