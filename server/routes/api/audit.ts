import type { FastifyPluginAsync } from 'fastify';
import { and, desc, eq, lt } from 'drizzle-orm';
import { auditLog } from '../../storage/schema.ts';
import { idParams } from './schemas.ts';

const entrySchema = {
  type: 'object',
  required: ['id', 'at', 'actorId', 'action', 'resourceType', 'resourceId', 'details'],
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    actorId: { type: ['string', 'null'] },
    action: { type: 'string' },
    resourceType: { type: 'string' },
    resourceId: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

/** The audit log of a project (managers), newest first; the cursor is the last entry id. */
const auditRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;
  fastify.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>(
    '/api/projects/:id/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who changed what, when (managers)',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            cursor: { type: 'string', pattern: '^[0-9]{1,18}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: { items: { type: 'array', items: entrySchema }, nextCursor: { type: ['string', 'null'] } },
          },
        },
      },
    },
    async (request) => {
      const { project } = await fastify.access.project(request.actor, request.params.id, 'admin');
      const { limit, cursor } = request.query;
      const rows = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.projectId, project.id), cursor ? lt(auditLog.id, Number(cursor)) : undefined))
        .orderBy(desc(auditLog.id))
        .limit(limit + 1);
      const items = rows.slice(0, limit);
      return {
        items: items.map((r) => ({ ...r, at: r.at.toISOString() })),
        nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null,
      };
    },
  );
};

export default auditRoutes;
