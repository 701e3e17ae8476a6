import Fastify from 'fastify';
import app, { serverOptions } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

/** Boot only: read config, build Fastify, register the app, handle signals, listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`concord: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const fastify = Fastify(serverOptions(config));
  await fastify.register(app, { config });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    fastify.log.info({ signal }, 'shutting down: closing sockets with 1001 and flushing writes');
    fastify.close().then(
      () => process.exit(0),
      (err: unknown) => {
        fastify.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const address = await fastify.listen({ host: config.host, port: config.port });
  fastify.log.info({ address, database: fastify.database.kind }, `Concord listening on ${address}`);
}

main().catch((err: unknown) => {
  console.error('concord: failed to start', err);
  process.exit(1);
});
