import type { FastifyBaseLogger } from 'fastify';
import { taskDocName } from '../../shared/domain/doc-names.ts';
import { CloseCode, closeReason } from '../../shared/protocol/close-codes.ts';
import {
  PLAYHEAD_RELAY_MS,
  SESSION_CLIENT_TYPES,
  SESSION_MAX_MESSAGE_BYTES,
  type SessionEndReason,
  type SessionServerMessage,
  type SessionSummary,
} from '../../shared/protocol/session.ts';
import type { AuditEntry } from '../audit/audit.ts';
import { ApiError } from '../errors.ts';
import type { ExtensionContext, SessionExtension, SessionMessage } from './extension.ts';
import { parseFocus, parseFrame, parsePlayhead, parseSelection } from './messages.ts';
import { encode, LiveSession, type Connection, type Participant, type SessionSocket } from './session.ts';

export interface HubOptions {
  log: FastifyBaseLogger;
  /** Records start, invite, remove and end in the audit log. */
  audit(entry: AuditEntry): Promise<void>;
  /** A session nobody is connected to ends after this long (ms). */
  idleMs: number;
  relayMs?: number;
}

/** What a re-check of a participant's access found. */
export type AccessVerdict = 'ok' | 'lost' | 'task_gone';

/** Messages per connection per second past which the rest of the second is dropped. */
const FLOOD_LIMIT = 200;
/** Queued bytes past which a connection that does not read is closed (4429). */
const MAX_BUFFERED = 4 * 1024 * 1024;
const CORE = new Set<string>(SESSION_CLIENT_TYPES);

/**
 * The registry of live sessions (one per task at a time) and the switchboard of their channel:
 * joins and leaves, the leader's playhead relay (coalesced to one message per PLAYHEAD_RELAY_MS),
 * control handover, focus and selections, end and teardown, and the routing of extension
 * messages (voice) to the extension that owns their prefix.
 */
export class SessionHub {
  private readonly byTask = new Map<string, LiveSession>();
  private readonly extensions: SessionExtension[] = [];
  private readonly watchers = new Map<string, Set<(s: SessionSummary | null) => void>>();
  private readonly idleTimers = new Map<LiveSession, ReturnType<typeof setTimeout>>();
  private readonly relays = new Map<
    LiveSession,
    { last: number; timer: ReturnType<typeof setTimeout> | null; from: string | null }
  >();
  private readonly relayMs: number;

  constructor(private readonly opts: HubOptions) {
    this.relayMs = opts.relayMs ?? PLAYHEAD_RELAY_MS;
  }

  /** Registers an extension: every message whose type starts with its prefix goes to it. */
  use(extension: SessionExtension): void {
    const { prefix } = extension;
    if (!/^[a-z][a-z0-9_-]*\.$/.test(prefix)) throw new Error(`extension prefix "${prefix}" must look like "name."`);
    if ([...CORE].some((t) => t.startsWith(prefix)))
      throw new Error(`extension prefix "${prefix}" shadows a core type`);
    if (this.extensions.some((e) => e.prefix.startsWith(prefix) || prefix.startsWith(e.prefix))) {
      throw new Error(`extension prefix "${prefix}" overlaps a registered one`);
    }
    this.extensions.push(extension);
  }

  /** The registered extensions (read-only; for operations and tests). */
  registered(): readonly SessionExtension[] {
    return [...this.extensions];
  }

  get(taskId: string): LiveSession | undefined {
    return this.byTask.get(taskId);
  }

  // ── lifecycle (REST) ────────────────────────────────────────────────────────────────────────

  async start(taskId: string, projectId: string, starter: Participant, invitees: Participant[]): Promise<LiveSession> {
    if (this.byTask.has(taskId)) throw new ApiError('SessionActive');
    const session = new LiveSession(taskId, projectId, starter);
    for (const p of invitees) if (!session.participants.has(p.userId)) session.participants.set(p.userId, p);
    this.byTask.set(taskId, session);
    this.scheduleIdle(session);
    await this.record(session, starter.userId, 'session.start', { invited: [...session.participants.keys()] });
    this.publish(session);
    return session;
  }

  async invite(session: LiveSession, who: Participant, actorId: string): Promise<void> {
    if (session.participants.has(who.userId)) return;
    session.participants.set(who.userId, who);
    await this.record(session, actorId, 'session.invite', { userId: who.userId });
    this.publish(session);
  }

