/**
 * The workspace's connection layer: one y-websocket provider per document of the task (every
 * readable layer and the shared task document), IndexedDB persistence for the documents the user
 * writes, and a status per document.
 *
 * - Authentication is the session cookie (same origin), sent by the browser with the upgrade.
 * - Close codes follow shared/protocol/close-codes.ts: codes the catalogue marks `reconnect`
 *   (4409 access_changed, 4408, 4429, 4500, 4503, 1001) reconnect; the others (4401, 4403,
 *   4404, …) are final and the document shows as refused. 4409 and a refusal also tell the
 *   workspace, which re-reads the task (layers and access may have changed).
 * - Writable documents are kept in IndexedDB (y-indexeddb), loaded before the socket opens, so a
 *   closed tab or a dropped network loses nothing: the next sync sends the server what it lacks.
 * - The browser's `offline` / `online` events disconnect and reconnect every provider at once
 *   (a socket can outlive the network for a long time before it notices).
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- private bookkeeping, deliberately not reactive: what the UI reads is in $state fields. */
import { IndexeddbPersistence } from 'y-indexeddb';
import * as authProtocol from 'y-protocols/auth';
import type { Awareness } from 'y-protocols/awareness';
import type * as decoding from 'lib0/decoding';
import type * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { closeCodeDescriptions, type CloseCode } from '$shared/protocol/close-codes.ts';

/**
 * - `connecting`: opening the socket or waiting for the first sync;
 * - `synced`: in sync with the server, edits go out live;
 * - `read-only`: in sync, the server takes no edits from us on this document;
 * - `offline`: no connection (edits of writable documents stay in this browser);
 * - `refused`: the server closed the document for good (no access, signed out).
 */
export type DocStatus = 'connecting' | 'synced' | 'read-only' | 'offline' | 'refused';

/** A document's state as the status panel lists it. */
export interface DocRow {
  name: string;
  label: string;
  status: DocStatus;
  /** Local edits not yet sent to the server. */
  unsynced: number;
  /** Local edits whose write to IndexedDB is pending. */
  unsaved: number;
  persisted: boolean;
}

export interface DocSpec {
  /** Document name (`layers/<id>`, `tasks/<id>`). */
  name: string;
  /** What the server said our connection gets. */
  access: 'read' | 'write';
  /** Keep a copy in IndexedDB (documents the user edits). */
  persist: boolean;
}

export interface ConnectionEvents {
  /** The server closed a document with 4409: rights changed (the provider reconnects by itself). */
  onAccessChanged?(name: string): void;
  /** The server refused a document for good (close code), or told us it takes no edits. */
  onRefused?(name: string, code: number): void;
  onReadOnlyNotice?(name: string): void;
}

const MESSAGE_AUTH = 2;
/** Waits at most this long for IndexedDB before connecting anyway (private mode, broken IDB). */
const LOCAL_LOAD_TIMEOUT_MS = 3000;

function shouldReconnect(event: CloseEvent): boolean {
  const known = closeCodeDescriptions[event.code as CloseCode];
  if (known) return known.reconnect;
  return !(event.code >= 4400 && event.code < 4500);
}

