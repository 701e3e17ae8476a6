import type { FastifyPluginAsync } from 'fastify';
import { asc, eq } from 'drizzle-orm';
import {
  authenticate,
  createApiToken,
  createSession,
  createUser,
  deleteSession,
  getUser,
  listApiTokens,
  revokeApiToken,
  setPassword,
  toPublicUser,
} from '../../accounts/accounts.ts';
import { audit } from '../../audit/audit.ts';
import { ApiError } from '../../errors.ts';
import { SESSION_COOKIE, secretFrom } from '../../plugins/auth.ts';
import { users } from '../../storage/schema.ts';
import { afterCursor, decodeCursor, page, pageQuerySchema, pageResponseSchema } from './pagination.ts';
import { authErrors, idParams, ref } from './schemas.ts';

const credentials = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: { username: { type: 'string', maxLength: 40 }, password: { type: 'string', maxLength: 1024 } },
} as const;

/** Sign-in, sign-out, the current user, user administration and personal API tokens. */
const accountRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;

  fastify.post<{ Body: { username: string; password: string } }>(
    '/api/auth/sign-in',
    {
      config: {
        public: true,
        // Per client address and username: guessing one account is slow, and so is spraying many.
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          keyGenerator: (req) =>
            `${req.ip}:${String((req.body as { username?: string } | undefined)?.username ?? '').toLowerCase()}`,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the HttpOnly session cookie',
        body: credentials,
        response: { 200: ref('User'), 401: ref('Error'), 429: ref('Error') },
      },
    },
    async (request, reply) => {
      const user = await authenticate(db, request.body.username, request.body.password);
      if (!user) throw new ApiError('InvalidCredentials');
      const session = await createSession(db, user.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: request.protocol === 'https',
        expires: session.expiresAt,
      });
      await audit(db, { actorId: user.id, action: 'auth.sign_in', resourceType: 'user', resourceId: user.id });
      return toPublicUser(user);
    },
  );

  fastify.post(
    '/api/auth/sign-out',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'End the browser session', response: { 204: { type: 'null' } } },
    },
    async (request, reply) => {
      const secret = secretFrom(request.headers, (raw) => fastify.parseCookie(raw));
      if (secret?.startsWith('cns_')) await deleteSession(db, secret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  fastify.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: ref('User'), 401: ref('Error') } } },
    async (request) => {
      const user = await getUser(db, request.actor.userId);
      if (!user) throw new ApiError('Unauthenticated');
      return toPublicUser(user);
    },
  );

  // ── users (admins manage accounts; everyone may list users to add them to projects) ──
  fastify.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List users',
        querystring: { type: 'object', properties: pageQuerySchema },
        response: { 200: pageResponseSchema(ref('User')), ...authErrors },
      },
    },
    async (request) => {
      const { limit } = request.query;
      const rows = await db
        .select()
        .from(users)
        .where(afterCursor(users.createdAt, users.id, decodeCursor(request.query.cursor), 'asc'))
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(limit + 1);
      const result = page(rows, limit, (u) => ({ t: u.createdAt, id: u.id }));
      return { items: result.items.map(toPublicUser), nextCursor: result.nextCursor };
    },
  );

  fastify.post<{ Body: { username: string; displayName?: string; password?: string; isAdmin?: boolean } }>(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (admins)',
        body: {
          type: 'object',
          required: ['username'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', maxLength: 40 },
            displayName: { type: 'string', maxLength: 100 },
            password: { type: 'string', maxLength: 1024 },
            isAdmin: { type: 'boolean' },
          },
        },
        response: { 201: ref('User'), 400: ref('Error'), 409: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      if (!request.actor.isAdmin) throw new ApiError('Forbidden', 'only admins create users');
      const user = await createUser(db, request.body, request.actor.userId);
      return reply.status(201).send(user);
    },
  );

  fastify.patch<{ Params: { id: string }; Body: { displayName?: string; isAdmin?: boolean; disabled?: boolean } }>(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Change a user (admins; anyone their own display name)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            displayName: { type: 'string', minLength: 1, maxLength: 100 },
            isAdmin: { type: 'boolean' },
            disabled: { type: 'boolean' },
          },
        },
        response: { 200: ref('User'), 400: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { actor } = request;
      const self = actor.userId === request.params.id;
      const privileged = request.body.isAdmin !== undefined || request.body.disabled !== undefined;
      if (!actor.isAdmin && (!self || privileged)) throw new ApiError('Forbidden', 'only admins change other accounts');
      if (self && (request.body.isAdmin === false || request.body.disabled === true)) {
        throw new ApiError('ValidationFailed', 'you cannot remove your own admin flag or disable yourself');
      }
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(users)
          .set({
            ...(request.body.displayName !== undefined && { displayName: request.body.displayName.trim() }),
            ...(request.body.isAdmin !== undefined && { isAdmin: request.body.isAdmin }),
            ...(request.body.disabled !== undefined && { disabledAt: request.body.disabled ? new Date() : null }),
          })
          .where(eq(users.id, request.params.id))
          .returning();
        if (!row) throw new ApiError('NotFound', 'no such user');
        await audit(tx, {
          actorId: actor.userId,
          action: 'user.update',
          resourceType: 'user',
          resourceId: row.id,
          details: request.body,
        });
        return toPublicUser(row);
      });
    },
  );

  fastify.post<{ Params: { id: string }; Body: { password: string; currentPassword?: string } }>(
    '/api/users/:id/password',
    {
      schema: {
        tags: ['users'],
        summary: 'Set a password (your own with the current one; admins any)',
        params: idParams,
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: {
            password: { type: 'string', maxLength: 1024 },
            currentPassword: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 204: { type: 'null' }, 400: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { actor } = request;
      if (actor.userId !== request.params.id && !actor.isAdmin) throw new ApiError('Forbidden');
      if (actor.userId === request.params.id && !actor.isAdmin) {
        const ok = await authenticate(db, actor.username, request.body.currentPassword ?? '');
        if (!ok) throw new ApiError('InvalidCredentials', 'current password is wrong');
      }
      await setPassword(db, request.params.id, request.body.password, actor.userId);
      return reply.status(204).send();
    },
  );

  // ── personal API tokens ──
  const tokenSchema = {
    type: 'object',
    required: ['id', 'name', 'createdAt', 'expiresAt', 'lastUsedAt'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      createdAt: { type: 'string' },
      expiresAt: { type: ['string', 'null'] },
      lastUsedAt: { type: ['string', 'null'] },
    },
  } as const;

  fastify.get(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Your active API tokens',
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: tokenSchema } } },
        },
      },
    },
    async (request) => ({ items: await listApiTokens(db, request.actor.userId) }),
  );

  fastify.post<{ Body: { name: string; expiresInDays?: number } }>(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is in this response only',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['id', 'name', 'token', 'expiresAt'],
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              token: { type: 'string' },
              expiresAt: { type: ['string', 'null'] },
            },
          },
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const days = request.body.expiresInDays;
      const expiresAt = days ? new Date(Date.now() + days * 86_400_000) : null;
      const token = await createApiToken(db, request.actor.userId, request.body.name, expiresAt, request.actor.userId);
      return reply.status(201).send(token);
    },
  );

  fastify.delete<{ Params: { id: string } }>(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke one of your API tokens',
        params: idParams,
        response: { 204: { type: 'null' }, ...authErrors },
      },
    },
    async (request, reply) => {
      await revokeApiToken(
        db,
        request.params.id,
        request.actor.isAdmin ? null : request.actor.userId,
        request.actor.userId,
      );
      return reply.status(204).send();
    },
  );
};

export default accountRoutes;
