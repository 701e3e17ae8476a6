/**
 * WebSocket close codes the sync endpoint and the live session channel send (RFC 6455 reserves 4000–4999 for applications).
 *
 * The numbers mirror the HTTP status a REST call would get for the same fault (4400 ↔ 400,
 * 4413 ↔ 413, …) so they are easy to remember. The catalogue is the single source of truth:
 * the server closes only with codes listed here (plus 1001 on shutdown), and a test checks that
 * README.md documents every entry.
 */
export const CloseCode = {
  /**
   * The frame is not a y-websocket message (truncated varint, unknown type, trailing bytes), or on
   * the session channel not a JSON object with a string `type`.
   */
  MalformedMessage: 4400,
  /** The connection carries no valid session or token (issue: accounts). */
  Unauthenticated: 4401,
  /** The user may not open this document, or lost the right while connected. */
  Forbidden: 4403,
  /** The document name is not a valid name, or names no document of the domain. */
  BadDocumentName: 4404,
  /**
   * The user's rights on this document changed while connected (role, assignment, submit,
   * visibility): reconnect, and the server decides again with the new rights.
   */
  AccessChanged: 4409,
  /** No pong arrived within one heartbeat interval: the peer is presumed dead. */
  HeartbeatTimeout: 4408,
  /** A single message exceeds the configured maximum size (MAX_MESSAGE_BYTES). */
  MessageTooLarge: 4413,
  /** A Yjs update or awareness update inside a well-formed message does not decode. */
  InvalidUpdate: 4422,
  /** The client reads slower than the document changes: its send buffer passed the bound. */
  SlowConsumer: 4429,
  /**
   * Live session channel: the user may read the task but is not invited into its session (or was
   * removed from it). No HTTP twin: 4403 already means "no access to the task".
   */
  NotInvited: 4406,
  /** Live session channel: no session runs on the task, or it has just ended (HTTP 410 Gone). */
  SessionEnded: 4410,
  /** The document could not be loaded from storage; retry later. */
  LoadFailed: 4503,
  /** An unexpected server-side fault while handling the connection. */
  InternalError: 4500,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Standard code sent to every client on graceful shutdown (RFC 6455 "going away"). */
export const CLOSE_GOING_AWAY = 1001;

/** Human-readable descriptions, used for the close reason and the README table. */
export const closeCodeDescriptions: Record<CloseCode, { name: string; reconnect: boolean; text: string }> = {
  4400: { name: 'malformed_message', reconnect: false, text: 'Message is not a valid y-websocket frame' },
  4401: { name: 'unauthenticated', reconnect: false, text: 'Sign in first' },
  4403: { name: 'forbidden', reconnect: false, text: 'Access to this document is not allowed' },
  4404: { name: 'bad_document_name', reconnect: false, text: 'Invalid document name' },
  4406: { name: 'not_invited', reconnect: false, text: 'Not invited into this live session' },
  4410: { name: 'session_ended', reconnect: false, text: 'No live session on this task (ended)' },
  4409: { name: 'access_changed', reconnect: true, text: 'Access rights changed; reconnect to continue' },
  4408: { name: 'heartbeat_timeout', reconnect: true, text: 'No pong within the heartbeat interval' },
  4413: { name: 'message_too_large', reconnect: false, text: 'Message exceeds the maximum size' },
  4422: { name: 'invalid_update', reconnect: false, text: 'Yjs or awareness update does not decode' },
  4429: { name: 'slow_consumer', reconnect: true, text: 'Send buffer bound exceeded; resync on reconnect' },
  4500: { name: 'internal_error', reconnect: true, text: 'Internal server error' },
  4503: { name: 'load_failed', reconnect: true, text: 'Document could not be loaded; retry later' },
};

/** The close-frame reason for a code: its catalogue name (e.g. `slow_consumer`). */
export function closeReason(code: CloseCode): string {
  return closeCodeDescriptions[code].name;
}
