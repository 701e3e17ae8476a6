import type { SessionFocus, SessionSelection } from '../../shared/protocol/session.ts';
import { ApiError } from '../errors.ts';
import type { SessionMessage } from './extension.ts';

/**
 * Validation of what participants send: the channel trusts nothing, and a bad field is an error
 * answered with a stable code, never a crash or a relayed surprise.
 */

/** A frame as a message, or null when it is not a JSON object with a string `type`. */
export function parseFrame(raw: string): SessionMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const msg = v as Record<string, unknown>;
  if (typeof msg.type !== 'string' || msg.type.length === 0 || msg.type.length > 64) return null;
  if (msg.id !== undefined && typeof msg.id !== 'string' && typeof msg.id !== 'number') return null;
  return msg as SessionMessage;
}

const MAX_TIME = 1e7;
const MAX_REFS = 50;
const MAX_ID = 100;
const MAX_NOTE = 500;

function invalid(what: string): never {
  throw new ApiError('ValidationFailed', what);
}

function time(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_TIME) invalid(`${what} must be a time in s`);
  return v;
}

function id(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID) invalid(`${what} must be an id`);
  return v;
}

function note(v: unknown): { note?: string } {
  if (v === undefined) return {};
  if (typeof v !== 'string' || v.length > MAX_NOTE) invalid(`note must be a string of at most ${MAX_NOTE}`);
  return { note: v };
}

export function parsePlayhead(msg: SessionMessage): { time: number; playing: boolean; rate: number } {
  const rate = msg.rate ?? 1;
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 16)) invalid('rate must be in (0, 16]');
  if (typeof msg.playing !== 'boolean') invalid('playing must be a boolean');
  return { time: time(msg.time, 'time'), playing: msg.playing, rate };
}

export function parseFocus(v: unknown): SessionFocus | null {
  if (v === null) return null;
  if (typeof v !== 'object' || v === undefined) invalid('focus must be an object or null');
  const f = v as Record<string, unknown>;
  if (f.kind === 'annotation') {
    return {
      kind: 'annotation',
      layerId: id(f.layerId, 'layerId'),
      annotationId: id(f.annotationId, 'annotationId'),
      ...note(f.note),
    };
  }
  if (f.kind === 'range') {
    const start = time(f.start, 'start');
    const end = time(f.end, 'end');
    if (end < start) invalid('end must not be before start');
    return { kind: 'range', start, end, ...note(f.note) };
  }
  return invalid("focus.kind must be 'annotation' or 'range'");
}

export function parseSelection(v: unknown): SessionSelection | null {
  if (v === null) return null;
  if (typeof v !== 'object' || v === undefined) invalid('selection must be an object or null');
  const s = v as Record<string, unknown>;
  let range: SessionSelection['range'] = null;
  if (s.range !== null && s.range !== undefined) {
    const r = s.range as Record<string, unknown>;
    if (typeof r !== 'object') invalid('selection.range must be {start, end} or null');
    range = { start: time(r.start, 'range.start'), end: time(r.end, 'range.end') };
  }
  const refs = s.refs ?? [];
  if (!Array.isArray(refs) || refs.length > MAX_REFS) invalid(`selection.refs must be at most ${MAX_REFS} refs`);
  return {
    range,
    refs: refs.map((r: unknown) => {
      const ref = (r ?? {}) as Record<string, unknown>;
      return { layerId: id(ref.layerId, 'refs[].layerId'), id: id(ref.id, 'refs[].id') };
    }),
  };
}
