import type { FastifyPluginAsync } from 'fastify';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { ProjectSettings } from '../../../shared/domain/project.ts';
import type { Role, Taxonomy, Tier } from '../../../shared/model/index.ts';
import { audit } from '../../audit/audit.ts';
import {
  createProject,
  listMembers,
  projectView,
  removeMember,
  setMember,
  updateProject,
} from '../../projects/projects.ts';
import { projectMembers, projects } from '../../storage/schema.ts';
import { projectDocNames, projectTaskIds } from '../../tasks/tasks.ts';
import { afterCursor, decodeCursor, page, pageQuerySchema, pageResponseSchema } from './pagination.ts';
import { authErrors, idParams, ref } from './schemas.ts';
import { projectSettingsSchema, taxonomySchema, tiersSchema } from './project-schemas.ts';

const projectSchema = {
  $id: 'Project',
  type: 'object',
  required: ['id', 'name', 'description', 'settings', 'revision', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    settings: projectSettingsSchema,
    revision: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    myRole: { type: ['string', 'null'] },
  },
} as const;

const memberSchema = {
  type: 'object',
  required: ['userId', 'username', 'displayName', 'role', 'skills', 'addedAt'],
  properties: {
    userId: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: { enum: ['manager', 'annotator', 'reviewer'] },
    skills: { type: 'array', items: { type: 'string' } },
    addedAt: { type: 'string' },
  },
} as const;

const memberParams = {
  type: 'object',
  required: ['id', 'userId'],
  properties: { id: { type: 'string', format: 'uuid' }, userId: { type: 'string', format: 'uuid' } },
} as const;

