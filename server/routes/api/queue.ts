import type { FastifyPluginAsync } from 'fastify';
import { TASK_STATUSES } from '../../../shared/domain/task.ts';
import { listQueue, type QueueKind } from '../../tasks/queue.ts';
import { pageQuerySchema, pageResponseSchema } from './pagination.ts';
import { authErrors, ref } from './schemas.ts';

const personSchema = {
  type: ['object', 'null'],
  required: ['userId', 'username', 'displayName'],
  properties: { userId: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' } },
} as const;

const queueItemSchema = {
  $id: 'QueueItem',
  type: 'object',
  required: [
    'id',
    'name',
    'status',
    'projectId',
    'projectName',
    'myRole',
    'waitingSince',
    'createdAt',
    'annotators',
    'agreement',
    'reviewBy',
    'rejection',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: TASK_STATUSES },
    projectId: { type: 'string' },
    projectName: { type: 'string' },
    myRole: { enum: ['manager', 'reviewer', 'annotator'] },
    waitingSince: { type: 'string', description: 'Last change of the task: how long it has waited' },
    createdAt: { type: 'string' },
    annotators: {
      type: 'object',
      required: ['total', 'submitted'],
      properties: { total: { type: 'integer' }, submitted: { type: 'integer' } },
    },
    agreement: { type: ['number', 'null'], description: 'Latest agreement headline (review queue only)' },
    reviewBy: { ...personSchema, description: 'Who started the review in progress' },
    rejection: ref('Rejection'),
  },
} as const;

/** A person's queues across projects (server/tasks/queue.ts says who sees what). */
const queueRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;
  fastify.addSchema(queueItemSchema);

  const routes: Array<[QueueKind, string]> = [
    ['review', 'Tasks waiting for your review (submitted, or in review by you), oldest first, across projects'],
    [
      'work',
      'Tasks you annotate and have not submitted (open, in progress, rejected back to you), newest change first',
    ],
  ];
  for (const [kind, summary] of routes) {
    fastify.get<{ Querystring: { limit: number; cursor?: string } }>(
      `/api/queue/${kind}`,
      {
        schema: {
          tags: ['tasks'],
          summary,
          querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
          response: { 200: pageResponseSchema(ref('QueueItem')), 400: ref('Error'), ...authErrors },
        },
      },
      async (request) => listQueue(db, request.actor, kind, request.query),
    );
  }
};

export default queueRoutes;