/** `ws(s)://<host>/sync` for the page's origin. */
export function syncUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/sync`;
}

/** Database name of a document's local copy: per user, so two accounts in one browser never mix. */
export function localDbName(userId: string, docName: string): string {
  return `concord:${userId}:${docName}`;
}

/** One document of the task and its connection. */
export class SyncedDoc {
  readonly name: string;
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  persistence: IndexeddbPersistence | null = null;

  access = $state<'read' | 'write'>('read');
  status = $state<DocStatus>('connecting');
  /** The server told us (auth message) that it drops our edits. */
  deniedWrite = $state(false);
  /** Close code of a final refusal. */
  refusedCode = $state<number | null>(null);
  /** Local edits made since the last sync with the server (kept in IndexedDB when persisted). */
  unsynced = $state(0);
  /** Local edits whose IndexedDB write has not completed yet. */
  unsaved = $state(0);
  /** The local copy (if any) has been loaded into the document. */
  localLoaded = $state(false);
  /** The document has been synced with the server at least once (its content is complete). */
  everSynced = $state(false);

  private attempts = 0;
  private destroyed = false;
  private offline: boolean;

  constructor(
    spec: DocSpec,
    private readonly userId: string,
    private readonly events: ConnectionEvents,
    url: string,
  ) {
    this.name = spec.name;
    this.access = spec.access;
    this.offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    this.provider = new WebsocketProvider(url, spec.name, this.doc, {
      connect: false,
      shouldReconnect,
      maxBackoffTime: 4000,
    });
    // The server says once when it drops our updates (read-only, or a tier we may not edit).
    this.provider.messageHandlers[MESSAGE_AUTH] = (
      _encoder: encoding.Encoder,
      decoder: decoding.Decoder,
      provider: WebsocketProvider,
    ) => {
      authProtocol.readAuthMessage(decoder, provider.doc, () => {
        this.deniedWrite = true;
        this.refresh();
        this.events.onReadOnlyNotice?.(this.name);
      });
    };
    this.provider.on('status', () => {
      if (this.provider.wsconnected) this.attempts = 0;
      this.refresh();
    });
    this.provider.on('sync', (synced: boolean) => {
      if (synced) {
        this.unsynced = 0;
        this.everSynced = true;
      }
      this.refresh();
    });
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event === null) return;
      this.attempts++;
      if (event.code === 4409) {
        // Rights changed: the server decides again on reconnect, and so does the page.
        this.deniedWrite = false;
        this.events.onAccessChanged?.(this.name);
      }
      this.refresh();
    });
    this.provider.on('connection-error', () => {
      this.attempts++;
      this.refresh();
    });
    this.provider.on('closed', (event: { code: number }) => {
      this.refusedCode = event.code;
      this.refresh();
      this.events.onRefused?.(this.name, event.code);
    });
    this.doc.on('update', (_update: Uint8Array, origin: unknown) => this.onUpdate(origin));
    if (spec.persist) this.startPersistence();
    void this.start();
  }

  /** Awareness of this document's connection (presence). */
  get awareness(): Awareness {
    return this.provider.awareness;
  }

  /** Edits are possible (by the server's word) right now. */
  get writable(): boolean {
    return this.access === 'write' && !this.deniedWrite && this.refusedCode === null;
  }

  setAccess(access: 'read' | 'write', persist: boolean): void {
    if (access !== this.access) this.deniedWrite = false;
    this.access = access;
    if (persist && this.persistence === null) this.startPersistence();
    this.refresh();
  }

  /** The browser went offline / online. */
  setOffline(offline: boolean): void {
    if (this.offline === offline) return;
    this.offline = offline;
    if (offline) this.provider.disconnect();
    else if (this.refusedCode === null && this.localLoaded) this.provider.connect();
    this.refresh();
  }

  /** Reconnects a refused document (after the access was granted again). */
  retry(): void {
    if (this.refusedCode === null) return;
    this.refusedCode = null;
    if (!this.offline) this.provider.connect();
    this.refresh();
  }

  destroy(): void {
    this.destroyed = true;
    this.provider.destroy();
    void this.persistence?.destroy();
    this.doc.destroy();
  }

  private startPersistence(): void {
    try {
      this.persistence = new IndexeddbPersistence(localDbName(this.userId, this.name), this.doc);
    } catch {
      this.persistence = null;
    }
  }

  private async start(): Promise<void> {
    const p = this.persistence;
    if (p !== null) {
      await Promise.race([p.whenSynced, new Promise((r) => setTimeout(r, LOCAL_LOAD_TIMEOUT_MS))]);
    }
    if (this.destroyed) return;
    this.localLoaded = true;
    if (!this.offline) this.provider.connect();
    this.refresh();
  }

  private onUpdate(origin: unknown): void {
    if (origin === this.provider || (this.persistence !== null && origin === this.persistence)) return;
    // A local edit (any origin of ours): unsynced until the server has it.
    if (!this.provider.synced) this.unsynced++;
    const p = this.persistence;
    if (p === null) return;
    // y-indexeddb wrote the update in its own readwrite transaction (its handler ran first); a
    // readonly transaction on the same store completes only after it.
    this.unsaved++;
    const done = (): void => {
      this.unsaved = Math.max(0, this.unsaved - 1);
    };
    const db = p.db;
    if (db === null) {
      void p.whenSynced.then(done, done);
      return;
    }
    try {
      const tx = db.transaction(['updates'], 'readonly');
      tx.oncomplete = done;
      tx.onerror = done;
      tx.onabort = done;
    } catch {
      done();
    }
  }

  private refresh(): void {
    if (this.destroyed) return;
    const p = this.provider;
    let status: DocStatus;
    if (this.refusedCode !== null) status = 'refused';
    else if (this.offline) status = 'offline';
    else if (p.synced) status = this.access === 'write' && !this.deniedWrite ? 'synced' : 'read-only';
    else if (p.wsconnected || this.attempts < 2) status = 'connecting';
    else status = 'offline';
    this.status = status;
  }
}

/** Every document of one task, reconciled against the task's layer list. */
export class WorkspaceConnection {
  docs = $state.raw<SyncedDoc[]>([]);
  /** navigator.onLine, as events report it. */
  online = $state(true);
  private readonly url: string;

  constructor(
    private readonly userId: string,
    private readonly events: ConnectionEvents = {},
    url?: string,
  ) {
    this.url = url ?? syncUrl();
    if (typeof window !== 'undefined') {
      this.online = navigator.onLine !== false;
      window.addEventListener('online', this.onOnline);
      window.addEventListener('offline', this.onOffline);
    }
  }

  get(name: string): SyncedDoc | null {
    return this.docs.find((d) => d.name === name) ?? null;
  }

  /** Opens the documents in `specs`, updates the access of open ones, closes the others. */
  reconcile(specs: readonly DocSpec[]): void {
    const wanted = new Map(specs.map((s) => [s.name, s]));
    const kept: SyncedDoc[] = [];
    for (const d of this.docs) {
      const spec = wanted.get(d.name);
      if (spec === undefined) d.destroy();
      else {
        d.setAccess(spec.access, spec.persist);
        kept.push(d);
      }
    }
    const have = new Set(kept.map((d) => d.name));
    for (const spec of specs)
      if (!have.has(spec.name)) kept.push(new SyncedDoc(spec, this.userId, this.events, this.url));
    this.docs = kept;
  }

  destroy(): void {
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onOnline);
      window.removeEventListener('offline', this.onOffline);
    }
    for (const d of this.docs) d.destroy();
    this.docs = [];
  }

  private readonly onOnline = (): void => {
    this.online = true;
    for (const d of this.docs) d.setOffline(false);
  };

  private readonly onOffline = (): void => {
    this.online = false;
    for (const d of this.docs) d.setOffline(true);
  };
}
