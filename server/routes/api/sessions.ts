import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CloseCode, closeReason } from '../../../shared/protocol/close-codes.ts';
import type { SessionWatchMessage } from '../../../shared/protocol/session.ts';
import type { Actor } from '../../accounts/accounts.ts';
import { decide } from '../../access/policy.ts';
import { ApiError } from '../../errors.ts';
import type { LiveSession } from '../../sessions/session.ts';
import { candidates, eligibleParticipant, participantById } from '../../sessions/people.ts';
import { authErrors, idParams, ref } from './schemas.ts';

const sessionSchema = {
  $id: 'Session',
  type: 'object',
  required: ['id', 'taskId', 'projectId', 'starterId', 'leaderId', 'startedAt', 'participants'],
  properties: {
    id: { type: 'string' },
    taskId: { type: 'string' },
    projectId: { type: 'string' },
    starterId: { type: 'string' },
    leaderId: { type: 'string' },
    startedAt: { type: 'string' },
    participants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['userId', 'displayName', 'connected'],
        properties: { userId: { type: 'string' }, displayName: { type: 'string' }, connected: { type: 'boolean' } },
      },
    },
  },
} as const;

const participantParams = {
  type: 'object',
  required: ['id', 'userId'],
  properties: { id: { type: 'string', format: 'uuid' }, userId: { type: 'string', format: 'uuid' } },
} as const;

/**
 * Live adjudication sessions (server/sessions/README.md): start, read, invite, remove, end over
 * REST; the channel at `GET /api/tasks/:id/session` (WebSocket) for invited participants; the
 * watch feed at `/api/tasks/:id/session/watch` for anyone who reads the task (invitation prompts).
 */
