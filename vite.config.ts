import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm run dev`: Vite serves the app and proxies the API and the sync WebSockets to Fastify.
const api = `http://127.0.0.1:${process.env.API_PORT ?? 8080}`;

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      // ws: live agreement pushes (/api/tasks/:id/agreement/live).
      '/api': { target: api, ws: true },
      '/metrics': api,
      '/sync': { target: api, ws: true },
    },
  },
});