  /** Takes a participant out: their connections close with `code` (4406; 4409 on lost access). */
  async remove(session: LiveSession, userId: string, actorId: string | null, code: CloseCode = CloseCode.NotInvited) {
    if (!session.participants.delete(userId)) return;
    session.requests = session.requests.filter((id) => id !== userId);
    for (const c of session.connectionsOf(userId)) {
      c.socket.close(code, closeReason(code));
      this.detach(session, c);
    }
    const next = session.leaderId === userId ? session.successor(userId) : null;
    if (next) session.setLeader(next);
    await this.record(session, actorId, 'session.remove', { userId });
    this.publish(session);
  }

  async end(session: LiveSession, by: string | null, reason: SessionEndReason): Promise<void> {
    if (session.ended) return;
    session.ended = true;
    this.byTask.delete(session.taskId);
    this.clearTimers(session);
    const bye: SessionServerMessage = { type: 'ended', by, reason };
    for (const c of session.connections.values()) {
      this.send(c, bye);
      c.socket.close(CloseCode.SessionEnded, closeReason(CloseCode.SessionEnded));
    }
    session.connections.clear();
    const info = session.info();
    for (const ext of this.extensions) {
      await Promise.resolve()
        .then(() => ext.onEnd?.(info))
        .catch((err: unknown) => this.opts.log.error({ err, prefix: ext.prefix }, 'session extension onEnd failed'));
    }
    await this.record(session, by, 'session.end', { reason });
    this.notifyWatchers(session.taskId, null);
  }

  // ── the channel ─────────────────────────────────────────────────────────────────────────────

  /** A participant's connection joins; they get `welcome` and the `state`, the others a new state. */
  connect(session: LiveSession, who: Participant, administers: boolean, socket: SessionSocket): Connection {
    const conn: Connection = {
      connectionId: crypto.randomUUID(),
      userId: who.userId,
      displayName: who.displayName,
      socket,
      administers,
      window: { start: 0, count: 0 },
    };
    const leaderAway = !session.isConnected(session.leaderId);
    session.connections.set(conn.connectionId, conn);
    // Nobody drives while the leader is away: whoever comes in takes the lead.
    if (leaderAway) session.setLeader(who.userId);
    const timer = this.idleTimers.get(session);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(session);
    this.send(conn, { type: 'welcome', connectionId: conn.connectionId, userId: who.userId, serverNow: Date.now() });
    this.publish(session);
    return conn;
  }

  /** The socket of `conn` closed (left, dropped, removed): forget it and tell the others. */
  disconnect(session: LiveSession, conn: Connection): void {
    if (!session.connections.has(conn.connectionId)) return;
    this.detach(session, conn);
    if (session.ended) return;
    if (session.leaderId === conn.userId && !session.isConnected(conn.userId)) {
      const next = session.successor(conn.userId);
      if (next) session.setLeader(next);
    }
    if (session.connections.size === 0) this.scheduleIdle(session);
    this.publish(session);
  }

  /** One frame from a participant. */
  async receive(session: LiveSession, conn: Connection, raw: string): Promise<void> {
    if (session.ended || !session.connections.has(conn.connectionId)) return;
    if (Buffer.byteLength(raw) > SESSION_MAX_MESSAGE_BYTES) {
      return conn.socket.close(CloseCode.MessageTooLarge, closeReason(CloseCode.MessageTooLarge));
    }
    const msg = parseFrame(raw);
    if (!msg) return conn.socket.close(CloseCode.MalformedMessage, closeReason(CloseCode.MalformedMessage));
    const now = Date.now();
    if (now - conn.window.start >= 1000) conn.window = { start: now, count: 0 };
    if (++conn.window.count > FLOOD_LIMIT) {
      return this.fail(conn, msg, new ApiError('RateLimited', `more than ${FLOOD_LIMIT} messages a second`));
    }
    try {
      const ext = this.extensions.find((e) => msg.type.startsWith(e.prefix));
      const data = ext ? await ext.handle(this.context(session, conn), msg) : this.core(session, conn, msg);
      if (msg.id !== undefined) this.send(conn, { type: 'response', id: msg.id, ok: true, data: data ?? null });
    } catch (err) {
      this.fail(conn, msg, err);
    }
  }

