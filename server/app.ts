import websocket from '@fastify/websocket';
import type { FastifyError, FastifyPluginAsync, FastifyServerOptions } from 'fastify';
import { CloseCode } from '../shared/protocol/close-codes.ts';
import { documentAuthorizer } from './access/documents.ts';
import fp from 'fastify-plugin';
import type { Config } from './config.ts';
import { ApiError } from './errors.ts';
import configPlugin from './plugins/config.ts';
import databasePlugin from './plugins/database.ts';
import agreementPlugin from './plugins/agreement.ts';
import authPlugin from './plugins/auth.ts';
import bootstrapPlugin from './plugins/bootstrap.ts';
import mediaPlugin from './plugins/media.ts';
import metricsPlugin from './plugins/metrics.ts';
import roomsPlugin from './plugins/rooms.ts';
import sessionsPlugin, { reauthorizeSessions } from './plugins/sessions.ts';
import voicePlugin from './plugins/voice.ts';
import apiRoutes from './routes/api/index.ts';
import healthRoutes from './routes/health.ts';
import syncRoutes, { type AuthorizeDocument } from './routes/sync/index.ts';
import webRoutes from './routes/web.ts';

export interface AppOptions {
  config: Config;
  /** Replaces the project access rules for /sync (tests of the protocol itself). */
  authorizeDocument?: AuthorizeDocument;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Live connections matching `match` re-authorize: they are closed with 4409 and the client's
     * reconnect is decided again under the new rights; live-session participants it concerns are
     * checked again. Call after any change of access facts.
     */
    reauthorize(match: (docName: string, userId: string | null) => boolean): void;
  }
}

/** Fastify's own options, shared by main.ts and the tests. */
export function serverOptions(config: Config): FastifyServerOptions {
  return {
    logger: { level: config.logLevel },
    forceCloseConnections: 'idle',
    // The embedded database's first start (initdb) can take several seconds on a busy machine.
    pluginTimeout: 120_000,
    // A body with a property the schema does not know is an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  };
}

/**
 * The whole application as one plugin; main.ts and the tests build Fastify and register this.
 * Plugin tiers: external (config, database, websocket) → app (metrics, rooms) → routes.
 */
const app: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  await fastify.register(configPlugin, { config: options.config });
  await fastify.register(databasePlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(roomsPlugin);
  await fastify.register(mediaPlugin);
  await fastify.register(agreementPlugin);
  await fastify.register(voicePlugin);
  await fastify.register(authPlugin);
  await fastify.register(bootstrapPlugin);
  await fastify.register(sessionsPlugin);
  fastify.decorate('reauthorize', (match: (docName: string, userId: string | null) => boolean) => {
    const closed = fastify.rooms.closeConnections(match, CloseCode.AccessChanged);
    if (closed > 0) fastify.log.info({ closed }, 'connections re-authorizing after an access change');
    reauthorizeSessions(fastify, match);
  });
  await fastify.register(websocket, {
    options: { maxPayload: options.config.sync.maxMessageBytes },
    // Clients are told "going away" (1001); their rooms flush in the rooms plugin's onClose.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(1001, 'server shutting down');
      this.websocketServer.close(() => done());
    },
  });

  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send(error.toBody());
    if (error.validation) {
      return reply.status(400).send(new ApiError('ValidationFailed', error.message).toBody());
    }
    if (error.statusCode === 413) return reply.status(413).send(new ApiError('PayloadTooLarge').toBody());
    // @fastify/rate-limit has already set Retry-After on the reply.
    if (error.statusCode === 429) return reply.status(429).send(new ApiError('RateLimited', error.message).toBody());
    // Other client faults Fastify detects itself (malformed JSON, wrong content type, …).
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(400).send(new ApiError('ValidationFailed', error.message).toBody());
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(new ApiError('InternalError').toBody());
  });

  await fastify.register(healthRoutes);
  await fastify.register(apiRoutes);
  const { config } = options;
  if (config.syncAuth === 'none') fastify.log.warn('SYNC_AUTH=none: every client may read and write every document');
  const authorize =
    options.authorizeDocument ??
    (config.syncAuth === 'none'
      ? undefined
      : documentAuthorizer({ authenticate: fastify.authenticate, access: fastify.access }));
  await fastify.register(syncRoutes, { authorize });
  await fastify.register(webRoutes);
};

export default fp(app, { name: 'concord' });
