/**
 * Child side of the IPC used by every bench child (servers and the load generator): requests
 * `{ id, type, ...}` from the orchestrator are answered with `{ id, ok, result | error }`.
 */
export interface Request {
  id: number;
  type: string;
  [key: string]: unknown;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type Handler = (request: Request) => unknown;

export function serveRequests(handlers: Record<string, Handler>): void {
  if (!process.send) throw new Error('bench child started without an IPC channel');
  const send = (message: unknown): void => {
    process.send?.(message);
  };
  process.on('message', (raw: Request) => {
    const handler = handlers[raw.type];
    if (!handler) {
      send({ id: raw.id, ok: false, error: `unknown request ${raw.type}` } satisfies Reply);
      return;
    }
    Promise.resolve()
      .then(() => handler(raw))
      .then(
        (result) => send({ id: raw.id, ok: true, result } satisfies Reply),
        (err: unknown) =>
          send({
            id: raw.id,
            ok: false,
            error: err instanceof Error ? (err.stack ?? err.message) : String(err),
          } satisfies Reply),
      );
  });
  // An orphaned child (the orchestrator crashed or was killed) must not keep a port or a core busy.
  process.on('disconnect', () => process.exit(0));
}

/** Tells the orchestrator the child is ready; servers include the port they listen on. */
export function announceReady(port?: number): void {
  process.send?.({ type: 'ready', port });
}
