import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../errors.ts';

const healthRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get(
    '/api/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['status', 'database', 'documents', 'connections'],
            properties: {
              status: { const: 'ok' },
              database: { enum: ['pglite', 'postgres'] },
              documents: { type: 'integer' },
              connections: { type: 'integer' },
            },
          },
        },
      },
    },
    async () => {
      try {
        await fastify.documentStore.ping();
      } catch (err) {
        fastify.log.error({ err }, 'health check: database unreachable');
        throw new ApiError('DatabaseUnavailable');
      }
      return {
        status: 'ok' as const,
        database: fastify.database.kind,
        documents: fastify.rooms.loadedCount,
        connections: fastify.rooms.connectionCount,
      };
    },
  );

  fastify.get('/metrics', async (_request, reply) => {
    const { registry } = fastify.metrics;
    reply.type(registry.contentType);
    return registry.metrics();
  });
};

export default healthRoutes;
