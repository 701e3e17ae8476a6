import type { FastifyPluginAsync } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import { layerDocName } from '../../../shared/domain/doc-names.ts';
import { readRejections } from '../../../shared/model/decisions.ts';
import { LayerDoc } from '../../../shared/model/index.ts';
import type { ProjectRow, TaskRow } from '../../access/access.ts';
import { oversees, type Subject } from '../../access/policy.ts';
import { ApiError } from '../../errors.ts';
import { tasks, users } from '../../storage/schema.ts';
import { taskView } from '../../tasks/tasks.ts';
import { authErrors, idParams } from './schemas.ts';

const exportSchema = { type: 'object', additionalProperties: true } as const;

/**
 * JSON exports with provenance: a task's (or a project's) gold and each layer the caller may
 * read, every annotation with its author, source, confidence and timestamps (gold annotations with
 * their adjudication provenance, the gold layer with its rejections), plus the taxonomy and tiers
 * they refer to, so the file stands on its own.
 */
const exportRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;

  async function exportTask(task: TaskRow, project: ProjectRow, subject: Subject) {
    const view = await taskView(db, task, project, subject);
    const names = new Map(
      (await db.select({ id: users.id, username: users.username }).from(users)).map((u) => [u.id, u.username]),
    );
    const layerExports = [];
    for (const layer of view.layers) {
      const handle = await fastify.rooms.openDirect(layerDocName(layer.id), 'export', subject.userId);
      try {
        layerExports.push({
          layerId: layer.id,
          kind: layer.kind,
          userId: layer.userId,
          username: layer.userId ? (names.get(layer.userId) ?? null) : null,
          annotations: new LayerDoc(handle.doc).list(),
          // Gold: the rejected disagreements (adjudication decisions that left nothing in gold).
          ...(layer.kind === 'gold' ? { decisions: [...readRejections(handle.doc).values()] } : {}),
        });
      } finally {
        handle.close();
      }
    }
    return {
      task: { id: view.id, name: view.name, status: view.status, media: view.media, assignments: view.assignments },
      gold: layerExports.find((l) => l.kind === 'gold') ?? null,
      layers: layerExports.filter((l) => l.kind === 'annotator'),
    };
  }

  function header(project: ProjectRow) {
    return {
      format: 'concord-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      project: { id: project.id, name: project.name, settings: project.settings },
      taxonomy: project.taxonomy,
      tiers: project.tiers,
    };
  }

  fastify.get<{ Params: { id: string } }>(
    '/api/tasks/:id/export',
    {
      schema: {
        tags: ['export'],
        summary: "A task's gold and layers (those you may read) as JSON with provenance",
        params: idParams,
        response: { 200: exportSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      const { task, project, subject } = await fastify.access.task(request.actor, request.params.id, 'read');
      reply.header('content-disposition', `attachment; filename="task-${task.id}.json"`);
      return { ...header(project), ...(await exportTask(task, project, subject)) };
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/api/projects/:id/export',
    {
      schema: {
        tags: ['export'],
        summary: "Every task's gold and layers as JSON with provenance (managers, reviewers)",
        params: idParams,
        response: { 200: exportSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      const { project, subject } = await fastify.access.project(request.actor, request.params.id, 'read');
      if (!oversees(subject)) {
        throw new ApiError('Forbidden', 'project exports are for managers and reviewers');
      }
      const rows = await db.select().from(tasks).where(eq(tasks.projectId, project.id)).orderBy(desc(tasks.createdAt));
      const out = [];
      for (const task of rows) out.push(await exportTask(task, project, subject));
      reply.header('content-disposition', `attachment; filename="project-${project.id}.json"`);
      return { ...header(project), tasks: out };
    },
  );
};

export default exportRoutes;
