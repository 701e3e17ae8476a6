/**
 * The contract between the live-session channel (server/sessions/) and modules that add message
 * types to it (voice signalling: server/voice/). Copy this file verbatim to
 * server/sessions/extension.ts; do not change it without saying so in your report.
 */

/** A live session of one task, as extensions see it. */
export interface SessionInfo {
  id: string;
  taskId: string;
  projectId: string;
  /** The participant who drives the shared playhead. */
  leaderId: string;
  /** User ids invited into the session (the starter included). */
  participantIds: readonly string[];
}

/** One open channel connection of a participant (a user may have several tabs). */
export interface SessionPeer {
  connectionId: string;
  userId: string;
  displayName: string;
}

/** Every channel message is a JSON object with a type; requests carry an id for the response. */
export interface SessionMessage {
  type: string;
  id?: string | number;
  [key: string]: unknown;
}

export interface ExtensionContext {
  session: SessionInfo;
  peer: SessionPeer;
  /** Sends to this connection only. */
  send(msg: SessionMessage): void;
  /** Sends to one connection of the session (no-op when it is gone). */
  sendTo(connectionId: string, msg: SessionMessage): void;
  /** Sends to every connection of the session, optionally not to this one. */
  broadcast(msg: SessionMessage, opts?: { exceptSelf?: boolean }): void;
}

/** A module that owns the message types starting with `prefix` (e.g. `voice.`). */
export interface SessionExtension {
  prefix: string;
  /**
   * Handles one message from a participant. For a message with an `id`, the hub answers
   * `{type: 'response', id, ok: true, data}` with the returned value, or
   * `{type: 'response', id, ok: false, error: {code, message}}` when it throws (an ApiError's code,
   * else 'internal').
   */
  handle(ctx: ExtensionContext, msg: SessionMessage): unknown;
  /** A connection left the session (closed, dropped, removed, or the user lost access). */
  onLeave?(session: SessionInfo, peer: SessionPeer): void | Promise<void>;
  /** The session ended: free everything it held. */
  onEnd?(session: SessionInfo): void | Promise<void>;
}
