/**
 * The session channel in the browser (implements the SessionChannel contract in channel.ts): one
 * WebSocket to `/api/tasks/:id/session` (same origin: the session cookie authenticates the
 * upgrade), requests matched to responses by id with a timeout, pushed messages to subscribers.
 * A dropped socket reconnects with backoff; final refusals (signed out, no access, not invited,
 * session ended, a malformed or oversized message of ours) do not, and are reported once.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- pending requests and listeners are private bookkeeping; what the UI reads is in $state fields. */
import type { SessionChannel } from './channel.ts';

export type ChannelStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Close codes after which reconnecting would only be refused again. */
const FINAL_CODES = new Set([1000, 4400, 4401, 4403, 4404, 4406, 4410, 4413]);
const REQUEST_TIMEOUT_MS = 10_000;

export interface ChannelError {
  code: string;
  message: string;
}

interface Pending {
  resolve(data: unknown): void;
  reject(err: ChannelError): void;
  timer: ReturnType<typeof setTimeout>;
}

export function sessionUrl(taskId: string, suffix = ''): string {
  const loc = window.location;
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/tasks/${encodeURIComponent(taskId)}/session${suffix}`;
}

export class SessionClient implements SessionChannel {
  status = $state<ChannelStatus>('connecting');
  /** The last close code that ended the channel for good (null while it lives). */
  finalCode = $state<number | null>(null);
  #connectionId = $state<string | null>(null);

  readonly #listeners = new Map<string, Set<(msg: Record<string, unknown>) => void>>();
  readonly #pending = new Map<string | number, Pending>();
  #ws: WebSocket | null = null;
  #seq = 0;
  #attempts = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(
    readonly taskId: string,
    readonly userId: string,
    private readonly onFinal: (code: number) => void = () => {},
  ) {
    this.#open();
  }

  get connected(): boolean {
    return this.status === 'open' && this.#connectionId !== null;
  }

  get connectionId(): string | null {
    return this.#connectionId;
  }

  request<T = unknown>(type: string, data: Record<string, unknown> = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const ws = this.#ws;
      if (!ws || ws.readyState !== WebSocket.OPEN || !this.connected) {
        reject({ code: 'not_connected', message: 'The session channel is not connected' } satisfies ChannelError);
        return;
      }
      const id = ++this.#seq;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject({ code: 'timeout', message: `No answer to ${type}` } satisfies ChannelError);
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ ...data, type, id }));
    });
  }

  notify(type: string, data: Record<string, unknown> = {}): void {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ...data, type }));
  }

  on(type: string, cb: (msg: Record<string, unknown>) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#failPending('closed');
    if (this.#ws) {
      this.#ws.onclose = null;
      this.#ws.onmessage = null;
      this.#ws.close(1000);
    }
    this.#ws = null;
    this.#connectionId = null;
    this.status = 'closed';
  }

  #open(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(sessionUrl(this.taskId));
    } catch {
      this.#retry();
      return;
    }
    this.#ws = ws;
    ws.onmessage = (event) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(event.data)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof msg.type !== 'string') return;
      if (msg.type === 'welcome') {
        this.#attempts = 0;
        this.#connectionId = typeof msg.connectionId === 'string' ? msg.connectionId : null;
        this.status = 'open';
      } else if (msg.type === 'response') {
        const p = this.#pending.get(msg.id as string | number);
        if (p) {
          this.#pending.delete(msg.id as string | number);
          clearTimeout(p.timer);
          if (msg.ok === true) p.resolve(msg.data);
          else p.reject((msg.error as ChannelError | undefined) ?? { code: 'internal', message: 'failed' });
        }
        return;
      }
      for (const cb of [...(this.#listeners.get(msg.type) ?? [])]) cb(msg);
    };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#connectionId = null;
      this.#failPending('disconnected');
      if (this.#closed) return;
      if (FINAL_CODES.has(event.code)) {
        this.status = 'closed';
        this.finalCode = event.code;
        this.onFinal(event.code);
        return;
      }
      this.#retry();
    };
  }

  #retry(): void {
    if (this.#closed) return;
    this.status = 'reconnecting';
    const delay = Math.min(10_000, 300 * 2 ** this.#attempts) * (0.75 + Math.random() * 0.5);
    this.#attempts++;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#closed) this.#open();
    }, delay);
  }

  #failPending(code: string): void {
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject({ code, message: 'The session channel closed' });
      this.#pending.delete(id);
    }
  }
}
