// Static single-page app: Fastify serves index.html for every client route.
export const ssr = false;
export const prerender = false;
