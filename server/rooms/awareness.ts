import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Server-side awareness: relays presence between the connections of one room.
 *
 * Deliberately not y-protocols' `Awareness`: that class needs a Y.Doc, runs a 3 s interval timer
 * per instance and parses every state into objects. The server only has to (1) keep the latest
 * state per client so a newcomer gets everyone's presence, (2) forward updates, and (3) announce
 * the removal of a closed connection's clients. States stay JSON strings; same clock rules as
 * y-protocols so clients and server agree on which update wins.
 */
interface Entry {
  clock: number;
  /** JSON text of the state; `null` once the client went away (the clock is kept). */
  json: string | null;
}

export class InvalidAwarenessError extends Error {
  override readonly name = 'InvalidAwarenessError';
}

export interface AwarenessChange {
  clientId: number;
  clock: number;
  json: string;
}

export function decodeAwarenessUpdate(update: Uint8Array): AwarenessChange[] {
  const decoder = decoding.createDecoder(update);
  const changes: AwarenessChange[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      JSON.parse(json); // validates; the parsed value is not kept
      changes.push({ clientId, clock, json });
    }
  } catch {
    throw new InvalidAwarenessError('awareness update does not decode');
  }
  if (decoder.pos !== update.length) throw new InvalidAwarenessError('trailing bytes in awareness update');
  return changes;
}

export function encodeAwarenessUpdate(changes: readonly AwarenessChange[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, changes.length);
  for (const { clientId, clock, json } of changes) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}

export class AwarenessRelay {
  private readonly entries = new Map<number, Entry>();

  /**
   * Applies a validated update. Returns the client ids whose state became non-null (the caller
   * attributes them to the sending connection) and those removed.
   */
  apply(changes: readonly AwarenessChange[]): { added: number[]; removed: number[] } {
    const added: number[] = [];
    const removed: number[] = [];
    for (const { clientId, clock, json } of changes) {
      const entry = this.entries.get(clientId);
      const current = entry?.clock ?? 0;
      const isRemoval = json === 'null';
      // y-protocols rule: newer clock wins; an equal clock wins only to remove a live state.
      if (current < clock || (current === clock && isRemoval && entry?.json != null)) {
        this.entries.set(clientId, { clock, json: isRemoval ? null : json });
        (isRemoval ? removed : added).push(clientId);
      }
    }
    return { added, removed };
  }

  /** Marks clients as gone (their connection closed) and returns the update announcing it. */
  remove(clientIds: Iterable<number>): Uint8Array | null {
    const changes: AwarenessChange[] = [];
    for (const clientId of clientIds) {
      const entry = this.entries.get(clientId);
      if (!entry || entry.json === null) continue;
      entry.clock += 1;
      entry.json = null;
      changes.push({ clientId, clock: entry.clock, json: 'null' });
    }
    return changes.length > 0 ? encodeAwarenessUpdate(changes) : null;
  }

  /** Every live state, or null when there is none. */
  encodeAll(): Uint8Array | null {
    const changes: AwarenessChange[] = [];
    for (const [clientId, { clock, json }] of this.entries) {
      if (json !== null) changes.push({ clientId, clock, json });
    }
    return changes.length > 0 ? encodeAwarenessUpdate(changes) : null;
  }

  /** Drops remembered clocks of departed clients; called when the room has no connections. */
  prune(): void {
    for (const [clientId, entry] of this.entries) if (entry.json === null) this.entries.delete(clientId);
  }
}
