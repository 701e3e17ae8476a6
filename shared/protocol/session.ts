/**
 * Wire format of the live adjudication session channel (`/api/tasks/:id/session`, JSON text
 * frames) and of its watch feed (`/api/tasks/:id/session/watch`). Used by server/sessions and
 * web/lib/session; server/sessions/README.md describes the rules behind each message.
 */

export interface TimeRange {
  start: number;
  end: number;
}

/** What the session is discussing: one annotation (of a layer) or a stretch of time. */
export type SessionFocus =
  | { kind: 'annotation'; layerId: string; annotationId: string; note?: string }
  | { kind: 'range'; start: number; end: number; note?: string };

/** One participant's selection on the timeline (presence shows it on the lanes as well). */
export interface SessionSelection {
  range: TimeRange | null;
  refs: Array<{ layerId: string; id: string }>;
}

/** The shared playhead as the leader last sent it; `at` is the server's ms epoch on receipt. */
export interface SessionPlayhead {
  time: number;
  playing: boolean;
  rate: number;
  at: number;
  /** User id of the leader who sent it. */
  by: string;
}

export interface SessionParticipant {
  userId: string;
  displayName: string;
  /** Open channel connections (tabs); empty = invited but not connected. */
  connections: string[];
}

/** Everything a participant needs to render the session; sent on join and on structural changes. */
export interface SessionSnapshot {
  id: string;
  taskId: string;
  projectId: string;
  starterId: string;
  leaderId: string;
  startedAt: string;
  participants: SessionParticipant[];
  playhead: SessionPlayhead | null;
  focus: (SessionFocus & { by: string }) | null;
  /** Selections by connection id. */
  selections: Record<string, { userId: string; selection: SessionSelection }>;
  /** User ids asking the leader for control, oldest first. */
  requests: string[];
}

/** REST and watch-feed view of a session (no live details). */
export interface SessionSummary {
  id: string;
  taskId: string;
  projectId: string;
  starterId: string;
  leaderId: string;
  startedAt: string;
  participants: Array<{ userId: string; displayName: string; connected: boolean }>;
}

/** Messages the server pushes on the session channel (plus `response` to requests). */
export type SessionServerMessage =
  | { type: 'welcome'; connectionId: string; userId: string; serverNow: number }
  | { type: 'state'; session: SessionSnapshot; serverNow: number }
  | { type: 'playhead'; playhead: SessionPlayhead; serverNow: number }
  | { type: 'focus'; focus: (SessionFocus & { by: string }) | null }
  | { type: 'selection'; connectionId: string; userId: string; selection: SessionSelection | null }
  | { type: 'control.requested'; userId: string }
  | { type: 'ended'; by: string | null; reason: SessionEndReason }
  | { type: 'error'; code: string; message: string; about?: string }
  | { type: 'response'; id: string | number; ok: true; data: unknown }
  | { type: 'response'; id: string | number; ok: false; error: { code: string; message: string } };

/** Why a session ended. */
export type SessionEndReason = 'ended' | 'idle' | 'task_deleted' | 'shutdown';

/** Message types a participant sends; anything else must start with a registered extension prefix. */
export const SESSION_CLIENT_TYPES = [
  'playhead',
  'focus',
  'selection',
  'control.request',
  'control.cancel',
  'control.grant',
  'control.release',
  'control.take',
  'leave',
  'end',
] as const;
export type SessionClientType = (typeof SESSION_CLIENT_TYPES)[number];

/** Watch feed: whether a session runs on the task (null when none), pushed on every change. */
export interface SessionWatchMessage {
  type: 'session';
  session: SessionSummary | null;
}

/** Longest JSON message (bytes) a participant may send on the channel. */
export const SESSION_MAX_MESSAGE_BYTES = 64 * 1024;
/** The leader's playhead is relayed at most this often (ms); the last value always goes out. */
export const PLAYHEAD_RELAY_MS = 50;