/** Projects, their members, taxonomy, tiers and settings. */
const projectRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;
  fastify.addSchema(projectSchema);

  /** After a membership change, that user's live documents re-authorize (reconnect) at once. */
  async function reauthorize(projectId: string, userId: string) {
    const docs = await projectDocNames(db, projectId);
    fastify.reauthorize((doc, uid) => uid === userId && docs.has(doc));
    // A member's role and skills decide which tiers their layers are compared on.
    fastify.agreement.invalidate(await projectTaskIds(db, projectId));
  }

  fastify.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Projects you are a member of (admins: all)',
        querystring: { type: 'object', properties: pageQuerySchema },
        response: { 200: pageResponseSchema(ref('Project')), ...authErrors },
      },
    },
    async (request) => {
      const { actor } = request;
      const { limit } = request.query;
      const mine = db
        .select({ id: projectMembers.projectId })
        .from(projectMembers)
        .where(eq(projectMembers.userId, actor.userId));
      const rows = await db
        .select()
        .from(projects)
        .where(
          and(
            actor.isAdmin ? undefined : inArray(projects.id, mine),
            afterCursor(projects.createdAt, projects.id, decodeCursor(request.query.cursor), 'desc'),
          ),
        )
        .orderBy(desc(projects.createdAt), desc(projects.id))
        .limit(limit + 1);
      const result = page(rows, limit, (p) => ({ t: p.createdAt, id: p.id }));
      const roles = await db
        .select()
        .from(projectMembers)
        .where(
          and(
            eq(projectMembers.userId, actor.userId),
            inArray(projectMembers.projectId, result.items.map((p) => p.id).concat([''])),
          ),
        );
      return {
        items: result.items.map((p) => ({
          ...projectView(p),
          myRole: roles.find((r) => r.projectId === p.id)?.role ?? null,
        })),
        nextCursor: result.nextCursor,
      };
    },
  );

  fastify.post<{
    Body: { name: string; description?: string; taxonomy?: Taxonomy; tiers?: Tier[]; settings?: ProjectSettings };
  }>(
    '/api/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Create a project; you become its manager',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            description: { type: 'string', maxLength: 10_000 },
            taxonomy: taxonomySchema,
            tiers: tiersSchema,
            settings: projectSettingsSchema,
          },
        },
        response: { 201: ref('Project'), 400: ref('Error'), 422: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const row = await createProject(db, request.body, request.actor.userId);
      return reply.status(201).send({ ...projectView(row), myRole: 'manager' });
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/api/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'One project',
        params: idParams,
        response: { 200: ref('Project'), ...authErrors },
      },
    },
    async (request) => {
      const { project, subject } = await fastify.access.project(request.actor, request.params.id, 'read');
      return { ...projectView(project), myRole: subject.member?.role ?? null };
    },
  );

  fastify.patch<{
    Params: { id: string };
    Body: { revision: number; name?: string; description?: string; settings?: ProjectSettings };
  }>(
    '/api/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Rename, describe or change settings (managers); send the revision you read',
        params: idParams,
        body: {
          type: 'object',
          required: ['revision'],
          additionalProperties: false,
          properties: {
            revision: { type: 'integer' },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            description: { type: 'string', maxLength: 10_000 },
            settings: projectSettingsSchema,
          },
        },
        response: { 200: ref('Project'), 409: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { project, subject } = await fastify.access.project(request.actor, request.params.id, 'admin');
      const { revision, ...patch } = request.body;
      const row = await updateProject(db, project, revision, patch, request.actor.userId);
      if (patch.settings) fastify.agreement.invalidate(await projectTaskIds(db, project.id));
      if (patch.settings && patch.settings.visibility !== project.settings.visibility) {
        // Visibility decides who may read which layer: every open document re-authorizes.
        const docs = await projectDocNames(db, project.id);
        fastify.reauthorize((doc) => docs.has(doc));
      }
      return { ...projectView(row), myRole: subject.member?.role ?? null };
    },
  );

  fastify.delete<{ Params: { id: string } }>(
    '/api/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Delete a project and its tasks (managers)',
        params: idParams,
        response: { 204: { type: 'null' }, ...authErrors },
      },
    },
    async (request, reply) => {
      const { project } = await fastify.access.project(request.actor, request.params.id, 'admin');
      const docs = await projectDocNames(db, project.id);
      await db.transaction(async (tx) => {
        await tx.delete(projects).where(eq(projects.id, project.id));
        await audit(tx, {
          actorId: request.actor.userId,
          action: 'project.delete',
          resourceType: 'project',
          resourceId: project.id,
          projectId: project.id,
          details: { name: project.name },
        });
      });
      fastify.reauthorize((doc) => docs.has(doc));
      return reply.status(204).send();
    },
  );

  // ── taxonomy and tiers: replaced as a whole, validated together, under the project revision ──
  const schemaDoc = {
    type: 'object',
    required: ['revision', 'taxonomy', 'tiers'],
    properties: { revision: { type: 'integer' }, taxonomy: taxonomySchema, tiers: tiersSchema },
  } as const;

  fastify.get<{ Params: { id: string } }>(
    '/api/projects/:id/schema',
    {
      schema: {
        tags: ['taxonomy'],
        summary: 'Taxonomy and tiers',
        params: idParams,
        response: { 200: schemaDoc, ...authErrors },
      },
    },
    async (request) => {
      const { project } = await fastify.access.project(request.actor, request.params.id, 'read');
      return { revision: project.revision, taxonomy: project.taxonomy, tiers: project.tiers };
    },
  );

  fastify.put<{ Params: { id: string }; Body: { revision: number; taxonomy?: Taxonomy; tiers?: Tier[] } }>(
    '/api/projects/:id/schema',
    {
      schema: {
        tags: ['taxonomy'],
        summary: 'Replace the taxonomy and/or tiers (managers); validated together',
        params: idParams,
        body: {
          type: 'object',
          required: ['revision'],
          additionalProperties: false,
          minProperties: 2,
          properties: { revision: { type: 'integer' }, taxonomy: taxonomySchema, tiers: tiersSchema },
        },
        response: { 200: schemaDoc, 409: ref('Error'), 422: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { project } = await fastify.access.project(request.actor, request.params.id, 'write');
      const { revision, ...patch } = request.body;
      const row = await updateProject(db, project, revision, patch, request.actor.userId);
      fastify.agreement.invalidate(await projectTaskIds(db, project.id));
      if (patch.tiers) {
        // Tier edit rights may have changed: open layer documents re-authorize.
        const docs = await projectDocNames(db, project.id);
        fastify.reauthorize((doc) => docs.has(doc));
      }
      return { revision: row.revision, taxonomy: row.taxonomy, tiers: row.tiers };
    },
  );

  // ── members ──
  fastify.get<{ Params: { id: string } }>(
    '/api/projects/:id/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Members and their roles',
        params: idParams,
        response: {
          200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: memberSchema } } },
          ...authErrors,
        },
      },
    },
    async (request) => {
      await fastify.access.project(request.actor, request.params.id, 'read');
      return { items: await listMembers(db, request.params.id) };
    },
  );

  fastify.put<{ Params: { id: string; userId: string }; Body: { role: Role; skills?: string[] } }>(
    '/api/projects/:id/members/:userId',
    {
      schema: {
        tags: ['members'],
        summary: 'Add a member or change their role and skills (managers)',
        params: memberParams,
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: {
            role: { enum: ['manager', 'annotator', 'reviewer'] },
            skills: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 40 } },
          },
        },
        response: { 200: memberSchema, 422: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { id, userId } = request.params;
      await fastify.access.project(request.actor, id, 'admin');
      await setMember(db, id, userId, request.body.role, request.body.skills ?? [], request.actor.userId);
      await reauthorize(id, userId);
      return (await listMembers(db, id)).find((m) => m.userId === userId)!;
    },
  );

  fastify.delete<{ Params: { id: string; userId: string } }>(
    '/api/projects/:id/members/:userId',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member (managers)',
        params: memberParams,
        response: { 204: { type: 'null' }, 409: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { id, userId } = request.params;
      await fastify.access.project(request.actor, id, 'admin');
      await removeMember(db, id, userId, request.actor.userId);
      await reauthorize(id, userId);
      return reply.status(204).send();
    },
  );
};

export default projectRoutes;
