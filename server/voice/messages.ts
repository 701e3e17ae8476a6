import type { types } from 'mediasoup';
import { ApiError } from '../errors.ts';
import type { SessionMessage } from '../sessions/extension.ts';
import type { Direction } from './peer.ts';

/**
 * Field readers for voice messages: a missing or mistyped field is `validation_failed` naming it.
 * mediasoup validates the contents of RTP/DTLS parameters itself (→ `voice_media_rejected`).
 */
export function id(msg: SessionMessage, field: string): string {
  const value = msg[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) {
    throw new ApiError('ValidationFailed', `${msg.type}: "${field}" must be a non-empty string`);
  }
  return value;
}

export function object<T>(msg: SessionMessage, field: string): T {
  const value = msg[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('ValidationFailed', `${msg.type}: "${field}" must be an object`);
  }
  return value as T;
}

export function flag(msg: SessionMessage, field: string, fallback: boolean): boolean {
  const value = msg[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ApiError('ValidationFailed', `${msg.type}: "${field}" must be a boolean`);
  return value;
}

export function direction(msg: SessionMessage): Direction {
  const value = msg.direction;
  if (value !== 'send' && value !== 'recv') {
    throw new ApiError('ValidationFailed', `${msg.type}: "direction" must be "send" or "recv"`);
  }
  return value;
}

export function kind(msg: SessionMessage): types.MediaKind {
  const value = msg.kind;
  if (value !== 'audio' && value !== 'video') {
    throw new ApiError('ValidationFailed', `${msg.type}: "kind" must be "audio" or "video"`);
  }
  return value;
}

export function rtpCapabilities(msg: SessionMessage): types.RtpCapabilities {
  const caps = object<types.RtpCapabilities>(msg, 'rtpCapabilities');
  if (!Array.isArray(caps.codecs)) {
    throw new ApiError('ValidationFailed', `${msg.type}: "rtpCapabilities.codecs" must be an array`);
  }
  return caps;
}
