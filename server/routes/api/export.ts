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
import { authErrors, idParams, ref } from './schemas.ts';

const exportSchema = { type: 'object', additionalProperties: true } as const;

/** What goes into the file: everything, the gold layer only, or the annotators' layers only. */
export type ExportInclude = 'all' | 'gold' | 'layers';
const includeSchema = {
  enum: ['all', 'gold', 'layers'],
  default: 'all',
  description: '`gold`: only the gold layer; `layers`: only the annotator layers; `all` (default): both',
} as const;

interface Selection {
  include: ExportInclude;
  /** One layer by id (task export only). */
  layerId?: string | undefined;
}

/**
 * JSON exports with provenance: a task's (or a project's) gold and each layer the caller may
 * read, every annotation with its author, source, confidence and timestamps (gold annotations with
 * their adjudication provenance, the gold layer with its rejections), plus the taxonomy and tiers
 * they refer to, so the file stands on its own.
 */
const exportRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;

  async function exportTask(task: TaskRow, project: ProjectRow, subject: Subject, selection: Selection) {
    const view = await taskView(db, task, project, subject);
    const wanted = view.layers.filter((l) =>
      selection.layerId
        ? l.id === selection.layerId
        : selection.include === 'all' || (selection.include === 'gold') === (l.kind === 'gold'),
    );
    if (selection.layerId && wanted.length === 0) {
      // Same answer for a layer of another task and one the caller may not read.
      throw new ApiError('NotFound', 'no such layer in this task (or not one you may read)');
    }
    const names = new Map(
      (await db.select({ id: users.id, username: users.username }).from(users)).map((u) => [u.id, u.username]),
    );
    const layerExports = [];
    for (const layer of wanted) {
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
      task: {
        id: view.id,
        name: view.name,
        status: view.status,
        media: view.media,
        assignments: view.assignments,
        rejection: view.rejection,
      },
      gold: layerExports.find((l) => l.kind === 'gold') ?? null,
      layers: layerExports.filter((l) => l.kind === 'annotator'),
    };
  }

  function header(project: ProjectRow, selection: Selection, subject: Subject) {
    return {
      format: 'concord-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      exportedBy: subject.userId,
      selection: { include: selection.layerId ? 'layer' : selection.include, layerId: selection.layerId ?? null },
      project: { id: project.id, name: project.name, settings: project.settings },
      taxonomy: project.taxonomy,
      tiers: project.tiers,
    };
  }

  /** `task-<id>.json`, `task-<id>-gold.json`, `task-<id>-layer-<layerId>.json`, … */
  function filename(kind: 'task' | 'project', id: string, selection: Selection): string {
    const suffix = selection.layerId
      ? `-layer-${selection.layerId}`
      : selection.include === 'all'
        ? ''
        : `-${selection.include}`;
    return `${kind}-${id}${suffix}.json`;
  }

  fastify.get<{ Params: { id: string }; Querystring: { include: ExportInclude; layer?: string } }>(
    '/api/tasks/:id/export',
    {
      schema: {
        tags: ['export'],
        summary: "A task's gold and layers (those you may read) as JSON with provenance",
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            include: includeSchema,
            layer: { type: 'string', format: 'uuid', description: 'Only this layer (overrides `include`)' },
          },
        },
        response: { 200: exportSchema, 400: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { task, project, subject } = await fastify.access.task(request.actor, request.params.id, 'read');
      const selection = { include: request.query.include, layerId: request.query.layer };
      const body = { ...header(project, selection, subject), ...(await exportTask(task, project, subject, selection)) };
      reply.header('content-disposition', `attachment; filename="${filename('task', task.id, selection)}"`);
      return body;
    },
  );

  fastify.get<{ Params: { id: string }; Querystring: { include: ExportInclude } }>(
    '/api/projects/:id/export',
    {
      schema: {
        tags: ['export'],
        summary: "Every task's gold and layers as JSON with provenance (managers, reviewers)",
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { include: includeSchema } },
        response: { 200: exportSchema, 400: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { project, subject } = await fastify.access.project(request.actor, request.params.id, 'read');
      if (!oversees(subject)) {
        throw new ApiError('Forbidden', 'project exports are for managers and reviewers');
      }
      const rows = await db.select().from(tasks).where(eq(tasks.projectId, project.id)).orderBy(desc(tasks.createdAt));
      const selection = { include: request.query.include };
      const out = [];
      for (const task of rows) out.push(await exportTask(task, project, subject, selection));
      reply.header('content-disposition', `attachment; filename="${filename('project', project.id, selection)}"`);
      return { ...header(project, selection, subject), tasks: out };
    },
  );
};

export default exportRoutes;
