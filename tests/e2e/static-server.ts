/**
 * A tiny static file server for the built SPA (build/web): files by path, everything else falls
 * back to index.html (adapter-static's `fallback`, see svelte.config.js). Optional JSON stubs
 * answer chosen GET paths (other /api/ paths get a JSON 404). For e2e runs only.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export interface StaticOptions {
  /** SPA shell for unknown page routes. */
  fallback?: string;
  /** GET path → JSON body (status 200). */
  stubs?: Record<string, unknown>;
}

export async function serveStatic(root: string, opts: StaticOptions = {}): Promise<StaticServer> {
  const base = resolve(root);
  const fallback = opts.fallback ?? 'index.html';
  const stubs = opts.stubs ?? {};
  const server = createServer((req, res) => {
    void (async () => {
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (Object.hasOwn(stubs, pathname) || pathname.startsWith('/api/')) {
        const found = Object.hasOwn(stubs, pathname);
        const body = found ? stubs[pathname] : { error: { code: 'not_found', message: `no stub for ${pathname}` } };
        res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      const candidate = normalize(join(base, pathname));
      if (candidate !== base && !candidate.startsWith(base + sep)) {
        res.writeHead(403).end();
        return;
      }
      let file = candidate;
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) file = join(file, 'index.html');
      else if (info === null) {
        // Missing assets are 404s; page routes get the SPA shell.
        if (extname(pathname) !== '' && extname(pathname) !== '.html') {
          res.writeHead(404).end();
          return;
        }
        file = join(base, fallback);
      }
      const exists = await stat(file).catch(() => null);
      if (exists === null || !exists.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': exists.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
