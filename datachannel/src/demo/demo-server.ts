/**
 * The demo's web server (node:http): the page (index.html, app.js, style.css from ./public),
 * the HTTP signaling routes (POST /offer → the echo engine's answer, DELETE /session/:id) and
 * GET /stats (the engine's counters as JSON).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpSignaling } from '../signaling/index.js';
import type { EchoEngine } from './echo-engine.js';

const PUBLIC = new URL('./public/', import.meta.url);
/** The only files served (no path is ever joined from the request). */
const FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

export interface DemoServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startDemoServer(engine: EchoEngine, port: number, host?: string): Promise<DemoServer> {
  const signaling = createHttpSignaling({
    accept: (offerSdp, { id }) => engine.accept(offerSdp, id),
    close: (id) => engine.close(id),
  });
  const server = createServer((req, res) =>
    signaling(req, res, () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET' && path === '/stats') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ engine: engine.name, ...engine.stats() }));
        return;
      }
      const file = FILES[path];
      if (req.method !== 'GET' || !file) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      readFile(new URL(file[0], PUBLIC)).then(
        (body) => {
          res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-cache' });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    }),
  );
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host === undefined || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shown}:${bound}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.shutdown();
    },
  };
}
