/**
 * Following someone else's playhead (a presence peer's, or a live session's leader): the local
 * player plays along while they play (at their rate), and is only re-seeked when it drifts past
 * a tolerance, so following does not stutter; while they are paused it sits exactly where they
 * are.
 */
import type { MediaSync } from './player.svelte.ts';

export interface FollowTarget {
  /** Their playhead now (s). */
  time: number;
  playing: boolean;
  /** Their playback rate (null: keep ours). */
  rate: number | null;
}

/** Drift (s) past which a playing follower is re-seeked. */
export const FOLLOW_DRIFT = 0.25;

/** Moves `sync` towards `target`; true when it seeked (the caller may reveal the playhead). */
export function followPlayhead(sync: MediaSync, target: FollowTarget): boolean {
  if (target.rate !== null && sync.rate !== target.rate) sync.setRate(target.rate);
  if (target.playing) {
    const drift = Math.abs(sync.time - target.time);
    if (sync.playing && drift <= FOLLOW_DRIFT) return false;
    if (drift > 1e-3) sync.seek(target.time);
    if (!sync.playing) sync.play();
    return true;
  }
  if (sync.playing) sync.pause();
  if (Math.abs(sync.time - target.time) <= 1e-6) return false;
  sync.seek(target.time);
  return true;
}
