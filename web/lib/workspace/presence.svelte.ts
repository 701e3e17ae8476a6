/**
 * Presence over Yjs awareness: who else is in the task, where their playhead is, what they
 * selected, which lane they work on.
 *
 * The local state is published on the awareness of every *layer* document the user has open, and
 * peers are read from all of them (deduplicated by session). Not on the task document: in blind
 * mode annotators share no layer, so they never learn where the other one is working; whoever may
 * read a layer sees the presence of the people working in it.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- private bookkeeping, deliberately not reactive: what the UI reads is in $state fields. */
import type { Awareness } from 'y-protocols/awareness';
import type { AnnotationRef } from '../timeline/model.ts';
import type { PresencePeer, TimeRange } from '../timeline/renderer.ts';

export interface PresenceUser {
  id: string;
  name: string;
  /** `#rrggbb`. */
  color: string;
}

/** What one session publishes (awareness field `presence`). */
export interface PresenceState {
  v: 1;
  /** Random per page load: one user may have two tabs. */
  session: string;
  user: PresenceUser;
  playhead: number | null;
  selection: TimeRange | null;
  /** Lane (`<layerId>/<tierId>`) they work on. */
  laneId: string | null;
  /** Tier of that lane, for display. */
  tierName: string | null;
  selected: AnnotationRef[];
  playing: boolean;
  /** ms epoch of the last change (the newest copy wins across documents). */
  t: number;
}

/** A peer as the workspace shows it. */
export interface Peer extends PresencePeer {
  session: string;
  userId: string;
  tierName: string | null;
  playing: boolean;
}

export type LocalPresence = Omit<PresenceState, 'v' | 'session' | 'user' | 't'>;

const FIELD = 'presence';
/** At most this often (ms) on the wire while the playhead runs. */
const THROTTLE_MS = 100;

/** Distinct, readable colours on the dark timeline (no yellow: that is the gold layer's). */
export const PRESENCE_COLORS = [
  '#ff9f43',
  '#2ed573',
  '#ff6b81',
  '#1e90ff',
  '#a29bfe',
  '#17c0eb',
  '#ff7f50',
  '#e056fd',
  '#7bed9f',
  '#70a1ff',
];

/** A stable colour for a user id. */
export function colorFor(userId: string): string {
  let h = 2166136261;
  for (let i = 0; i < userId.length; i++) h = Math.imul(h ^ userId.charCodeAt(i), 16777619);
  return PRESENCE_COLORS[(h >>> 0) % PRESENCE_COLORS.length];
}

function isState(v: unknown): v is PresenceState {
  const s = v as Partial<PresenceState> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.v === 1 &&
    typeof s.session === 'string' &&
    typeof s.user?.id === 'string' &&
    typeof s.user?.name === 'string' &&
    typeof s.t === 'number'
  );
}

function randomSession(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : Math.random().toString(36).slice(2);
}

export class PresenceHub {
  /** Other sessions, ordered by name. */
  peers = $state.raw<Peer[]>([]);
  readonly session = randomSession();
  private readonly attached = new Map<Awareness, () => void>();
  private local: LocalPresence = {
    playhead: 0,
    selection: null,
    laneId: null,
    tierName: null,
    selected: [],
    playing: false,
  };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSent = 0;

  constructor(readonly user: PresenceUser) {}

  /** Publishes on `awareness` and reads peers from it; returns the detach function. */
  attach(awareness: Awareness): () => void {
    if (this.attached.has(awareness)) return this.attached.get(awareness)!;
    const onChange = (): void => this.collect();
    awareness.on('change', onChange);
    awareness.setLocalStateField(FIELD, this.state());
    const detach = (): void => {
      awareness.off('change', onChange);
      this.attached.delete(awareness);
      this.collect();
    };
    this.attached.set(awareness, detach);
    this.collect();
    return detach;
  }

  /** Attaches exactly this set of awareness instances. */
  setSources(sources: readonly Awareness[]): void {
    const want = new Set(sources);
    for (const [a, detach] of [...this.attached]) if (!want.has(a)) detach();
    for (const a of sources) this.attach(a);
  }

  /** Changes the local state; sent at most every THROTTLE_MS. */
  update(patch: Partial<LocalPresence>): void {
    this.local = { ...this.local, ...patch };
    if (this.timer !== null) return;
    const wait = Math.max(0, THROTTLE_MS - (Date.now() - this.lastSent));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  /** Sends the local state now. */
  flush(): void {
    this.lastSent = Date.now();
    const state = this.state();
    for (const a of this.attached.keys()) a.setLocalStateField(FIELD, state);
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    for (const [a, detach] of [...this.attached]) {
      detach();
      a.setLocalState(null);
    }
    this.peers = [];
  }

  private state(): PresenceState {
    return { v: 1, session: this.session, user: this.user, t: Date.now(), ...this.local };
  }

  private collect(): void {
    const newest = new Map<string, PresenceState>();
    for (const a of this.attached.keys())
      for (const [clientId, raw] of a.getStates()) {
        if (clientId === a.clientID) continue;
        const s = (raw as Record<string, unknown>)[FIELD];
        if (!isState(s) || s.session === this.session) continue;
        const prev = newest.get(s.session);
        if (prev === undefined || prev.t < s.t) newest.set(s.session, s);
      }
    this.peers = [...newest.values()]
      .map((s): Peer => ({
        id: s.session,
        session: s.session,
        userId: s.user.id,
        name: s.user.name,
        color: /^#[0-9a-f]{6}$/i.test(s.user.color) ? s.user.color : colorFor(s.user.id),
        playhead: typeof s.playhead === 'number' && Number.isFinite(s.playhead) ? s.playhead : null,
        selection: validRange(s.selection),
        laneId: typeof s.laneId === 'string' ? s.laneId : null,
        tierName: typeof s.tierName === 'string' ? s.tierName : null,
        selected: Array.isArray(s.selected)
          ? s.selected.filter((r) => typeof r?.layerId === 'string' && typeof r?.id === 'string').slice(0, 50)
          : [],
        playing: s.playing === true,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || (a.session < b.session ? -1 : 1));
  }
}

function validRange(r: unknown): TimeRange | null {
  const v = r as Partial<TimeRange> | null;
  if (typeof v !== 'object' || v === null) return null;
  return Number.isFinite(v.start) && Number.isFinite(v.end) ? { start: v.start!, end: v.end! } : null;
}
