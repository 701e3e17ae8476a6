import fp from 'fastify-plugin';
import type { SessionExtension } from '../sessions/extension.ts';
import { voiceExtension } from '../voice/extension.ts';
import { VoiceService } from '../voice/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Voice calls of live sessions (mediasoup); `voice.available` is false without a worker. */
    voice: VoiceService;
  }
}

/** What this plugin needs of the live-session hub (server/sessions/), when it is registered. */
interface SessionHub {
  use(extension: SessionExtension): void;
}

/**
 * Starts the voice service (never fails the server: without a worker, voice is just unavailable)
 * and plugs its signalling into the live-session channel when that channel exists.
 */
export default fp(
  async (fastify) => {
    const voice = new VoiceService(fastify.config.voice, fastify.log.child({ component: 'voice' }));
    // Workers start in the background: the server listens meanwhile; voice requests wait for them.
    void voice.start();
    fastify.decorate('voice', voice);
    // At onReady every plugin is registered, whatever the order of this one and the sessions hub.
    fastify.addHook('onReady', async () => {
      const sessions = (fastify as unknown as { sessions?: SessionHub }).sessions;
      if (sessions !== undefined) sessions.use(voiceExtension(voice));
      else fastify.log.warn('voice: no live-session channel is registered, so voice signalling is unreachable');
    });
    fastify.addHook('onClose', () => voice.close());
  },
  { name: 'voice', dependencies: ['config'] },
);