  private core(session: LiveSession, conn: Connection, msg: SessionMessage): unknown {
    const me = conn.userId;
    switch (msg.type) {
      case 'playhead': {
        if (session.leaderId !== me) throw new ApiError('NotLeader', 'only the leader moves the shared playhead');
        session.playhead = { ...parsePlayhead(msg), at: Date.now(), by: me };
        this.relayPlayhead(session, conn.connectionId);
        return null;
      }
      case 'focus': {
        const focus = parseFocus(msg.focus);
        session.focus = focus ? { ...focus, by: me } : null;
        this.broadcast(session, { type: 'focus', focus: session.focus });
        return null;
      }
      case 'selection': {
        const selection = parseSelection(msg.selection);
        if (selection) session.selections.set(conn.connectionId, { userId: me, selection });
        else session.selections.delete(conn.connectionId);
        this.broadcast(session, { type: 'selection', connectionId: conn.connectionId, userId: me, selection }, conn);
        return null;
      }
      case 'control.request':
        if (session.leaderId !== me && !session.requests.includes(me)) {
          session.requests.push(me);
          for (const c of session.connectionsOf(session.leaderId))
            this.send(c, { type: 'control.requested', userId: me });
          this.publish(session);
        }
        return { leaderId: session.leaderId };
      case 'control.cancel':
        session.requests = session.requests.filter((id) => id !== me);
        this.publish(session);
        return null;
      case 'control.grant': {
        if (session.leaderId !== me) throw new ApiError('NotLeader', 'only the leader hands control over');
        const to = msg.userId;
        if (typeof to !== 'string' || !session.participants.has(to) || !session.isConnected(to)) {
          throw new ApiError('InvalidReference', 'control goes to a connected participant');
        }
        session.setLeader(to);
        this.publish(session);
        return { leaderId: to };
      }
      case 'control.release': {
        if (session.leaderId !== me) throw new ApiError('NotLeader', 'only the leader releases control');
        const next = session.successor(me);
        if (next) session.setLeader(next);
        this.publish(session);
        return { leaderId: session.leaderId };
      }
      case 'control.take':
        if (!conn.administers) throw new ApiError('Forbidden', 'only the starter or a manager takes control');
        session.setLeader(me);
        this.publish(session);
        return { leaderId: me };
      case 'leave':
        // Answered first (the response precedes the close), then the socket closes normally.
        setImmediate(() => conn.socket.close(1000, 'left'));
        return null;
      case 'end':
        if (!conn.administers) throw new ApiError('Forbidden', 'only the starter or a manager ends the session');
        // Answered first, then everything is torn down.
        setImmediate(() => {
          this.end(session, me, 'ended').catch((err: unknown) =>
            this.opts.log.error({ err }, 'ending a session failed'),
          );
        });
        return null;
      default:
        throw new ApiError('ValidationFailed', `unknown message type "${msg.type}"`);
    }
  }

  // ── watch feed, access changes, shutdown ───────────────────────────────────────────────────

  /** Calls `cb` now and on every change of the task's session (null: none). */
  watch(taskId: string, cb: (s: SessionSummary | null) => void): () => void {
    let set = this.watchers.get(taskId);
    if (!set) this.watchers.set(taskId, (set = new Set()));
    set.add(cb);
    cb(this.byTask.get(taskId)?.summary() ?? null);
    return () => {
      set.delete(cb);
      if (set.size === 0) this.watchers.delete(taskId);
    };
  }

  /**
   * After an access change (the same `match` as fastify.reauthorize): participants it concerns
   * are checked again; who lost the task leaves the session (4409), a deleted task ends it.
   */
  async reauthorize(
    match: (docName: string, userId: string | null) => boolean,
    check: (p: Participant, taskId: string) => Promise<AccessVerdict>,
  ): Promise<void> {
    for (const session of [...this.byTask.values()]) {
      const doc = taskDocName(session.taskId);
      for (const p of [...session.participants.values()]) {
        if (session.ended || !match(doc, p.userId)) continue;
        const verdict = await check(p, session.taskId);
        if (verdict === 'task_gone') await this.end(session, null, 'task_deleted');
        else if (verdict === 'lost') await this.remove(session, p.userId, null, CloseCode.AccessChanged);
      }
    }
  }

  async close(): Promise<void> {
    for (const session of [...this.byTask.values()]) await this.end(session, null, 'shutdown');
  }

  // ── plumbing ───────────────────────────────────────────────────────────────────────────────

