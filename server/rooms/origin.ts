/**
 * Every Yjs transaction on a room document carries one of these as its origin. Broadcast,
 * persistence and audit switch on `source`:
 *
 * | source        | broadcast            | persisted | example                          |
 * |---------------|----------------------|-----------|----------------------------------|
 * | connection    | to every other conn  | yes       | a client's sync step 2 or update |
 * | server        | to every conn        | yes       | import, restore, seeding         |
 * | storage       | no                   | no        | applying the stored state on load|
 * | compaction    | to every conn        | no        | log rows another instance wrote, met while folding |
 * | peer-instance | to every conn        | no        | an update relayed from another instance (already persisted there) |
 *
 * A client connection is itself the origin of its transactions (`Connection` has `source`,
 * `connectionId` and `userId`), so the room knows the sender without a lookup.
 */
export type Origin =
  | { readonly source: 'connection'; readonly connectionId: string; readonly userId: string | null }
  | { readonly source: 'server'; readonly reason: string; readonly userId: string | null }
  | { readonly source: 'storage' }
  | { readonly source: 'compaction' }
  | { readonly source: 'peer-instance'; readonly instanceId: string };

export const STORAGE_ORIGIN: Origin = Object.freeze({ source: 'storage' });
export const COMPACTION_ORIGIN: Origin = Object.freeze({ source: 'compaction' });
/** What a transaction without a typed origin is treated as: a server edit, persisted. */
export const UNTYPED_ORIGIN: Origin = Object.freeze({ source: 'server', reason: 'untyped-origin', userId: null });

export function isOrigin(value: unknown): value is Origin {
  return typeof value === 'object' && value !== null && 'source' in value;
}
