import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm run dev`: Vite serves the app and proxies the API and the sync WebSockets to Fastify.
const api = `http://127.0.0.1:${process.env.API_PORT ?? 8080}`;

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': api,
      '/metrics': api,
      '/sync': { target: api, ws: true },
    },
  },
});
