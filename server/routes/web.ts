import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../errors.ts';

/**
 * Serves the built SvelteKit app (static adapter) at `/`. Unknown paths outside /api and /sync
 * get index.html so client-side routes survive a reload.
 */
const webRoutes: FastifyPluginAsync = async (fastify) => {
  const root = fastify.config.webDir;
  const built = existsSync(`${root}/index.html`);
  if (built) {
    await fastify.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
  } else {
    fastify.log.warn({ root }, 'web app not built; run `npm run build` (npm start does it)');
  }
  fastify.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const isPage = request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/sync/');
    if (isPage && built) return reply.sendFile('index.html');
    const error = isPage ? new ApiError('WebNotBuilt') : new ApiError('NotFound', `No route ${request.method} ${path}`);
    return reply.status(error.status).send(error.toBody());
  });
};

export default webRoutes;
