import type { IncomingHttpHeaders } from 'node:http';
import cookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { resolveSecret, type Actor } from '../accounts/accounts.ts';
import { Access } from '../access/access.ts';
import { ApiError } from '../errors.ts';

export const SESSION_COOKIE = 'concord_session';

declare module 'fastify' {
  interface FastifyInstance {
    /** Session cookie or `Authorization: Bearer` → the actor, or null. Used by REST and /sync. */
    authenticate(headers: IncomingHttpHeaders): Promise<Actor | null>;
    access: Access;
  }
  interface FastifyRequest {
    /** Set for every /api route that is not marked public (see routes/api/index.ts). */
    actor: Actor;
  }
}

/** The bearer secret of a request: the Authorization header wins over the session cookie. */
export function secretFrom(
  headers: IncomingHttpHeaders,
  parseCookie: (raw: string) => Record<string, string | undefined>,
): string | null {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1]! : null;
  }
  const raw = headers.cookie;
  if (!raw) return null;
  return parseCookie(raw)[SESSION_COOKIE] ?? null;
}

export default fp(
  async (fastify) => {
    await fastify.register(cookie);
    const db = fastify.database.db;
    fastify.decorate('access', new Access(db));
    fastify.decorate('authenticate', async (headers: IncomingHttpHeaders) => {
      const secret = secretFrom(headers, (raw) => fastify.parseCookie(raw));
      return secret === null ? null : resolveSecret(db, secret);
    });
    fastify.decorateRequest('actor', null as unknown as Actor);
  },
  { name: 'auth', dependencies: ['database'] },
);

/** preHandler for routes that need a signed-in actor. */
export async function requireActor(
  this: { authenticate(h: IncomingHttpHeaders): Promise<Actor | null> },
  request: FastifyRequest,
) {
  const actor = await this.authenticate(request.headers);
  if (!actor) throw new ApiError('Unauthenticated');
  request.actor = actor;
}
