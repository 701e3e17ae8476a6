import type * as Y from 'yjs';
import type { Origin } from './origin.ts';
import type { Room } from './room.ts';

/**
 * Server code's handle on a document (imports, restores, seeding, the agreement service).
 * Edits go through `transact`, so they are broadcast and persisted exactly like client edits;
 * holding the handle keeps the room loaded until `close`.
 */
export class DirectConnection {
  private closed = false;

  constructor(
    private readonly room: Room,
    readonly origin: Extract<Origin, { source: 'server' }>,
    private readonly release: () => void,
  ) {}

  /** Read access. Do not mutate it outside `transact`: the change would carry no origin. */
  get doc(): Y.Doc {
    return this.room.doc;
  }

  transact<T>(fn: (doc: Y.Doc) => T): T {
    if (this.closed) throw new Error(`direct connection to ${this.room.name} is closed`);
    let result!: T;
    this.room.doc.transact(() => {
      result = fn(this.room.doc);
    }, this.origin);
    return result;
  }

  /** Resolves once every edit made so far is durable. */
  flushed(): Promise<void> {
    return this.room.whenSettled();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }
}
