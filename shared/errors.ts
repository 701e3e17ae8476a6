/**
 * HTTP error catalogue: every error the REST API returns has one of these codes, in the body
 * `{ "error": { "code": "...", "message": "..." } }`. Codes are stable; messages may improve.
 * A test checks README.md lists every code.
 */
export const ErrorCode = {
  /** Request body, params or query fail the route's JSON schema. */
  ValidationFailed: { status: 400, message: 'Request does not match the schema' },
  /** No valid session cookie or API token. */
  Unauthenticated: { status: 401, message: 'Sign in or send an API token' },
  /** Wrong username or password (one message for both: no account enumeration). */
  InvalidCredentials: { status: 401, message: 'Wrong username or password' },
  /** Signed in, but the role, assignment or visibility mode does not allow this. */
  Forbidden: { status: 403, message: 'Not allowed' },
  NotFound: { status: 404, message: 'No such resource' },
  /** Username already in use (compared case-insensitively). */
  UsernameTaken: { status: 409, message: 'Username already taken' },
  /** Password shorter than the minimum length. */
  WeakPassword: { status: 400, message: 'Password too short' },
  /** The `revision` sent does not match the stored one: someone else changed it first. */
  RevisionConflict: { status: 409, message: 'Changed by someone else; reload and retry' },
  /** A taxonomy that fails validation (duplicate hotkeys, cycles, orphan references, …). */
  InvalidTaxonomy: { status: 422, message: 'Invalid taxonomy' },
  /** Tiers that fail validation (unknown classes, parent cycles, kind/modality mismatch, …). */
  InvalidTiers: { status: 422, message: 'Invalid tiers' },
  /** A reference to a user, media file or tier that does not exist in this project. */
  InvalidReference: { status: 422, message: 'Reference to something that does not exist here' },
  /** A workflow action not allowed from the task's current status. */
  IllegalTransition: { status: 409, message: "Not allowed in the task's current status" },
  /** Removing something still in use (a member with assignments, media used by a task, …). */
  InUse: { status: 409, message: 'Still in use' },
  /** A live session already runs on this task (one per task); join it or end it first. */
  SessionActive: { status: 409, message: 'A live session already runs on this task' },
  /** No live session runs on this task. */
  NoSession: { status: 404, message: 'No live session on this task' },
  /** Session channel: only the leader moves the shared playhead or hands control over. */
  NotLeader: { status: 409, message: 'Only the session leader may do this' },
  /** An uploaded file the server cannot read as video, audio or text. */
  UnsupportedMedia: { status: 415, message: 'Unsupported media' },
  /** A required external tool (ffprobe, ffmpeg) is not installed; the message names it. */
  ToolMissing: { status: 501, message: 'A required media tool is not installed' },
  /** The media tool ran and failed on the file. */
  MediaProcessingFailed: { status: 422, message: 'Media could not be processed' },
  /** A Range header that does not fit the file. */
  RangeNotSatisfiable: { status: 416, message: 'Range not satisfiable' },
  /** Too many attempts (sign-in); retry after the time in the Retry-After header. */
  RateLimited: { status: 429, message: 'Too many requests' },
  /** Request body larger than the route allows. */
  PayloadTooLarge: { status: 413, message: 'Request body too large' },
  /** The database does not answer (health check). */
  DatabaseUnavailable: { status: 503, message: 'Database unavailable' },
  /** The web app has not been built (`npm run build`). */
  WebNotBuilt: { status: 503, message: 'Web app not built; run npm run build' },
  /** Voice is off (VOICE=off) or no mediasoup worker could start on this server. */
  VoiceUnavailable: { status: 503, message: 'Voice is not available on this server' },
  /** The session's voice call already has VOICE_MAX_PARTICIPANTS users. */
  VoiceFull: { status: 409, message: 'The voice call is full' },
  /** The user already holds VOICE_MAX_TRANSPORTS_PER_USER transports in this session. */
  VoiceTransportLimit: { status: 429, message: 'Too many voice transports for this user' },
  /** A voice request before `voice.join` (or after leaving the call). */
  VoiceNotJoined: { status: 409, message: 'Join the voice call first' },
  /** The media server refused the parameters (DTLS, RTP, codecs) the client sent. */
  VoiceMediaRejected: { status: 422, message: 'The media server rejected these parameters' },
  InternalError: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorName = keyof typeof ErrorCode;

/** snake_case wire code of a catalogue entry, e.g. `ValidationFailed` → `validation_failed`. */
export function errorCode(name: ErrorName): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`));
}

export interface ErrorBody {
  error: { code: string; message: string };
}
