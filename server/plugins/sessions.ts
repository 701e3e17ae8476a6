import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { audit } from '../audit/audit.ts';
import { SessionHub } from '../sessions/hub.ts';
import { verdict } from '../sessions/people.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live adjudication sessions (server/sessions): the registry, the channel, `use(extension)`. */
    sessions: SessionHub;
  }
}

/** A session nobody is connected to ends after this long. */
const IDLE_MS = 10 * 60_000;

/**
 * Live sessions in memory (one process holds them; a restart ends them, which their participants
 * see as `session_ended`). Access changes re-check the participants they concern.
 */
export default fp(
  async (fastify) => {
    const { db } = fastify.database;
    const log = fastify.log.child({ component: 'sessions' });
    const hub = new SessionHub({ log, audit: (entry) => audit(db, entry), idleMs: IDLE_MS });
    fastify.decorate('sessions', hub);
    fastify.addHook('preClose', async () => {
      await hub.close().catch((err: unknown) => log.error({ err }, 'ending sessions at shutdown failed'));
    });
  },
  { name: 'sessions', dependencies: ['database', 'auth'] },
);

/** For fastify.reauthorize: the participants `match` concerns are checked again. */
export function reauthorizeSessions(
  fastify: FastifyInstance,
  match: (docName: string, userId: string | null) => boolean,
): void {
  fastify.sessions
    .reauthorize(match, (p, taskId) => verdict(fastify.database.db, fastify.access, p, taskId))
    .catch((err: unknown) => fastify.log.error({ err }, 're-checking session participants failed'));
}
