import type {
  SessionFocus,
  SessionPlayhead,
  SessionSelection,
  SessionSnapshot,
  SessionSummary,
} from '../../shared/protocol/session.ts';
import type { SessionInfo, SessionMessage, SessionPeer } from './extension.ts';

/** The transport of one channel connection (a `ws` socket in production). */
export interface SessionSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet sent (backpressure). */
  readonly bufferedAmount: number;
}

export interface Participant {
  userId: string;
  displayName: string;
  isAdmin: boolean;
}

export interface Connection extends SessionPeer {
  socket: SessionSocket;
  /** May invite, remove, take control and end (policy `admin` on the session, decided at join). */
  administers: boolean;
  /** Messages received in the current one-second window (flood guard). */
  window: { start: number; count: number };
}

/**
 * One live session of one task: who is invited, who is connected (per tab), who leads, and the
 * shared state (playhead, focus, selections, control requests). Pure bookkeeping: the hub does the
 * sending, the closing and the timing.
 */
export class LiveSession {
  readonly id = crypto.randomUUID();
  readonly startedAt = new Date();
  leaderId: string;
  /** Insertion order = invitation order (the starter first): the leader succession order. */
  readonly participants = new Map<string, Participant>();
  readonly connections = new Map<string, Connection>();
  playhead: SessionPlayhead | null = null;
  focus: (SessionFocus & { by: string }) | null = null;
  readonly selections = new Map<string, { userId: string; selection: SessionSelection }>();
  /** User ids asking for control, oldest first. */
  requests: string[] = [];
  ended = false;

  constructor(
    readonly taskId: string,
    readonly projectId: string,
    readonly starter: Participant,
  ) {
    this.leaderId = starter.userId;
    this.participants.set(starter.userId, starter);
  }

  get starterId(): string {
    return this.starter.userId;
  }

  connectionsOf(userId: string): Connection[] {
    return [...this.connections.values()].filter((c) => c.userId === userId);
  }

  isConnected(userId: string): boolean {
    for (const c of this.connections.values()) if (c.userId === userId) return true;
    return false;
  }

  /**
   * Who leads when the leader steps down or leaves: whoever asked first, else the starter, else
   * the participant invited earliest, each only if connected (and not `except`). Null: nobody.
   */
  successor(except: string): string | null {
    for (const id of this.requests) if (id !== except && this.isConnected(id)) return id;
    if (this.starterId !== except && this.isConnected(this.starterId)) return this.starterId;
    for (const id of this.participants.keys()) if (id !== except && this.isConnected(id)) return id;
    return null;
  }

  setLeader(userId: string): void {
    this.leaderId = userId;
    this.requests = this.requests.filter((id) => id !== userId);
  }

  info(): SessionInfo {
    return {
      id: this.id,
      taskId: this.taskId,
      projectId: this.projectId,
      leaderId: this.leaderId,
      participantIds: [...this.participants.keys()],
    };
  }

  snapshot(): SessionSnapshot {
    return {
      ...this.head(),
      participants: [...this.participants.values()].map((p) => ({
        userId: p.userId,
        displayName: p.displayName,
        connections: this.connectionsOf(p.userId).map((c) => c.connectionId),
      })),
      playhead: this.playhead,
      focus: this.focus,
      selections: Object.fromEntries(this.selections),
      requests: [...this.requests],
    };
  }

  summary(): SessionSummary {
    return {
      ...this.head(),
      participants: [...this.participants.values()].map((p) => ({
        userId: p.userId,
        displayName: p.displayName,
        connected: this.isConnected(p.userId),
      })),
    };
  }

  private head() {
    return {
      id: this.id,
      taskId: this.taskId,
      projectId: this.projectId,
      starterId: this.starterId,
      leaderId: this.leaderId,
      startedAt: this.startedAt.toISOString(),
    };
  }
}

export function encode(msg: SessionMessage | object): string {
  return JSON.stringify(msg);
}
