import fp from 'fastify-plugin';
import { MediaService } from '../media/service.ts';
import { MediaStore } from '../media/store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Uploads, probing, peaks, transcripts (files under DATA_DIR/media). */
    media: MediaService;
  }
}

export default fp(
  async (fastify) => {
    const store = new MediaStore(fastify.config.dataDir);
    fastify.decorate(
      'media',
      new MediaService(fastify.database.db, store, {}, fastify.log.child({ component: 'media' })),
    );
  },
  { name: 'media', dependencies: ['database'] },
);