  private context(session: LiveSession, conn: Connection): ExtensionContext {
    return {
      session: session.info(),
      peer: { connectionId: conn.connectionId, userId: conn.userId, displayName: conn.displayName },
      send: (msg) => this.send(conn, msg),
      sendTo: (connectionId, msg) => {
        const to = session.connections.get(connectionId);
        if (to) this.send(to, msg);
      },
      broadcast: (msg, o) => this.broadcast(session, msg, o?.exceptSelf ? conn : undefined),
    };
  }

  private fail(conn: Connection, msg: SessionMessage, err: unknown): void {
    let error: { code: string; message: string };
    if (err instanceof ApiError) error = { code: err.code, message: err.message };
    else {
      this.opts.log.error({ err, type: msg.type }, 'session message failed');
      error = { code: 'internal', message: 'internal error' };
    }
    if (msg.id !== undefined) this.send(conn, { type: 'response', id: msg.id, ok: false, error });
    else this.send(conn, { type: 'error', ...error, about: msg.type });
  }

  private detach(session: LiveSession, conn: Connection): void {
    session.connections.delete(conn.connectionId);
    if (session.selections.delete(conn.connectionId)) {
      this.broadcast(session, {
        type: 'selection',
        connectionId: conn.connectionId,
        userId: conn.userId,
        selection: null,
      });
    }
    const info = session.info();
    const peer = { connectionId: conn.connectionId, userId: conn.userId, displayName: conn.displayName };
    for (const ext of this.extensions) {
      void Promise.resolve()
        .then(() => ext.onLeave?.(info, peer))
        .catch((err: unknown) => this.opts.log.error({ err, prefix: ext.prefix }, 'session extension onLeave failed'));
    }
  }

  /** The newest playhead goes out at once, or at the end of the current relay interval. */
  private relayPlayhead(session: LiveSession, from: string): void {
    const relay = this.relays.get(session) ?? { last: 0, timer: null, from: null };
    this.relays.set(session, relay);
    relay.from = from;
    if (relay.timer !== null) return;
    const flush = () => {
      relay.timer = null;
      relay.last = Date.now();
      const sender = relay.from ? session.connections.get(relay.from) : undefined;
      if (session.playhead) {
        this.broadcast(session, { type: 'playhead', playhead: session.playhead, serverNow: Date.now() }, sender);
      }
    };
    const wait = this.relayMs - (Date.now() - relay.last);
    if (wait <= 0) flush();
    else relay.timer = setTimeout(flush, wait);
  }

  private publish(session: LiveSession): void {
    if (session.ended) return;
    this.broadcast(session, { type: 'state', session: session.snapshot(), serverNow: Date.now() });
    this.notifyWatchers(session.taskId, session.summary());
  }

  private notifyWatchers(taskId: string, summary: SessionSummary | null): void {
    for (const cb of this.watchers.get(taskId) ?? []) cb(summary);
  }

  private broadcast(session: LiveSession, msg: SessionServerMessage | SessionMessage, except?: Connection): void {
    const data = encode(msg);
    for (const c of session.connections.values()) if (c !== except) this.sendRaw(c, data);
  }

  private send(conn: Connection, msg: SessionServerMessage | SessionMessage): void {
    this.sendRaw(conn, encode(msg));
  }

  private sendRaw(conn: Connection, data: string): void {
    if (conn.socket.bufferedAmount > MAX_BUFFERED) {
      conn.socket.close(CloseCode.SlowConsumer, closeReason(CloseCode.SlowConsumer));
      return;
    }
    conn.socket.send(data);
  }

  private scheduleIdle(session: LiveSession): void {
    const old = this.idleTimers.get(session);
    if (old) clearTimeout(old);
    const timer = setTimeout(() => {
      this.idleTimers.delete(session);
      if (session.connections.size === 0) {
        void this.end(session, null, 'idle').catch((err: unknown) => this.opts.log.error({ err }, 'idle end failed'));
      }
    }, this.opts.idleMs);
    timer.unref?.();
    this.idleTimers.set(session, timer);
  }

  private clearTimers(session: LiveSession): void {
    const idle = this.idleTimers.get(session);
    if (idle) clearTimeout(idle);
    this.idleTimers.delete(session);
    const relay = this.relays.get(session);
    if (relay?.timer) clearTimeout(relay.timer);
    this.relays.delete(session);
  }

  private async record(session: LiveSession, actorId: string | null, action: string, details: Record<string, unknown>) {
    await this.opts.audit({
      actorId,
      action,
      resourceType: 'task',
      resourceId: session.taskId,
      projectId: session.projectId,
      details: { sessionId: session.id, ...details },
    });
  }
}