const sessionRoutes: FastifyPluginAsync = async (fastify) => {
  const db = fastify.database.db;
  const hub = fastify.sessions;
  fastify.addSchema(sessionSchema);

  /** The task, the subject, and the subject's place in the task's session. */
  async function load(actor: Actor, taskId: string) {
    const found = await fastify.access.task(actor, taskId, 'read');
    const session = hub.get(taskId) ?? null;
    const role = !session
      ? null
      : session.starterId === actor.userId
        ? ('starter' as const)
        : session.participants.has(actor.userId)
          ? ('participant' as const)
          : null;
    const may = (op: 'read' | 'write' | 'admin') =>
      decide(found.subject, { type: 'session', task: found.facts, role }, op);
    return { ...found, session, may };
  }

  function live(session: LiveSession | null): LiveSession {
    if (!session) throw new ApiError('NoSession');
    return session;
  }

  fastify.post<{ Params: { id: string }; Body: { participants?: string[] } }>(
    '/api/tasks/:id/session',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Start a live adjudication session on the task (managers, reviewers); you lead it',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { participants: { type: 'array', maxItems: 50, items: { type: 'string', format: 'uuid' } } },
        },
        response: { 201: ref('Session'), 409: ref('Error'), 422: ref('Error'), ...authErrors },
      },
    },
    async (request, reply) => {
      const { actor } = request;
      const { task, may } = await load(actor, request.params.id);
      if (!may('write')) throw new ApiError('Forbidden', 'managers and reviewers start sessions');
      const starter = await participantById(db, actor.userId);
      if (!starter) throw new ApiError('Unauthenticated');
      const invitees = [];
      for (const id of new Set(request.body?.participants ?? [])) {
        if (id !== actor.userId) invitees.push(await eligibleParticipant(db, fastify.access, id, task.id));
      }
      const session = await hub.start(task.id, task.projectId, starter, invitees);
      return reply.status(201).send(session.summary());
    },
  );

  // The same path upgrades to the channel (wsHandler); a plain GET reads the session.
  fastify.route<{ Params: { id: string } }>({
    method: 'GET',
    url: '/api/tasks/:id/session',
    // Public for the upgrade's sake (it answers with close codes); a plain GET authenticates below.
    config: { public: true },
    schema: {
      tags: ['sessions'],
      summary: "The task's live session (anyone who reads the task); as a WebSocket: the channel",
      params: idParams,
      response: { 200: ref('Session'), ...authErrors },
    },
    wsHandler: (socket, request) => channel(socket, request),
    handler: async (request) => {
      const actor = await fastify.authenticate(request.headers);
      if (!actor) throw new ApiError('Unauthenticated');
      const { session } = await load(actor, request.params.id);
      return live(session).summary();
    },
  });

  fastify.get<{ Params: { id: string } }>(
    '/api/tasks/:id/session/candidates',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Project members who may be invited (those who may read the task)',
        params: idParams,
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              required: ['userId', 'displayName', 'role'],
              properties: { userId: { type: 'string' }, displayName: { type: 'string' }, role: { type: 'string' } },
            },
          },
          ...authErrors,
        },
      },
    },
    async (request) => {
      const { task, may } = await load(request.actor, request.params.id);
      if (!may('write') && !may('admin')) throw new ApiError('Forbidden', 'managers and reviewers invite');
      return candidates(db, task);
    },
  );

  fastify.put<{ Params: { id: string; userId: string } }>(
    '/api/tasks/:id/session/participants/:userId',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Invite someone who may read the task (the starter, managers)',
        params: participantParams,
        response: { 200: ref('Session'), 422: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { task, session, may } = await load(request.actor, request.params.id);
      const s = live(session);
      if (!may('admin')) throw new ApiError('Forbidden', 'the starter or a manager invites');
      const who = await eligibleParticipant(db, fastify.access, request.params.userId, task.id);
      await hub.invite(s, who, request.actor.userId);
      return s.summary();
    },
  );

  fastify.delete<{ Params: { id: string; userId: string } }>(
    '/api/tasks/:id/session/participants/:userId',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Remove a participant (the starter, managers), or decline / leave yourself',
        params: participantParams,
        response: { 200: ref('Session'), 409: ref('Error'), ...authErrors },
      },
    },
    async (request) => {
      const { session, may } = await load(request.actor, request.params.id);
      const s = live(session);
      const { userId } = request.params;
      if (userId !== request.actor.userId && !may('admin')) {
        throw new ApiError('Forbidden', 'the starter or a manager removes participants');
      }
      if (userId === s.starterId) throw new ApiError('InUse', 'the starter cannot leave the list; end the session');
      if (!s.participants.has(userId)) throw new ApiError('NotFound', 'not a participant');
      await hub.remove(s, userId, request.actor.userId);
      return s.summary();
    },
  );

  fastify.delete<{ Params: { id: string } }>(
    '/api/tasks/:id/session',
    {
      schema: {
        tags: ['sessions'],
        summary: 'End the session (the starter, managers): every participant is told and disconnected',
        params: idParams,
        response: { 204: { type: 'null' }, ...authErrors },
      },
    },
    async (request, reply) => {
      const { session, may } = await load(request.actor, request.params.id);
      const s = live(session);
      if (!may('admin')) throw new ApiError('Forbidden', 'the starter or a manager ends the session');
      await hub.end(s, request.actor.userId, 'ended');
      return reply.status(204).send();
    },
  );

  /** The channel: invited participants only (4401, 4403, 4406 not invited, 4410 no session). */
  function channel(socket: WebSocket, request: FastifyRequest<{ Params: { id: string } }>) {
    const taskId = request.params.id;
    let closed = false;
    const pending: string[] = [];
    let onMessage: ((raw: string) => void) | null = null;
    let onClose: (() => void) | null = null;
    socket.on('message', (data, isBinary) => {
      const raw = isBinary ? '' : data.toString();
      if (onMessage) onMessage(raw);
      else pending.push(raw);
    });
    socket.on('close', () => {
      closed = true;
      onClose?.();
    });
    const refuse = (code: CloseCode) => socket.close(code, closeReason(code));

    void (async () => {
      const actor = await fastify.authenticate(request.headers);
      if (!actor) return refuse(CloseCode.Unauthenticated);
      const found = await load(actor, taskId).catch(() => null);
      if (!found) return refuse(CloseCode.Forbidden);
      if (!found.session || found.session.ended) return refuse(CloseCode.SessionEnded);
      if (!found.may('read')) return refuse(CloseCode.NotInvited);
      const who = found.session.participants.get(actor.userId)!;
      if (closed) return;
      const session = found.session;
      const conn = hub.connect(session, who, found.may('admin'), {
        send: (data) => {
          if (socket.readyState === socket.OPEN) socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
        get bufferedAmount() {
          return socket.bufferedAmount;
        },
      });
      const handle = (raw: string) => {
        hub.receive(session, conn, raw).catch((err: unknown) => {
          request.log.error({ err, taskId }, 'session message failed');
          refuse(CloseCode.InternalError);
        });
      };
      onMessage = handle;
      onClose = () => hub.disconnect(session, conn);
      for (const raw of pending.splice(0)) handle(raw);
    })().catch((err: unknown) => {
      request.log.error({ err, taskId }, 'session join failed');
      refuse(CloseCode.InternalError);
    });
  }

  // The watch feed: whether a session runs, and who is in it (anyone who reads the task).
  fastify.get<{ Params: { id: string } }>(
    '/api/tasks/:id/session/watch',
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
        const ok = await fastify.access.task(actor, taskId, 'read').then(
          () => true,
          () => false,
        );
        if (!ok) return refuse(CloseCode.Forbidden);
        if (closed) return;
        unsubscribe = hub.watch(taskId, (session) => {
          const msg: SessionWatchMessage = { type: 'session', session };
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
        });
      })().catch((err: unknown) => {
        request.log.error({ err, taskId }, 'session watch failed');
        refuse(CloseCode.InternalError);
      });
    },
  );
};

export default sessionRoutes;
