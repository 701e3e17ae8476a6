import type { FastifyPluginAsync } from 'fastify';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { TASK_ACTIONS, TASK_STATUSES, type TaskAction, type TaskStatus } from '../../../shared/domain/task.ts';
import { LayerDoc } from '../../../shared/model/index.ts';
import { oversees } from '../../access/policy.ts';
import { audit } from '../../audit/audit.ts';
import { assignments, tasks } from '../../storage/schema.ts';
import { applyTransition, createTask, taskDocNames, taskView, updateTask, type TaskInput } from '../../tasks/tasks.ts';
import { layerDocName } from '../../../shared/domain/doc-names.ts';
import { afterCursor, decodeCursor, page, pageQuerySchema, pageResponseSchema } from './pagination.ts';
import { authErrors, idParams, ref } from './schemas.ts';

const taskSchema = {
  $id: 'Task',
  type: 'object',
  required: [
    'id',
    'projectId',
    'name',
    'status',
    'rejectionReason',
    'rejection',
    'sharedDoc',
    'media',
    'assignments',
    'layers',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    id: { type: 'string' },
    projectId: { type: 'string' },
    name: { type: 'string' },
    status: { enum: TASK_STATUSES },
    rejectionReason: { type: ['string', 'null'], description: 'Same as rejection.reason (kept for clients)' },
    rejection: ref('Rejection'),
    sharedDoc: { type: 'string', description: 'Yjs document name of the task (entities, comments)' },
    media: {
      type: 'array',
      items: {
        type: 'object',
        required: ['mediaId', 'offsetSec', 'kind', 'filename', 'info'],
        properties: {
          mediaId: { type: 'string' },
          offsetSec: { type: 'number' },
          kind: { type: 'string' },
          filename: { type: 'string' },
          info: { type: 'object', additionalProperties: true },
        },
      },
    },
    assignments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['userId', 'username', 'displayName', 'role', 'submittedAt'],
        properties: {
          userId: { type: 'string' },
          username: { type: 'string' },
          displayName: { type: 'string' },
          role: { enum: ['annotator', 'reviewer'] },
          submittedAt: { type: ['string', 'null'] },
        },
      },
    },
    layers: {
      type: 'array',
      description: 'The layers you may read, with the access your WebSocket connection will get',
      items: {
        type: 'object',
        required: ['id', 'kind', 'userId', 'docName', 'access', 'tierIds'],
        properties: {
          id: { type: 'string' },
          kind: { enum: ['annotator', 'gold'] },
          userId: { type: ['string', 'null'] },
          docName: { type: 'string' },
          access: { enum: ['read', 'write'] },
          tierIds: {
            type: ['array', 'null'],
            items: { type: 'string' },
            description:
              'Tiers the layer is compared on in agreement and adjudication: those its owner may annotate (null: every tier, e.g. gold)',
          },
        },
      },
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const taskInputProps = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  media: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      required: ['mediaId'],
      additionalProperties: false,
      properties: {
        mediaId: { type: 'string', format: 'uuid' },
        offsetSec: { type: 'number', minimum: -86_400, maximum: 86_400 },
      },
    },
  },
  annotators: { type: 'array', maxItems: 50, items: { type: 'string', format: 'uuid' } },
  reviewers: { type: 'array', maxItems: 50, items: { type: 'string', format: 'uuid' } },
} as const;

