import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AuthType, MessageType, SyncType } from '../../shared/protocol/messages.ts';

/**
 * Parses and builds y-websocket frames. Parsing is strict: the whole frame must be consumed, and
 * a length prefix that points past the end is an error. (ws hands out Buffers that are views into
 * a larger pool, so lib0's unchecked subarray would otherwise read someone else's bytes.)
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

export function parseClientMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data);
  let message: ClientMessage;
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync: {
        const sub = decoding.readVarUint(decoder);
        const payload = readBytes(decoder, data.length);
        if (sub === SyncType.Step1) message = { kind: 'sync-step1', stateVector: payload };
        else if (sub === SyncType.Step2) message = { kind: 'sync-step2', update: payload };
        else if (sub === SyncType.Update) message = { kind: 'sync-update', update: payload };
        else throw new MalformedMessageError(`unknown sync message type ${sub}`);
        break;
      }
      case MessageType.Awareness:
        message = { kind: 'awareness', update: readBytes(decoder, data.length) };
        break;
      case MessageType.QueryAwareness:
        message = { kind: 'query-awareness' };
        break;
      default:
        throw new MalformedMessageError(`unknown message type ${type}`);
    }
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    throw new MalformedMessageError('truncated message');
  }
  if (decoder.pos !== data.length) {
    throw new MalformedMessageError(`${data.length - decoder.pos} trailing bytes`);
  }
  return message;
}

function readBytes(decoder: decoding.Decoder, end: number): Uint8Array {
  const length = decoding.readVarUint(decoder);
  if (decoder.pos + length > end) throw new MalformedMessageError('length prefix past end of frame');
  return decoding.readUint8Array(decoder, length);
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, SyncType.Step1);
    encoding.writeVarUint8Array(e, stateVector);
  });

export const encodeSyncStep2 = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, SyncType.Step2);
    encoding.writeVarUint8Array(e, update);
  });

export const encodeUpdate = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, SyncType.Update);
    encoding.writeVarUint8Array(e, update);
  });

export const encodeAwareness = (awarenessUpdate: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Awareness);
    encoding.writeVarUint8Array(e, awarenessUpdate);
  });

export const encodePermissionDenied = (reason: string): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Auth);
    encoding.writeVarUint(e, AuthType.PermissionDenied);
    encoding.writeVarString(e, reason);
  });

/** An update that changes nothing (no structs, empty delete set) encodes as these two bytes. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}
