/**
 * Project settings: plain data shared by the server (validation, access rules) and the web app
 * (settings page). The taxonomy and tiers live in shared/model.
 */

/**
 * Who sees which layers:
 * - `blind`: annotators see only their own layer; reviewers and managers see all.
 * - `reveal_after_submit`: as blind until the annotator has submitted, then every layer of the task.
 * - `open`: every member of the task sees every layer live.
 */
export type VisibilityMode = 'blind' | 'reveal_after_submit' | 'open';
export const VISIBILITY_MODES: readonly VisibilityMode[] = ['blind', 'reveal_after_submit', 'open'];

export interface AgreementThresholds {
  /** Tasks whose headline agreement falls below this are flagged (QA console, task list). */
  minAlpha: number;
}

export interface ProjectSettings {
  visibility: VisibilityMode;
  /** How many annotators a task normally gets (double annotation = 2). */
  annotatorsPerTask: number;
  agreement: {
    /** Segment matching threshold. */
    iouThreshold: number;
    /** Event matching tolerance, seconds. */
    eventToleranceSec: number;
    /** Time-slicing resolution: milliseconds, or the video's frames. */
    resolution: { unit: 'ms'; ms: number } | { unit: 'frame' };
    thresholds: AgreementThresholds;
  };
}

export const DEFAULT_PROJECT_SETTINGS: ProjectSettings = {
  visibility: 'blind',
  annotatorsPerTask: 2,
  agreement: {
    iouThreshold: 0.5,
    eventToleranceSec: 0.2,
    resolution: { unit: 'ms', ms: 10 },
    thresholds: { minAlpha: 0.667 },
  },
};
