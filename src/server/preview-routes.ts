import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PreviewBuilder } from './preview-builder.js';
import type { ClientFile } from './preview-client-bundle.js';
import type { DeskEndpoint } from './desk-endpoint.js';
import type { EventHub } from './preview-events.js';
import type { FileHandler } from './preview-files.js';
import { previewShellHtml } from './preview-shell.js';

export interface PreviewRoutesOptions {
  builder: PreviewBuilder;
  hub: EventHub;
  client: Map<string, ClientFile>;
  /** The folders served from disk (edition, fonts, assets); each says whether it took the request. */
  files: FileHandler[];
  log: (line: string) => void;
  /** A supplied ad's preview picture by its `file` in edition.yaml (see preview-ad-images.ts). */
  adImage: (file: string) => Promise<Uint8Array | undefined>;
  /** The layout desk; absent with `--read-only`. */
  desk?: DeskEndpoint;
}

const PAGE_ID = '([A-Za-z0-9_-]{1,40})';
const SHELL_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'";

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const notFound = (req: IncomingMessage, res: ServerResponse) => send(req, res, 404, 'text/plain; charset=utf-8', 'Not found');

/**
 * Every preview route: the index and page-view shells, page
 * documents, thumbnails, the state, the live-reload channel, the client code, and the
 * edition, fonts and page assets from disk.
 * Read-only but for the layout desk's one POST route (the static server refuses other
 * methods before us).
 */
export function createPreviewRoutes(options: PreviewRoutesOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { builder, hub, client } = options;
  const title = () => {
    const edition = builder.snapshot().edition;
    return edition ? `${edition.paper} ${edition.date}` : 'presswork preview';
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (options.desk && path.startsWith('/_preview/desk/') && (await options.desk.handle(req, res, path))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (options.files.some((handle) => handle(req, res, () => notFound(req, res)))) return;
    if (path === '/' || path === '/index.html') {
      return send(req, res, 200, 'text/html; charset=utf-8', previewShellHtml('index', `${title()} · presswork`), { 'Content-Security-Policy': SHELL_CSP });
    }
    let match = new RegExp(`^/page/${PAGE_ID}$`).exec(path);
    if (match) {
      return send(req, res, 200, 'text/html; charset=utf-8', previewShellHtml('page', `${match[1]} · ${title()}`, options.desk?.token), { 'Content-Security-Policy': SHELL_CSP });
    }
    if (path === '/_preview/events') return hub.handle(req, res, { event: 'state', data: builder.snapshot() });
    if (path === '/_preview/state.json') return send(req, res, 200, 'application/json; charset=utf-8', JSON.stringify(builder.snapshot()));
    match = new RegExp(`^/_preview/doc/${PAGE_ID}$`).exec(path);
    if (match) {
      const html = await builder.pageDocument(match[1]!);
      return html === undefined ? notFound(req, res) : send(req, res, 200, 'text/html; charset=utf-8', html);
    }
    match = new RegExp(`^/_preview/thumb/${PAGE_ID}\\.png$`).exec(path);
    if (match) {
      const png = builder.thumbnail(match[1]!);
      // The URL names the server and layout version, so a browser may keep it.
      return png ? send(req, res, 200, 'image/png', png, { 'Cache-Control': 'private, max-age=86400' }) : notFound(req, res);
    }
    if (path === '/_preview/ad.png') {
      const png = await options.adImage(new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('file') ?? '');
      return png ? send(req, res, 200, 'image/png', png) : notFound(req, res);
    }
    const file = path.startsWith('/_preview/') ? client.get(path.slice('/_preview/'.length)) : undefined;
    if (file) return send(req, res, 200, file.type, file.body);
    return notFound(req, res);
  }

  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      options.log(`preview: ${req.method} ${req.url} failed: ${(error as Error).message}`);
      if (!res.headersSent) send(req, res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  };
}
