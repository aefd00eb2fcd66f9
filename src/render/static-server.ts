import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

export interface StaticServer {
  origin: string;
  server: Server;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** URL prefix (like `/fonts/noto-serif-sc`) → folder on disk. */
  mounts: Record<string, string>;
  host?: string;
  port?: number;
  /** Handles requests no mount answers (the preview's pages and live-reload channel). */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Paths whose POSTs go to the fallback (the layout desk's edit endpoint); everything else stays read-only. */
  postPaths?: string[];
  /**
   * Request paths whose content never changes under their name (files named by a hash of
   * what went into them): served cacheable for a year, so the browser does not ask again.
   * Everything else is revalidated (ETag) on every use.
   */
  immutable?: RegExp;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A request path we refuse outright: `..` (raw or encoded), backslashes, NUL, or not absolute. */
export function isUnsafePath(rawUrl: string): boolean {
  const path = rawUrl.split('?')[0] ?? '';
  let decoded = path;
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      return true;
    }
  }
  // Dot segments too: sirv's dev mode serves dotfiles (.git, .env) despite `dotfiles: false`.
  return !path.startsWith('/') || path.startsWith('//') || /(^|[/\\])\./.test(decoded) || /[\\\0]/.test(decoded);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * A server on loopback answers only requests addressed to a loopback name and its own port:
 * a web page elsewhere cannot reach it by pointing its own host name at 127.0.0.1 (DNS
 * rebinding).
 */
export function isLoopbackHostHeader(host: string | undefined, port: number): boolean {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host ?? '');
  return Boolean(match && LOOPBACK.has(match[1]!.toLowerCase()) && Number(match[2] ?? 80) === port);
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Not found');
}

/** Serve folders on 127.0.0.1 (unless told otherwise), read-only, GET and HEAD only. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const handlers = Object.entries(options.mounts)
    .sort(([a], [b]) => b.length - a.length)
    .map(([prefix, dir]) => ({ prefix: prefix.replace(/\/$/, ''), serve: sirv(dir, { dev: true, dotfiles: false, etag: true }) }));

  const loopback = LOOPBACK.has(options.host ?? '127.0.0.1');
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (loopback && !isLoopbackHostHeader(req.headers.host, (server.address() as AddressInfo).port)) {
      res.statusCode = 403;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      return res.end('Forbidden: this server answers only to 127.0.0.1 and localhost');
    }
    if (isUnsafePath(url)) return notFound(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (options.fallback && req.method === 'OPTIONS') return options.fallback(req, res);
      if (options.fallback && req.method === 'POST' && options.postPaths?.includes(url.split('?')[0]!)) return options.fallback(req, res);
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      return res.end();
    }
    const mount = handlers.find((h) => url === h.prefix || url.startsWith(`${h.prefix}/`));
    // Set before sirv answers: a header already on the response wins over sirv's `no-cache`.
    if (mount && options.immutable?.test(url.split('?')[0]!)) res.setHeader('Cache-Control', IMMUTABLE);
    if (mount) {
      req.url = url.slice(mount.prefix.length) || '/';
      return mount.serve(req, res, () => {
        req.url = url;
        return options.fallback ? options.fallback(req, res) : notFound(res);
      });
    }
    return options.fallback ? options.fallback(req, res) : notFound(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    origin: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
