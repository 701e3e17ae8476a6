import websocket from '@fastify/websocket';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.ts';
import { ApiError } from './errors.ts';
import configPlugin from './plugins/config.ts';
import databasePlugin from './plugins/database.ts';
import metricsPlugin from './plugins/metrics.ts';
import roomsPlugin from './plugins/rooms.ts';
import healthRoutes from './routes/health.ts';
import syncRoutes, { type AuthorizeDocument } from './routes/sync/index.ts';
import webRoutes from './routes/web.ts';

export interface AppOptions {
  config: Config;
  authorizeDocument?: AuthorizeDocument;
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
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(new ApiError('InternalError').toBody());
  });

  await fastify.register(healthRoutes);
  await fastify.register(syncRoutes, { authorize: options.authorizeDocument });
  await fastify.register(webRoutes);
};

export default fp(app, { name: 'concord' });
