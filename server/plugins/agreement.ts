import fp from 'fastify-plugin';
import { LiveAgreement } from '../agreement/live.ts';
import { AgreementStore } from '../agreement/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    agreement: {
      live: LiveAgreement;
      store: AgreementStore;
      /** Tiers, taxonomy, settings or layers of these tasks changed: recompute from scratch. */
      invalidate(taskIds: Iterable<string>): void;
    };
  }
}

/**
 * Live agreement: a task's layers stay loaded (through direct room connections, so they see every
 * edit as it is applied) while anyone subscribes; an edit recomputes only its tier, debounced,
 * and subscribers get the new report. Reports are stored, throttled, for the project trend.
 */
export default fp(
  async (fastify) => {
    const { config } = fastify;
    const store = new AgreementStore(fastify.database.db, fastify.media, config.agreement.storeIntervalMs);
    const log = fastify.log.child({ component: 'agreement' });
    const live = new LiveAgreement({
      openLayer: async (docName) => {
        const handle = await fastify.rooms.openDirect(docName, 'agreement');
        return { doc: handle.doc, release: () => handle.close() };
      },
      taskContext: (taskId) => store.taskContext(taskId),
      store: (report) => store.store(report),
      debounceMs: config.agreement.debounceMs,
      onError: (err, taskId) => log.error({ err, taskId }, 'agreement computation failed'),
    });
    const invalidate = (taskIds: Iterable<string>) => {
      for (const id of taskIds) live.invalidate(id);
    };
    fastify.decorate('agreement', { live, store, invalidate });
    // Runs before the rooms flush (registered after them): release the direct connections first.
    fastify.addHook('onClose', async () => {
      live.close();
      await store.flush().catch((err: unknown) => log.error({ err }, 'storing agreement reports at shutdown failed'));
    });
  },
  { name: 'agreement', dependencies: ['rooms', 'media', 'database'] },
);
