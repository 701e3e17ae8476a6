import { and, count, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { newId } from '../../shared/model/index.ts';
import { audit } from '../audit/audit.ts';
import { ApiError } from '../errors.ts';
import type { Database } from '../storage/database.ts';
import { apiTokens, sessions, users } from '../storage/schema.ts';
import {
  MIN_PASSWORD_LENGTH,
  burnPasswordCheck,
  hashPassword,
  hashSecret,
  newSecret,
  verifyPassword,
} from './secrets.ts';

/** Who is making a request, resolved from a session cookie or an API token. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  isAdmin: boolean;
  via: 'session' | 'token';
}

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}

export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,39}$/;
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

export function toPublicUser(row: typeof users.$inferSelect): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    isAdmin: row.isAdmin,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ApiError('WeakPassword', `password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  password?: string | undefined;
  isAdmin?: boolean | undefined;
}

export async function createUser(db: Database, input: NewUser, actorId: string | null): Promise<PublicUser> {
  const username = input.username.toLowerCase();
  if (!USERNAME_RE.test(username)) {
    throw new ApiError('ValidationFailed', 'username: 2–40 characters, letters, digits, ".", "_" or "-"');
  }
  if (input.password !== undefined) checkPassword(input.password);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const taken = await tx.select({ id: users.id }).from(users).where(eq(users.username, username));
    if (taken.length > 0) throw new ApiError('UsernameTaken', `username "${username}" is taken`);
    const [row] = await tx
      .insert(users)
      .values({
        id: newId(),
        username,
        displayName: input.displayName?.trim() || username,
        passwordHash,
        isAdmin: input.isAdmin ?? false,
      })
      .returning();
    await audit(tx, {
      actorId,
      action: 'user.create',
      resourceType: 'user',
      resourceId: row!.id,
      details: { username, isAdmin: row!.isAdmin },
    });
    return toPublicUser(row!);
  });
}

export async function findUserByUsername(db: Database, username: string) {
  const [row] = await db.select().from(users).where(eq(users.username, username.toLowerCase()));
  return row ?? null;
}

export async function getUser(db: Database, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function countUsers(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0);
}

/** Username + password → the user, or null. Same cost whether or not the account exists. */
export async function authenticate(db: Database, username: string, password: string) {
  const user = await findUserByUsername(db, username);
  if (!user || user.passwordHash === null || user.disabledAt !== null) {
    await burnPasswordCheck(password);
    return null;
  }
  return (await verifyPassword(user.passwordHash, password)) ? user : null;
}

export async function setPassword(db: Database, userId: string, password: string, actorId: string | null) {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const updated = await tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).returning();
    if (updated.length === 0) throw new ApiError('NotFound', 'no such user');
    // A new password ends every existing browser session of that account.
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await audit(tx, { actorId, action: 'user.password', resourceType: 'user', resourceId: userId });
  });
}

export async function createSession(db: Database, userId: string, now = new Date()) {
  const token = newSecret('cns');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({ tokenHash: hashSecret(token), userId, expiresAt });
  return { token, expiresAt };
}

export async function deleteSession(db: Database, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashSecret(token)));
}

export async function createApiToken(
  db: Database,
  userId: string,
  name: string,
  expiresAt: Date | null,
  actorId: string | null,
) {
  const token = newSecret('cnt');
  const id = newId();
  await db.transaction(async (tx) => {
    await tx.insert(apiTokens).values({ id, userId, name, tokenHash: hashSecret(token), expiresAt });
    await audit(tx, { actorId, action: 'token.create', resourceType: 'api_token', resourceId: id, details: { name } });
  });
  return { id, name, token, expiresAt: expiresAt?.toISOString() ?? null };
}

export async function listApiTokens(db: Database, userId: string) {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(apiTokens.createdAt);
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  }));
}

/** Revokes a token; `userId` limits it to the owner's tokens (null: any, for admins/CLI). */
export async function revokeApiToken(db: Database, id: string, userId: string | null, actorId: string | null) {
  await db.transaction(async (tx) => {
    const where = userId === null ? eq(apiTokens.id, id) : and(eq(apiTokens.id, id), eq(apiTokens.userId, userId));
    const done = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(where, isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (done.length === 0) throw new ApiError('NotFound', 'no such token');
    await audit(tx, { actorId, action: 'token.revoke', resourceType: 'api_token', resourceId: id });
  });
}

function actorOf(row: typeof users.$inferSelect, via: Actor['via']): Actor {
  return { userId: row.id, username: row.username, displayName: row.displayName, isAdmin: row.isAdmin, via };
}

/**
 * A session or API token → the actor, or null when unknown, expired, revoked or the account is
 * disabled. One lookup by hash; the prefix picks the table.
 */
export async function resolveSecret(db: Database, secret: string, now = new Date()): Promise<Actor | null> {
  const tokenHash = hashSecret(secret);
  if (secret.startsWith('cns_')) {
    const [row] = await db
      .select({ user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), isNull(users.disabledAt)));
    return row ? actorOf(row.user, 'session') : null;
  }
  if (secret.startsWith('cnt_')) {
    const [row] = await db
      .select({ user: users, tokenId: apiTokens.id })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(
        and(
          eq(apiTokens.tokenHash, tokenHash),
          isNull(apiTokens.revokedAt),
          or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
          isNull(users.disabledAt),
        ),
      );
    if (!row) return null;
    // Best effort and coarse (once a minute): last use is for the token list, not for security.
    void db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, row.tokenId),
          or(isNull(apiTokens.lastUsedAt), sql`${apiTokens.lastUsedAt} < ${new Date(now.getTime() - 60_000)}`),
        ),
      )
      .catch(() => {});
    return actorOf(row.user, 'token');
  }
  return null;
}
