import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The SvelteKit app lives in web/ (the top level is shared with server/ and shared/), and is
 * built to static files that Fastify serves; every route falls back to index.html (SPA).
 * @type {import('@sveltejs/kit').Config}
 */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build/web', assets: 'build/web', fallback: 'index.html', strict: true }),
    files: {
      src: 'web',
      routes: 'web/routes',
      lib: 'web/lib',
      appTemplate: 'web/app.html',
      assets: 'web/static',
      hooks: { client: 'web/hooks.client', server: 'web/hooks.server', universal: 'web/hooks' },
      params: 'web/params',
      serviceWorker: 'web/service-worker',
    },
    alias: { $shared: 'shared' },
  },
};

export default config;
