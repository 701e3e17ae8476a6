/**
 * The live session of one task as the workspace sees it: whether one runs and who is in it (the
 * watch feed, for everyone who reads the task: invitation prompts), and once joined the channel's
 * state: participants, leader, the shared playhead, the focus, the others' selections.
 *
 * For other modules (adjudication UI): `setFocus(focus)` puts an annotation or a time range under
 * discussion for everyone; `onFocus(cb)` tells of every change; `focus` is the current one;
 * `channel` is the SessionChannel (for voice) while joined.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- listener sets and timers are private bookkeeping; what the UI reads is in $state fields. */
import type {
  SessionFocus,
  SessionPlayhead,
  SessionSelection,
  SessionSnapshot,
  SessionSummary,
} from '$shared/protocol/session.ts';
import { getContext, setContext } from 'svelte';
import { http } from '../api/client.ts';
import { SessionClient, sessionUrl, type ChannelError } from './client.svelte.ts';

const CONTEXT = Symbol('concord.session');

/** Makes the workspace's session store available to the components inside it. */
export function provideSession(store: SessionStore): void {
  setContext(CONTEXT, store);
}

/** The workspace's session store (null outside a workspace): for adjudication and voice UI. */
export function useSession(): SessionStore | null {
  return getContext<SessionStore | undefined>(CONTEXT) ?? null;
}

/** The leader's playhead as received, to extrapolate while it runs. */
export interface RemotePlayhead {
  /** Playhead at `receivedAt` (already moved on by the relay's delay when playing). */
  time: number;
  playing: boolean;
  rate: number;
  by: string;
  /** `performance.now()` on receipt. */
  receivedAt: number;
}

/** Where the leader's playhead is now. */
export function remoteTime(p: RemotePlayhead, now = performance.now()): number {
  return p.playing ? p.time + ((now - p.receivedAt) / 1000) * p.rate : p.time;
}

export type Focus = SessionFocus & { by: string };
export interface Candidate {
  userId: string;
  displayName: string;
  role: string;
}

/** While playing, the leader sends its playhead this often (followers play along in between)... */
const PLAYING_SEND_MS = 250;
/** ...and at once when it jumps by more than this from where it should be (a seek). */
const JUMP_S = 0.3;
const SELECTION_SEND_MS = 150;

export class SessionStore {
  /** The task's session (watch feed); null: none runs. */
  summary = $state.raw<SessionSummary | null>(null);
  /** The channel's view once joined. */
  snapshot = $state.raw<SessionSnapshot | null>(null);
  playhead = $state.raw<RemotePlayhead | null>(null);
  focus = $state.raw<Focus | null>(null);
  selections = $state.raw<SessionSnapshot['selections']>({});
  /** Follow the leader's playhead (a participant may look elsewhere for a while). */
  following = $state(true);
  /** The invitation prompt was answered (join, decline, or leave). */
  dismissed = $state(false);
  client = $state.raw<SessionClient | null>(null);
  /** A message for the user about the last failure or ending (null: nothing to say). */
  notice = $state<string | null>(null);
  busy = $state(false);

