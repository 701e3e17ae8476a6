/**
 * Wire types of the REST API, as the route JSON schemas in server/routes/api/*.ts declare them.
 * Domain shapes (settings, taxonomy, tiers, workflow) come from shared/ so they cannot drift.
 */
import type { ProjectSettings } from '$shared/domain/project.ts';
import type { AssignmentRole, LayerKind, TaskStatus } from '$shared/domain/task.ts';
import type { Taxonomy } from '$shared/model/taxonomy.ts';
import type { Role, Tier } from '$shared/model/tier.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string | null;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  settings: ProjectSettings;
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** Your role in the project; null for an admin who is not a member. */
  myRole?: Role | null;
}

export interface NewProject {
  name: string;
  description?: string;
  taxonomy?: Taxonomy;
  tiers?: Tier[];
  settings?: ProjectSettings;
}

export interface ProjectPatch {
  revision: number;
  name?: string;
  description?: string;
  settings?: ProjectSettings;
}

export interface SchemaDoc {
  revision: number;
  taxonomy: Taxonomy;
  tiers: Tier[];
}

export interface Member {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  skills: string[];
  addedAt: string;
}

export interface Rational {
  num: number;
  den: number;
}

export type MediaKind = 'video' | 'audio' | 'text';

export interface MediaInfo {
  kind: MediaKind;
  container: string;
  durationSec: number;
  frameRate: Rational | null;
  frameCount?: number | null;
  width?: number | null;
  height?: number | null;
  sampleRate: number | null;
  channels: number | null;
  videoCodec?: string | null;
  audioCodec?: string | null;
  characters?: number | null;
}

export interface Media {
  id: string;
  projectId: string;
  filename: string;
  kind: MediaKind;
  contentType: string;
  bytes: number;
  sha256: string;
  info: MediaInfo;
  hasPeaks: boolean;
  createdBy: string | null;
  createdAt: string;
}

/** A text media file as a transcript (GET /api/media/:id/transcript). */
export interface MediaTranscript {
  mediaId: string;
  format: 'vtt' | 'srt' | 'json' | 'text';
  /** Cues in file order; start/end null for untimed plain text. */
  segments: Array<{ start: number | null; end: number | null; text: string; speaker?: string }>;
  /** The segments' text joined by "\n": span offsets on the medium count into this string. */
  text: string;
}

export interface TaskMedia {
  mediaId: string;
  offsetSec: number;
  kind: MediaKind;
  filename: string;
  info: Partial<MediaInfo>;
}

export interface Assignment {
  userId: string;
  username: string;
  displayName: string;
  role: AssignmentRole;
  submittedAt: string | null;
}

export interface TaskLayer {
  id: string;
  kind: LayerKind;
  userId: string | null;
  /** Yjs document name for `/sync/<docName>`. */
  docName: string;
  /** What the WebSocket connection to this layer will allow. */
  access: 'read' | 'write';
  /** Tiers the layer is compared on (its owner may annotate them); null: every tier. */
  tierIds: string[] | null;
}

export interface PersonRef {
  userId: string;
  username: string;
  displayName: string;
}

/** A pending rejection: what the annotators have to fix, from whom, since when. */
export interface Rejection {
  reason: string;
  at: string | null;
  by: PersonRef | null;
}

export interface Task {
  id: string;
  projectId: string;
  name: string;
  status: TaskStatus;
  rejectionReason: string | null;
  /** Kept while the annotators rework a rejected task; null once it is submitted again. */
  rejection: Rejection | null;
  sharedDoc: string;
  media: TaskMedia[];
  assignments: Assignment[];
  layers: TaskLayer[];
  createdAt: string;
  updatedAt: string;
}

/** A row of GET /api/queue/review or /api/queue/work (a task across projects). */
export interface QueueItem {
  id: string;
  name: string;
  status: TaskStatus;
  projectId: string;
  projectName: string;
  myRole: Role;
  /** The task's last change: how long it has been waiting. */
  waitingSince: string;
  createdAt: string;
  annotators: { total: number; submitted: number };
  agreement: number | null;
  reviewBy: PersonRef | null;
  rejection: Rejection | null;
}

export type QueueKind = 'review' | 'work';

/** What a JSON export contains: everything, the gold layer only, the annotator layers only. */
export type ExportInclude = 'all' | 'gold' | 'layers';

export interface TaskInput {
  name: string;
  media: Array<{ mediaId: string; offsetSec?: number }>;
  annotators: string[];
  reviewers: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface NewApiToken {
  id: string;
  name: string;
  /** The secret: shown once, never again. */
  token: string;
  expiresAt: string | null;
}
