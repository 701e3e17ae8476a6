import { and, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { ApiError } from '../../errors.ts';

/**
 * Keyset pagination over (created_at, id): stable while rows are added, no OFFSET scans.
 * The cursor is opaque to clients (base64url JSON of the last row's key).
 */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export const pageQuerySchema = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  cursor: { type: 'string', maxLength: 200 },
} as const;

export function pageResponseSchema(item: object) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
  } as const;
}

interface Key {
  t: string;
  id: string;
}

export function decodeCursor(cursor: string | undefined): Key | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Key;
    if (typeof key.t !== 'string' || typeof key.id !== 'string' || Number.isNaN(Date.parse(key.t))) throw new Error();
    return key;
  } catch {
    throw new ApiError('ValidationFailed', 'cursor: not a cursor this API returned');
  }
}

/** Rows after the cursor in (createdAt, id) order; `direction` desc lists newest first. */
export function afterCursor(
  created: AnyColumn,
  id: AnyColumn,
  key: Key | null,
  direction: 'asc' | 'desc',
): SQL | undefined {
  if (!key) return undefined;
  const t = new Date(key.t);
  const cmp = direction === 'asc' ? gt : lt;
  return or(cmp(created, t), and(eq(created, t), cmp(id, key.id)));
}

/** Call with `limit + 1` rows fetched; returns the page and the next cursor. */
export function page<T>(rows: T[], limit: number, key: (row: T) => { t: Date; id: string }) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify({ t: key(last).t.toISOString(), id: key(last).id })).toString('base64url')
      : null;
  return { items, nextCursor };
}
