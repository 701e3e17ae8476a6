import type { FastifyPluginAsync } from 'fastify';
import { CloseCode, closeReason } from '../../../shared/protocol/close-codes.ts';
import { oversees } from '../../access/policy.ts';
import { agreementView, viewReport } from '../../agreement/viewers.ts';
import { ApiError } from '../../errors.ts';
import { authErrors, idParams } from './schemas.ts';

const reportSchema = {
  type: 'object',
  additionalProperties: true,
  description:
    'A TaskReport (shared/agreement/report-types.ts): per tier headline, pairs, per label, confusion, diagnostics',
} as const;

/**
 * Agreement over REST (on demand) and live over a WebSocket: `GET /api/tasks/:id/agreement/live`
 * sends `{"type":"report", report, changedTiers, initial}` whenever an edit changed a tier, to
 * viewers allowed to see it (server/agreement/viewers.ts); others are refused with 4403.
 */
const agreementRoutes: FastifyPluginAsync = async (fastify) => {
  const { live, store } = fastify.agreement;

  fastify.get<{ Params: { id: string } }>(
    '/api/tasks/:id/agreement',
    {
      schema: {
        tags: ['agreement'],
        summary: "A task's agreement report, as far as your access to its layers allows",
        params: idParams,
        response: { 200: reportSchema, ...authErrors },
      },
    },
    async (request) => {
      const { task, project, subject } = await fastify.access.task(request.actor, request.params.id, 'read');
      const view = await agreementView(fastify.access, subject, task, project);
      if (view.kind === 'none') throw new ApiError('Forbidden', 'agreement is hidden from you in this visibility mode');
      return viewReport(await live.report(task.id), view);
    },
  );

  fastify.get<{ Params: { id: string }; Querystring: { days: number } }>(
    '/api/projects/:id/agreement',
    {
      schema: {
        tags: ['agreement'],
        summary:
          'Project agreement: aggregates over tasks, per annotator, and the series over time (managers, reviewers)',
        params: idParams,
        querystring: {
          type: 'object',
          properties: { days: { type: 'integer', minimum: 1, maximum: 3650, default: 90 } },
        },
        response: { 200: reportSchema, ...authErrors },
      },
    },
    async (request) => {
      const { project, subject } = await fastify.access.project(request.actor, request.params.id, 'read');
      if (!oversees(subject)) {
        throw new ApiError('Forbidden', 'project agreement is for managers and reviewers');
      }
      // Tasks nobody has opened yet get their first report now (stored, so this happens once).
      for (const taskId of (await store.tasksWithoutReport(project.id)).slice(0, 50)) {
        await store.save(await live.report(taskId));
      }
      const since = new Date(Date.now() - request.query.days * 86_400_000);
      return store.projectReport(project.id, since);
    },
  );

  // Public as far as the API hook goes: it authenticates itself, answering with close codes.
  fastify.get<{ Params: { id: string } }>(
    '/api/tasks/:id/agreement/live',
    { websocket: true, config: { public: true } },
    (socket, request) => {
      const taskId = request.params.id;
      let unsubscribe: (() => void) | null = null;
      let closed = false;
      socket.on('close', () => {
        closed = true;
        unsubscribe?.();
      });
      const refuse = (code: CloseCode) => socket.close(code, closeReason(code));

      void (async () => {
        const actor = await fastify.authenticate(request.headers);
        if (!actor) return refuse(CloseCode.Unauthenticated);
        const found = await fastify.access.task(actor, taskId, 'read').catch(() => null);
        if (!found) return refuse(CloseCode.Forbidden);
        if ((await agreementView(fastify.access, found.subject, found.task, found.project)).kind === 'none') {
          return refuse(CloseCode.Forbidden);
        }
        if (closed) return;
        unsubscribe = live.subscribe(taskId, (update) => {
          // Access may have changed since the subscription (role, visibility): decide per push.
          void (async () => {
            const now = await fastify.access.task(actor, taskId, 'read').catch(() => null);
            const view = now
              ? await agreementView(fastify.access, now.subject, now.task, now.project)
              : ({ kind: 'none' } as const);
            const report = viewReport(update.report, view);
            if (!report) return refuse(CloseCode.AccessChanged);
            if (socket.readyState === socket.OPEN) {
              socket.send(
                JSON.stringify({ type: 'report', report, changedTiers: update.changedTiers, initial: update.initial }),
              );
            }
          })().catch((err: unknown) => request.log.error({ err, taskId }, 'agreement push failed'));
        });
      })().catch((err: unknown) => {
        request.log.error({ err, taskId }, 'agreement subscription failed');
        refuse(CloseCode.InternalError);
      });
    },
  );
};

export default agreementRoutes;
