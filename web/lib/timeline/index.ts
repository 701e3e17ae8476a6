/** Public API of the timeline engine (see README.md). */
export { default as Timeline } from './Timeline.svelte';
export { TimelineEngine } from './engine.ts';
export type { EditEvent, EditOp, EngineCallbacks, EngineOptions, PointerInput, WheelInput } from './engine.ts';
export * as edits from './edit.ts';
export { IntervalIndex } from './interval-index.ts';
export type { Interval } from './interval-index.ts';
export { DEFAULT_KEYMAP, KeyResolver, eventCombo, normalizeCombo } from './keymap.ts';
export type { Command, KeyBinding, KeyInput, Keymap } from './keymap.ts';
export { DEFAULT_LAYOUT, Layout, hitTest } from './layout.ts';
export type { Hit, HitPart, LayoutOptions } from './layout.ts';
export { TimelineModel, toItem } from './model.ts';
export type { AnnotationRef, LaneKind, LaneSpec, TimelineItem } from './model.ts';
export { Renderer, THEME } from './renderer.ts';
export type { PresencePeer, RenderStats, TimeRange } from './renderer.ts';
export { DEFAULT_SNAP, snapTime } from './snap.ts';
export type { SnapOptions, SnapResult } from './snap.ts';
export { computeTicks } from './ticks.ts';
export {
  RATES,
  formatTime,
  frameDuration,
  frameOf,
  frameTime,
  isFrameBoundary,
  isRational,
  snapToFrame,
  stepFrames,
} from './time.ts';
export type { Rational } from './time.ts';
export { Viewport } from './viewport.ts';
export type { ViewState } from './viewport.ts';
