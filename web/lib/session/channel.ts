/**
 * The browser side of the live-session channel as client modules (voice) see it. The session
 * client (web/lib/session/) implements it; copy verbatim to web/lib/session/channel.ts.
 */
export interface SessionChannel {
  /** Sends `{type, id, ...data}` and resolves with the response's `data` (rejects with {code, message}). */
  request<T = unknown>(type: string, data?: Record<string, unknown>): Promise<T>;
  /** Sends a message that expects no answer. */
  notify(type: string, data?: Record<string, unknown>): void;
  /** Subscribes to pushed messages of one type; returns the unsubscribe. */
  on(type: string, cb: (msg: Record<string, unknown>) => void): () => void;
  /** True while the channel's socket is open and joined. */
  readonly connected: boolean;
  /** This connection's id in the session, and the user's id. */
  readonly connectionId: string | null;
  readonly userId: string;
}
