import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { ErrorCode, errorCode, type ErrorName } from '../../../shared/errors.ts';
import { requireActor } from '../../plugins/auth.ts';
import accountRoutes from './accounts.ts';
import agreementRoutes from './agreement.ts';
import auditRoutes from './audit.ts';
import exportRoutes from './export.ts';
import mediaRoutes from './media.ts';
import { errorSchema, rejectionSchema, userSchema } from './schemas.ts';
import projectRoutes from './projects.ts';
import queueRoutes from './queue.ts';
import sessionRoutes from './sessions.ts';
import taskRoutes from './tasks.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (sign-in itself, the OpenAPI document). */
    public?: boolean;
  }
}

const errorTable = (Object.keys(ErrorCode) as ErrorName[])
  .map((name) => `| \`${errorCode(name)}\` | ${ErrorCode[name].status} | ${ErrorCode[name].message} |`)
  .join('\n');

/**
 * The REST API under /api. Every route has a JSON schema; every route is authenticated unless its
 * config says `public`; every authorization decision goes through fastify.access (policy.ts).
 */
const api: FastifyPluginAsync = async (fastify) => {
  await fastify.register(swagger, {
    openapi: {
      info: {
        title: 'Concord API',
        version: '0.1.0',
        description:
          'Authenticate with the session cookie set by `POST /api/auth/sign-in`, or with a personal API ' +
          'token as `Authorization: Bearer cnt_…`. Errors are `{"error": {"code", "message"}}`:\n\n' +
          '| code | status | meaning |\n|---|---|---|\n' +
          errorTable,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'concord_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  // Before swagger-ui registers its routes, so they are marked public.
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) {
      route.config = { ...(route.config as object), public: true };
    }
  });
  await fastify.register(swaggerUi, { routePrefix: '/api/docs' });
  // preHandler: the sign-in limit keys on the username in the parsed body.
  await fastify.register(rateLimit, { global: false, hook: 'preHandler' });
  fastify.addSchema(errorSchema);
  fastify.addSchema(userSchema);
  fastify.addSchema(rejectionSchema);

  // onRequest, before the body is parsed: an anonymous caller learns nothing from validation errors.
  fastify.addHook('onRequest', async function (request) {
    if (request.routeOptions.config.public) return;
    await requireActor.call(fastify, request);
  });

  await fastify.register(accountRoutes);
  await fastify.register(projectRoutes);
  await fastify.register(taskRoutes);
  await fastify.register(queueRoutes);
  await fastify.register(mediaRoutes);
  await fastify.register(auditRoutes);
  await fastify.register(agreementRoutes);
  await fastify.register(exportRoutes);
  await fastify.register(sessionRoutes);
};

export default api;
