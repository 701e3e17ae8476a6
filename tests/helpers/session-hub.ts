import type {
  ExtensionContext,
  SessionExtension,
  SessionInfo,
  SessionMessage,
  SessionPeer,
} from '../../server/sessions/extension.ts';
import type { SessionChannel } from '../../web/lib/session/channel.ts';

/**
 * A minimal in-process stand-in for the live-session hub, for testing session extensions before
 * (and independently of) the real channel: it builds ExtensionContexts, routes `send`/`sendTo`/
 * `broadcast`, answers requests the way the contract says the hub does (`{code, message}` from an
 * ApiError, else 'internal'), and gives each connection a SessionChannel for client code.
 */
export class TestSessionHub {
  readonly connections = new Map<string, TestConnection>();
  #next = 0;

  constructor(
    readonly extension: SessionExtension,
    public session: SessionInfo,
  ) {}

  /** A new connection of `userId` (who need not be a participant: the extension must check). */
  connect(userId: string, displayName = userId): TestConnection {
    const connection = new TestConnection(this, { connectionId: `c${++this.#next}`, userId, displayName });
    this.connections.set(connection.peer.connectionId, connection);
    return connection;
  }

  /** The connection is gone (closed or dropped): the extension's onLeave runs. */
  async drop(connection: TestConnection): Promise<void> {
    this.connections.delete(connection.peer.connectionId);
    connection.open = false;
    await this.extension.onLeave?.(this.session, connection.peer);
  }

  /** The channel reconnects after a drop: the old connection left, the same client is back under a new id. */
  async reconnect(connection: TestConnection): Promise<void> {
    await this.drop(connection);
    connection.peer = { ...connection.peer, connectionId: `c${++this.#next}` };
    connection.open = true;
    this.connections.set(connection.peer.connectionId, connection);
  }

  async end(): Promise<void> {
    await this.extension.onEnd?.(this.session);
  }

  context(connection: TestConnection): ExtensionContext {
    return {
      session: this.session,
      peer: connection.peer,
      send: (msg) => connection.deliver(msg),
      sendTo: (connectionId, msg) => this.connections.get(connectionId)?.deliver(msg),
      broadcast: (msg, opts) => {
        for (const c of this.connections.values()) {
          if (opts?.exceptSelf === true && c === connection) continue;
          c.deliver(msg);
        }
      },
    };
  }
}

export interface RequestFailure {
  code: string;
  message: string;
}

export class TestConnection {
  /** Every pushed message this connection received, in order. */
  readonly received: SessionMessage[] = [];
  open = true;
  readonly #subscribers = new Map<string, Set<(msg: Record<string, unknown>) => void>>();
  #nextId = 0;

  constructor(
    readonly hub: TestSessionHub,
    public peer: SessionPeer,
  ) {}

  deliver(msg: SessionMessage): void {
    if (!this.open) return;
    // Copied as the JSON channel would: nobody shares objects with the server.
    const copy = JSON.parse(JSON.stringify(msg)) as SessionMessage;
    this.received.push(copy);
    for (const cb of this.#subscribers.get(copy.type) ?? []) cb(copy);
  }

  /** Sends one request through the extension; resolves with `data` or rejects with {code, message}. */
  async request<T = unknown>(type: string, data: Record<string, unknown> = {}): Promise<T> {
    if (!this.open) throw { code: 'disconnected', message: 'channel closed' } satisfies RequestFailure;
    const msg = JSON.parse(JSON.stringify({ ...data, type, id: ++this.#nextId })) as SessionMessage;
    try {
      const result = await this.hub.extension.handle(this.hub.context(this), msg);
      return JSON.parse(JSON.stringify(result ?? null)) as T;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const failure: RequestFailure = {
        code: typeof code === 'string' ? code : 'internal',
        message: err instanceof Error ? err.message : String(err),
      };
      throw failure;
    }
  }

  /** Pushed messages of one type received so far. */
  messages(type: string): SessionMessage[] {
    return this.received.filter((m) => m.type === type);
  }

  /** Resolves with the next (or an already received, after `from`) message of `type` matching. */
  async waitFor(
    type: string,
    match: (msg: SessionMessage) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SessionMessage> {
    const seen = this.received.find((m) => m.type === type && match(m));
    if (seen !== undefined) return seen;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(type, (msg) => {
        if (!match(msg as SessionMessage)) return;
        clearTimeout(timer);
        off();
        resolve(msg as SessionMessage);
      });
    });
  }

  on(type: string, cb: (msg: Record<string, unknown>) => void): () => void {
    let set = this.#subscribers.get(type);
    if (set === undefined) this.#subscribers.set(type, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  /** This connection as the browser's session channel. */
  channel(): SessionChannel {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters below need this connection
    const connection = this;
    return {
      request: (type, data) => this.request(type, data),
      notify: (type, data) => void this.request(type, data).catch(() => undefined),
      on: (type, cb) => this.on(type, cb),
      get connected() {
        return connection.open;
      },
      get connectionId() {
        return connection.open ? connection.peer.connectionId : null;
      },
      get userId() {
        return connection.peer.userId;
      },
    };
  }
}
