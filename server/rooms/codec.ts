import * as encoding from 'lib0/encoding';
import { AuthType, MessageType, SyncType } from '../../shared/protocol/messages.ts';

/**
 * Parses and builds y-websocket frames. Parsing is strict: the whole frame must be consumed, and
 * a length prefix that points past the end is an error. (ws hands out Buffers that are views into
 * a larger pool, so an unchecked subarray would otherwise read someone else's bytes.)
 *
 * Everything here runs once or more per update, so it works on the bytes directly: no decoder or
 * encoder objects and no closures per call.
 */
export type ClientMessage =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  | { kind: 'sync-step2'; update: Uint8Array }
  | { kind: 'sync-update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' };

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** Position after the last varUint read by `readVarUint` (single-threaded, read right after). */
let cursor = 0;

/** lib0's varUint (7 bits per byte, little-endian groups); throws past the end or beyond 2^53. */
function readVarUint(data: Uint8Array, pos: number): number {
  let value = 0;
  let multiplier = 1;
  for (;;) {
    if (pos >= data.length) throw new MalformedMessageError('truncated message');
    const byte = data[pos++]!;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) {
      cursor = pos;
      return value;
    }
    multiplier *= 128;
    if (multiplier > Number.MAX_SAFE_INTEGER) throw new MalformedMessageError('varint too long');
  }
}

/** Reads a varUint8Array at `pos`; it must end exactly at the end of the frame. */
function readPayload(data: Uint8Array, pos: number): Uint8Array {
  const length = readVarUint(data, pos);
  const start = cursor;
  if (start + length > data.length) throw new MalformedMessageError('length prefix past end of frame');
  if (start + length < data.length) {
    throw new MalformedMessageError(`${data.length - start - length} trailing bytes`);
  }
  return data.subarray(start, start + length);
}

export function parseClientMessage(data: Uint8Array): ClientMessage {
  const type = readVarUint(data, 0);
  switch (type) {
    case MessageType.Sync: {
      const sub = readVarUint(data, cursor);
      if (sub === SyncType.Step1) return { kind: 'sync-step1', stateVector: readPayload(data, cursor) };
      if (sub === SyncType.Step2) return { kind: 'sync-step2', update: readPayload(data, cursor) };
      if (sub === SyncType.Update) return { kind: 'sync-update', update: readPayload(data, cursor) };
      // Same check order as before: the payload must be readable before the type is judged.
      readPayload(data, cursor);
      throw new MalformedMessageError(`unknown sync message type ${sub}`);
    }
    case MessageType.Awareness:
      return { kind: 'awareness', update: readPayload(data, cursor) };
    case MessageType.QueryAwareness:
      if (cursor !== data.length) throw new MalformedMessageError(`${data.length - cursor} trailing bytes`);
      return { kind: 'query-awareness' };
    default:
      throw new MalformedMessageError(`unknown message type ${type}`);
  }
}

function varUintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    length += 1;
  }
  return length;
}

function writeVarUint(target: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    target[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  target[pos++] = value;
  return pos;
}

/** `type [sub] varUint8Array(payload)` in one exactly-sized allocation. */
function framePayload(type: number, sub: number, payload: Uint8Array): Uint8Array {
  const header = (sub < 0 ? 1 : 2) + varUintLength(payload.length);
  const out = new Uint8Array(header + payload.length);
  out[0] = type;
  let pos = 1;
  if (sub >= 0) out[pos++] = sub;
  pos = writeVarUint(out, pos, payload.length);
  out.set(payload, pos);
  return out;
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array =>
  framePayload(MessageType.Sync, SyncType.Step1, stateVector);

export const encodeSyncStep2 = (update: Uint8Array): Uint8Array =>
  framePayload(MessageType.Sync, SyncType.Step2, update);

export const encodeUpdate = (update: Uint8Array): Uint8Array => framePayload(MessageType.Sync, SyncType.Update, update);

export const encodeAwareness = (awarenessUpdate: Uint8Array): Uint8Array =>
  framePayload(MessageType.Awareness, -1, awarenessUpdate);

export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Auth);
  encoding.writeVarUint(encoder, AuthType.PermissionDenied);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}

/** An update that changes nothing (no structs, empty delete set) encodes as these two bytes. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/** A state vector with no entries (a client that holds nothing yet). */
export function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.length === 1 && stateVector[0] === 0;
}