/** Tasks: media bundle, assignments, layers, workflow. */
const taskRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;
  fastify.addSchema(taskSchema);

  fastify.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; status?: TaskStatus } }>(
    '/api/projects/:id/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Tasks of a project you may see (annotators: their assigned tasks)',
        params: idParams,
        querystring: { type: 'object', properties: { ...pageQuerySchema, status: { enum: TASK_STATUSES } } },
        response: { 200: pageResponseSchema(ref('Task')), ...authErrors },
      },
    },
    async (request) => {
      const { project, subject } = await fastify.access.project(request.actor, request.params.id, 'read');
      const { limit, status } = request.query;
      const overseer = oversees(subject);
      const assigned = db
        .select({ id: assignments.taskId })
        .from(assignments)
        .where(eq(assignments.userId, subject.userId));
      const rows = await db
        .select()
        .from(tasks)
        .where(
          and(
            eq(tasks.projectId, project.id),
            status ? eq(tasks.status, status) : undefined,
            overseer ? undefined : inArray(tasks.id, assigned),
            afterCursor(tasks.createdAt, tasks.id, decodeCursor(request.query.cursor), 'desc'),
          ),
        )
        .orderBy(desc(tasks.createdAt), desc(tasks.id))
        .limit(limit + 1);
      const result = page(rows, limit, (t) => ({ t: t.createdAt, id: t.id }));
      return {
        items: await Promise.all(result.items.map((t) => taskView(db, t, project, subject))),
        nextCursor: result.nextCursor,
      };
    },
  );

  fastify.post<{ Params: { id: string }; Body: TaskInput }>(
    '/api/projects/:id/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'Create a task: media on one timeline, annotators (one layer each) and reviewers; a gold layer is added',
        params: idParams,
        body: {
          type: 'object',
          required: ['name', 'media', 'annotators', 'reviewers'],
          additionalProperties: false,
          properties: taskInputProps,
        },
        response: { 201: ref('Task'), 400: ref('Error'), 422: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { project, subject } = await fastify.access.project(request.actor, request.params.id, 'write');
      const task = await createTask(db, project.id, request.body, request.actor.userId);
      return reply.status(201).send(await taskView(db, task, project, subject));
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/api/tasks/:id',
    {
      schema: { tags: ['tasks'], summary: 'One task', params: idParams, response: { 200: ref('Task'), ...authErrors } },
    },
    async (request) => {
      const { task, project, subject } = await fastify.access.task(request.actor, request.params.id, 'read');
      return taskView(db, task, project, subject);
    },
  );

  fastify.patch<{ Params: { id: string }; Body: Partial<TaskInput> }>(
    '/api/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Rename, change the media bundle or the assignments (managers)',
        params: idParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: taskInputProps },
        response: { 200: ref('Task'), 400: ref('Error'), 422: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const found = await fastify.access.task(request.actor, request.params.id, 'write');
      await updateTask(db, found.task, request.body, request.actor.userId);
      // Layers or media may have changed.
      fastify.agreement.invalidate([found.task.id]);
      if (request.body.annotators || request.body.reviewers) {
        const docs = await taskDocNames(db, found.task.id);
        fastify.reauthorize((doc) => docs.has(doc));
      }
      const { task, project, subject } = await fastify.access.task(request.actor, request.params.id, 'read');
      return taskView(db, task, project, subject);
    },
  );

  fastify.delete<{ Params: { id: string } }>(
    '/api/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Delete a task (managers)',
        params: idParams,
        response: { 204: { type: 'null' }, ...authErrors },
      },
    },
    async (request, reply) => {
      const { task } = await fastify.access.task(request.actor, request.params.id, 'admin');
      const docs = await taskDocNames(db, task.id);
      await db.transaction(async (tx) => {
        await tx.delete(tasks).where(eq(tasks.id, task.id));
        await audit(tx, {
          actorId: request.actor.userId,
          action: 'task.delete',
          resourceType: 'task',
          resourceId: task.id,
          projectId: task.projectId,
          details: { name: task.name },
        });
      });
      fastify.reauthorize((doc) => docs.has(doc));
      return reply.status(204).send();
    },
  );

  fastify.post<{ Params: { id: string }; Body: { action: TaskAction; reason?: string } }>(
    '/api/tasks/:id/transitions',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Workflow: start, submit (your layer), start_review, accept, reject (with reason), reopen',
        params: idParams,
        body: {
          type: 'object',
          required: ['action'],
          additionalProperties: false,
          properties: { action: { enum: TASK_ACTIONS }, reason: { type: 'string', maxLength: 10_000 } },
        },
        response: { 200: ref('Task'), 400: ref('Error'), 409: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { subject } = await fastify.access.task(request.actor, request.params.id, 'read');
      await applyTransition(db, request.params.id, request.body.action, request.body.reason, subject);
      // Write access to layers follows the status (submitted layers freeze; rejected ones thaw).
      const docs = await taskDocNames(db, request.params.id);
      fastify.reauthorize((doc) => docs.has(doc));
      const { task, project, subject: after } = await fastify.access.task(request.actor, request.params.id, 'read');
      return taskView(db, task, project, after);
    },
  );

  // A layer's annotations as JSON, for scripts and exports (same read rule as the WebSocket).
  fastify.get<{ Params: { id: string } }>(
    '/api/layers/:id/annotations',
    {
      schema: {
        tags: ['tasks'],
        summary: "A layer's annotations (read access as for its document)",
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['layerId', 'kind', 'userId', 'annotations'],
            properties: {
              layerId: { type: 'string' },
              kind: { type: 'string' },
              userId: { type: ['string', 'null'] },
              annotations: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...authErrors,
        },
      },
    },
    async (request) => {
      const { layer } = await fastify.access.layer(request.actor, request.params.id, 'read');
      const handle = await fastify.rooms.openDirect(layerDocName(layer.id), 'rest-read', request.actor.userId);
      try {
        const annotations = new LayerDoc(handle.doc).list();
        return { layerId: layer.id, kind: layer.kind, userId: layer.userId, annotations };
      } finally {
        handle.close();
      }
    },
  );
};

export default taskRoutes;
