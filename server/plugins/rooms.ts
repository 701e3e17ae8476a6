import fp from 'fastify-plugin';
import { Rooms } from '../rooms/rooms.ts';

declare module 'fastify' {
  interface FastifyInstance {
    rooms: Rooms;
  }
}

/** The Yjs room registry, wired to the database store, metrics and the Fastify logger. */
export default fp(
  async (fastify) => {
    const { sync, shutdownTimeoutMs } = fastify.config;
    const rooms = new Rooms(
      fastify.documentStore,
      {
        limits: {
          maxMessageBytes: sync.maxMessageBytes,
          maxBufferedBytes: sync.maxBufferedBytes,
          maxQueuedBytesWhileLoading: sync.maxMessageBytes,
        },
        commit: {
          windowMs: sync.commitWindowMs,
          maxBatchRows: 2000,
          maxBatchBytes: 8 * 1024 * 1024,
          retryBaseMs: 100,
          retryMaxMs: 5000,
        },
        compaction: { maxUpdates: sync.compactMaxUpdates, maxBytes: sync.compactMaxBytes },
        unloadDelayMs: sync.unloadDelayMs,
      },
      fastify.log.child({ component: 'rooms' }),
      fastify.metrics.roomObserver,
    );
    fastify.decorate('rooms', rooms);
    fastify.addHook('onClose', async () => {
      const started = performance.now();
      await rooms.shutdown(1001, shutdownTimeoutMs);
      fastify.log.info({ ms: Math.round(performance.now() - started) }, 'rooms flushed');
    });
  },
  { name: 'rooms', dependencies: ['config', 'database', 'metrics'] },
);
