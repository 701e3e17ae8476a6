/**
 * Live agreement for a set of tasks: one WebSocket per watched task to
 * `/api/tasks/:id/agreement/live` (same origin: the session cookie authenticates the upgrade).
 * The server sends `{type: 'report', report, changedTiers, initial}` on subscription and after
 * every recompute. Sockets that drop reconnect with backoff, except on final refusals (4401
 * signed out, 4403 not allowed, 4404); 4409 (access changed) reconnects and the server decides
 * again. `watch(ids)` opens what is new and closes what is no longer watched.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the socket table is private bookkeeping; what the UI reads is in $state fields. */
import type { TaskReport } from '$shared/agreement/report-types.ts';
import { liveUrl } from './api.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LiveMessage {
  taskId: string;
  report: TaskReport;
  changedTiers: string[];
  initial: boolean;
}

interface Entry {
  ws: WebSocket | null;
  attempts: number;
  timer: ReturnType<typeof setTimeout> | null;
}

const FINAL_CODES = new Set([4401, 4403, 4404]);

export class LiveAgreement {
  /** Latest report per watched task (replaced wholesale on every push). */
  reports = $state.raw<Record<string, TaskReport>>({});
  status = $state.raw<Record<string, LiveStatus>>({});
  /** Time of the last non-initial push (ms epoch). */
  lastChange = $state<number | null>(null);

  readonly #sockets = new Map<string, Entry>();
  readonly #onMessage: (message: LiveMessage) => void;
  readonly #url: (taskId: string) => string;
  #closed = false;

  constructor(options: { onMessage?: (message: LiveMessage) => void; url?: (taskId: string) => string } = {}) {
    this.#onMessage = options.onMessage ?? (() => {});
    this.#url = options.url ?? ((id) => liveUrl(id));
  }

  /** Watches exactly these tasks. */
  watch(taskIds: Iterable<string>): void {
    if (this.#closed) return;
    const wanted = new Set(taskIds);
    for (const id of [...this.#sockets.keys()]) if (!wanted.has(id)) this.#drop(id);
    for (const id of wanted) if (!this.#sockets.has(id)) this.#open(id, { ws: null, attempts: 0, timer: null });
  }

  close(): void {
    this.#closed = true;
    for (const id of [...this.#sockets.keys()]) this.#drop(id);
  }

  #setStatus(taskId: string, status: LiveStatus | null): void {
    const next = { ...this.status };
    if (status === null) delete next[taskId];
    else next[taskId] = status;
    this.status = next;
  }

  #open(taskId: string, entry: Entry): void {
    this.#sockets.set(taskId, entry);
    this.#setStatus(taskId, entry.attempts === 0 ? 'connecting' : 'reconnecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#url(taskId));
    } catch {
      this.#retry(taskId, entry);
      return;
    }
    entry.ws = ws;
    ws.onmessage = (event) => {
      if (this.#sockets.get(taskId) !== entry) return;
      let data: { type?: string; report?: TaskReport; changedTiers?: string[]; initial?: boolean };
      try {
        data = JSON.parse(String(event.data)) as typeof data;
      } catch {
        return;
      }
      if (data.type !== 'report' || !data.report) return;
      entry.attempts = 0;
      this.#setStatus(taskId, 'live');
      this.reports = { ...this.reports, [taskId]: data.report };
      const initial = data.initial === true;
      if (!initial) this.lastChange = Date.now();
      this.#onMessage({ taskId, report: data.report, changedTiers: data.changedTiers ?? [], initial });
    };
    ws.onclose = (event) => {
      if (this.#sockets.get(taskId) !== entry) return;
      entry.ws = null;
      if (FINAL_CODES.has(event.code)) {
        this.#setStatus(taskId, 'refused');
        return;
      }
      this.#retry(taskId, entry);
    };
  }

  #retry(taskId: string, entry: Entry): void {
    if (this.#closed) return;
    this.#setStatus(taskId, 'reconnecting');
    const delay = Math.min(10_000, 300 * 2 ** entry.attempts) * (0.75 + Math.random() * 0.5);
    entry.attempts++;
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.#sockets.get(taskId) === entry) this.#open(taskId, entry);
    }, delay);
  }

  #drop(taskId: string): void {
    const entry = this.#sockets.get(taskId);
    if (!entry) return;
    this.#sockets.delete(taskId);
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.ws) {
      entry.ws.onmessage = null;
      entry.ws.onclose = null;
      entry.ws.close(1000);
    }
    // Its last report stays: it is still the newest figure known for that task.
    this.#setStatus(taskId, null);
  }
}