  readonly #focusListeners = new Set<(focus: Focus | null) => void>();
  #offs: Array<() => void> = [];
  #watch: WebSocket | null = null;
  #watchAttempts = 0;
  #watchTimer: ReturnType<typeof setTimeout> | null = null;
  #destroyed = false;
  #sent: { time: number; playing: boolean; rate: number; at: number } | null = null;
  #selection: SessionSelection | null = null;
  #selectionTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly taskId: string,
    readonly userId: string,
    /** Managers and admins administer every session; reviewers start them. */
    readonly rights: { start: boolean; manage: boolean },
  ) {
    this.#openWatch();
  }

  // ── what the UI reads ───────────────────────────────────────────────────────────────────────
  get channel(): SessionClient | null {
    return this.client;
  }
  get joined(): boolean {
    return this.client !== null && this.client.connected && this.snapshot !== null;
  }
  get invited(): boolean {
    return this.summary?.participants.some((p) => p.userId === this.userId) ?? false;
  }
  /** Show "X invites you: join / decline". */
  get prompt(): boolean {
    return this.invited && this.client === null && !this.dismissed;
  }
  get leaderId(): string | null {
    return this.snapshot?.leaderId ?? this.summary?.leaderId ?? null;
  }
  get amLeader(): boolean {
    return this.joined && this.leaderId === this.userId;
  }
  get administers(): boolean {
    return this.rights.manage || (this.summary?.starterId ?? this.snapshot?.starterId) === this.userId;
  }
  get requested(): boolean {
    return this.snapshot?.requests.includes(this.userId) ?? false;
  }
  nameOf(userId: string): string {
    const p =
      this.snapshot?.participants.find((x) => x.userId === userId) ??
      this.summary?.participants.find((x) => x.userId === userId);
    return p?.displayName ?? 'someone';
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────────
  async start(invitees: string[]): Promise<void> {
    await this.#act(async () => {
      this.summary = await http.post<SessionSummary>(`/api/tasks/${this.taskId}/session`, { participants: invitees });
      this.join();
    });
  }

  join(): void {
    if (this.client) return;
    this.dismissed = true;
    this.notice = null;
    const client = new SessionClient(this.taskId, this.userId, (code) => this.#ended(code));
    this.client = client;
    this.#offs = [
      client.on('state', (m) => this.#state(m.session as SessionSnapshot, m.serverNow as number)),
      client.on('playhead', (m) => this.#playhead(m.playhead as SessionPlayhead, m.serverNow as number)),
      client.on('focus', (m) => this.#setFocus((m.focus as Focus | null) ?? null)),
      client.on('selection', (m) => {
        const next = { ...this.selections };
        if (m.selection)
          next[m.connectionId as string] = { userId: m.userId as string, selection: m.selection as SessionSelection };
        else delete next[m.connectionId as string];
        this.selections = next;
      }),
      client.on('control.requested', (m) => {
        this.notice = `${this.nameOf(m.userId as string)} asks for control.`;
      }),
      client.on('ended', (m) => {
        const by = m.by as string | null;
        this.notice = by && by !== this.userId ? `${this.nameOf(by)} ended the session.` : 'The session ended.';
      }),
    ];
    // Once joined, our current selection goes out.
    if (this.#selection) this.setSelection(this.#selection);
  }

  /** Managers may join any session of their project: they invite themselves first. */
  async joinAsManager(): Promise<void> {
    await this.invite(this.userId);
    if (this.invited) this.join();
  }

  async decline(): Promise<void> {
    this.dismissed = true;
    await this.#act(() => http.delete(`/api/tasks/${this.taskId}/session/participants/${this.userId}`));
  }

  /** Leaves the channel (stays invited: "rejoin" is offered). */
  async leave(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.request('leave').catch(() => {});
    this.#drop();
  }

  async end(): Promise<void> {
    await this.#act(() => http.delete(`/api/tasks/${this.taskId}/session`));
  }

  async invite(userId: string): Promise<void> {
    await this.#act(async () => {
      this.summary = await http.put<SessionSummary>(`/api/tasks/${this.taskId}/session/participants/${userId}`);
    });
  }

  async remove(userId: string): Promise<void> {
    await this.#act(async () => {
      this.summary = await http.delete<SessionSummary>(`/api/tasks/${this.taskId}/session/participants/${userId}`);
    });
  }

  candidates(): Promise<Candidate[]> {
    return http.get<Candidate[]>(`/api/tasks/${this.taskId}/session/candidates`);
  }

  // ── control ─────────────────────────────────────────────────────────────────────────────────
  requestControl = () => this.#send('control.request');
  cancelRequest = () => this.#send('control.cancel');
  grant = (userId: string) => this.#send('control.grant', { userId });
  release = () => this.#send('control.release');
  take = () => this.#send('control.take');

  // ── focus, selection, playhead ──────────────────────────────────────────────────────────────
  /**
   * Puts an annotation or a time range under discussion for every participant (null clears it).
   * False when not in a session.
   */
  setFocus(focus: SessionFocus | null): boolean {
    if (!this.joined) return false;
    this.client!.notify('focus', { focus });
    return true;
  }

  /** Calls `cb` on every focus change (anyone's, ours included); returns the unsubscribe. */
  onFocus(cb: (focus: Focus | null) => void): () => void {
    this.#focusListeners.add(cb);
    return () => this.#focusListeners.delete(cb);
  }

  /** Our selection, sent to the others (throttled). */
  setSelection(selection: SessionSelection | null): void {
    this.#selection = selection;
    if (!this.joined || this.#selectionTimer !== null) return;
    this.#selectionTimer = setTimeout(() => {
      this.#selectionTimer = null;
      if (this.joined) this.client!.notify('selection', { selection: this.#selection });
    }, SELECTION_SEND_MS);
  }

  /**
   * The local player's state, while we lead: sent when play state or rate change, when it jumps
   * (a seek), and every PLAYING_SEND_MS while it plays.
   */
  publishPlayhead(time: number, playing: boolean, rate: number): void {
    if (!this.amLeader) {
      this.#sent = null;
      return;
    }
    const now = performance.now();
    const last = this.#sent;
    const expected = last ? (last.playing ? last.time + ((now - last.at) / 1000) * last.rate : last.time) : NaN;
    const changed =
      !last ||
      last.playing !== playing ||
      last.rate !== rate ||
      !(Math.abs(expected - time) <= (playing ? JUMP_S : 1e-4));
    if (!changed && !(playing && now - last.at >= PLAYING_SEND_MS)) return;
    this.#sent = { time, playing, rate, at: now };
    this.client!.notify('playhead', { time, playing, rate });
  }

  destroy(): void {
    this.#destroyed = true;
    this.#drop();
    if (this.#watchTimer) clearTimeout(this.#watchTimer);
    if (this.#watch) {
      this.#watch.onclose = null;
      this.#watch.close(1000);
    }
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────
  #state(session: SessionSnapshot, serverNow: number): void {
    const wasLeader = this.amLeader;
    this.snapshot = session;
    this.selections = session.selections;
    if (this.focus === null && session.focus !== null) this.#setFocus(session.focus);
    if (session.playhead && this.playhead === null) this.#playhead(session.playhead, serverNow);
    // Leading: our playhead is the shared one; send it at once.
    if (!wasLeader && this.amLeader) this.#sent = null;
  }

  #playhead(p: SessionPlayhead, serverNow: number): void {
    const delay = Math.max(0, serverNow - p.at) / 1000;
    this.playhead = {
      time: p.playing ? p.time + delay * p.rate : p.time,
      playing: p.playing,
      rate: p.rate,
      by: p.by,
      receivedAt: performance.now(),
    };
  }

  #setFocus(focus: Focus | null): void {
    this.focus = focus;
    for (const cb of [...this.#focusListeners]) cb(focus);
  }

  async #send(type: string, data: Record<string, unknown> = {}): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.request(type, data).catch((err: ChannelError) => {
      this.notice = err.message;
    });
  }

  async #act(fn: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.notice = null;
    try {
      await fn();
    } catch (err) {
      this.notice = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  #ended(code: number): void {
    if (code === 4406) this.notice = 'You are no longer in this session.';
    else if (code === 4410) this.notice ??= 'The session ended.';
    else if (code !== 1000) this.notice = `The session channel closed (${code}).`;
    this.#drop();
  }

  #drop(): void {
    for (const off of this.#offs) off();
    this.#offs = [];
    this.client?.close();
    this.client = null;
    this.snapshot = null;
    this.playhead = null;
    this.selections = {};
    this.#sent = null;
    if (this.focus !== null) this.#setFocus(null);
    if (this.#selectionTimer) clearTimeout(this.#selectionTimer);
    this.#selectionTimer = null;
  }

  /** The watch feed: reconnects with backoff unless refused for good. */
  #openWatch(): void {
    if (this.#destroyed) return;
    const ws = new WebSocket(sessionUrl(this.taskId, '/watch'));
    this.#watch = ws;
    ws.onmessage = (event) => {
      let msg: { type?: string; session?: SessionSummary | null };
      try {
        msg = JSON.parse(String(event.data)) as typeof msg;
      } catch {
        return;
      }
      if (msg.type !== 'session') return;
      this.#watchAttempts = 0;
      const wasInvited = this.invited;
      this.summary = msg.session ?? null;
      // A new invitation (a new session, or invited again after declining) prompts again.
      if (!wasInvited && this.invited && this.client === null) this.dismissed = false;
    };
    ws.onclose = (event) => {
      if (this.#watch !== ws || this.#destroyed) return;
      this.#watch = null;
      if ([4401, 4403, 4404].includes(event.code)) return;
      const delay = Math.min(10_000, 300 * 2 ** this.#watchAttempts++) * (0.75 + Math.random() * 0.5);
      this.#watchTimer = setTimeout(() => this.#openWatch(), delay);
    };
  }
}
